#!/usr/bin/env node
/**
 * `npm run package`: bundles the action (dist/index.js, with @actions/github in a chunk of its own that
 * loads only for the tracking issue) and the CLI (dist/cli.js), then writes dist/licenses.txt for every
 * package either bundle holds. ncc's own license file is written once per chunk under one name, so the
 * last chunk's list would win: the list is built here from the bundles' module stats instead.
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const dist = join(root, 'dist')
const work = join(root, '.build')
const ncc = join(root, 'node_modules', '.bin', 'ncc')

rmSync(work, { recursive: true, force: true })
mkdirSync(work)
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
for (const name of readdirSync(dist)) process.stdout.write(`dist/${name}\n`)

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
