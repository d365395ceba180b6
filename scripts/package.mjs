#!/usr/bin/env node
/**
 * `npm run package`: bundles the action (dist/index.js, with @actions/github in a chunk of its own that
 * loads only for the tracking issue) and the CLI (dist/cli.js), then writes dist/licenses.txt for every
 * package either bundle holds. ncc's own license file is written once per chunk under one name, so the
 * last chunk's list would win: the list is built here from the bundles' module stats instead.
 *
 * `node scripts/package.mjs --out <folder>` builds the same files into that folder instead, with its
 * work files in a temporary folder, leaving dist/ and .build/ alone: the end-to-end tests build so and
 * compare the result with dist/ byte for byte (test/e2e/fresh-dist.ts).
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'

const root = resolve(import.meta.dirname, '..')
const { values } = parseArgs({ options: { out: { type: 'string' } } })
const dist = values.out === undefined ? join(root, 'dist') : resolve(values.out)
// The out folder is removed and made anew: it must lie outside the project (and not hold it).
const outside = (from, to) => relative(from, to).startsWith('..')
if (values.out !== undefined && (values.out === '' || !outside(root, dist) || !outside(dist, root))) {
  throw new Error(`--out ${values.out}: give a folder outside the project, such as a temporary one`)
}
const work = values.out === undefined ? join(root, '.build') : mkdtempSync(join(tmpdir(), 'bb2fa-package-'))
if (values.out !== undefined) process.on('exit', () => rmSync(work, { recursive: true, force: true }))
const ncc = join(root, 'node_modules', '.bin', 'ncc')

if (values.out === undefined) {
  rmSync(work, { recursive: true, force: true })
  mkdirSync(work)
}
// No stale chunk may survive a rebuild: dist/ is made anew.
rmSync(dist, { recursive: true, force: true })

const build = (entry, out, stats) => {
  execFileSync(ncc, ['build', entry, '--out', out, '--minify', '--stats-out', stats], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
}
build('src/index.ts', dist, join(work, 'action.json'))
build('src/cli.ts', join(work, 'cli'), join(work, 'cli.json'))
renameSync(join(work, 'cli', 'index.js'), join(dist, 'cli.js'))
chmodSync(join(dist, 'cli.js'), 0o755)

const packages = new Set()
for (const file of ['action.json', 'cli.json']) collect(JSON.parse(readFileSync(join(work, file), 'utf8')).modules ?? [], packages)
writeFileSync(join(dist, 'licenses.txt'), [...packages].sort().map(licenseOf).join('\n\n') + '\n')
rmSync(work, { recursive: true, force: true })
const shown = values.out === undefined ? 'dist' : dist
for (const name of readdirSync(dist)) process.stdout.write(`${shown}/${name}\n`)

/** Package names of every bundled module, concatenated modules included. */
function collect(modules, into) {
  for (const module of modules) {
    for (const text of [module.name, module.identifier]) {
      const match = typeof text === 'string' ? /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(text) : null
      if (match) into.add(match[1])
    }
    if (Array.isArray(module.modules)) collect(module.modules, into)
  }
}

/** "name\nlicense\n\ntext", as ncc writes it; a package without a license file gives its license field. */
function licenseOf(name) {
  const dir = join(root, 'node_modules', name)
  const meta = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  const file = existsSync(dir) ? readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f)) : undefined
  const text = file === undefined ? '' : `\n${readFileSync(join(dir, file), 'utf8').trim()}`
  return `${name}\n${meta.license ?? 'UNKNOWN'}${text}`
}
