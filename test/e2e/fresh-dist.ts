/**
 * The end-to-end tests run the committed bundles (dist/index.js, dist/cli.js), so they would happily
 * "test" an old bundle after an edit to src/. This global setup of the e2e project (vitest.config.ts)
 * runs once per `npm test`, before any test file: it builds src/ into a temporary folder exactly as
 * `npm run package` does (`scripts/package.mjs --out`, dist/ left alone) and compares the result with
 * dist/ byte for byte. What it finds is handed to every e2e file, whose first hook fails with it
 * (test/e2e/fresh-dist-check.ts): a stale dist/ fails the e2e tests, and the committed dist/ is proven
 * to be what users get. The unit tests still run and report as usual.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, join, relative, resolve } from 'node:path'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    /** null when dist/ is the bundle of src/; otherwise why the e2e tests must not run it. */
    staleDist: string | null
  }
}

const ROOT = resolve(import.meta.dirname, '../..')
export const DIST = join(ROOT, 'dist')

export default async function setup(project: TestProject): Promise<void> {
  project.provide('staleDist', await checkDist(DIST))
}

/** Builds src/ into a temporary folder and compares it with `committed`; null when they are the same. */
export async function checkDist(committed: string): Promise<string | null> {
  const work = await mkdtemp(join(tmpdir(), 'bb2fa-fresh-dist-'))
  try {
    const fresh = join(work, 'dist')
    const failure = await build(fresh)
    if (failure !== null) return `src/ does not build, so dist/ cannot be checked against it: ${failure}`
    const found = await differences(fresh, committed)
    if (found.length === 0) return null
    return `dist/ is stale: run \`npm run package\` and commit dist/ (against a fresh build of src/: ${found.join('; ')}).`
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

/** Runs `npm run package` into `out`, with the Node and the PATH that npm gives it; a failure's last words, or null. */
function build(out: string): Promise<string | null> {
  const env = { ...process.env, PATH: [join(ROOT, 'node_modules', '.bin'), process.env.PATH ?? ''].join(delimiter) }
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(ROOT, 'scripts', 'package.mjs'), '--out', out],
      { cwd: ROOT, env, maxBuffer: 64 * 1024 * 1024 },
      (error, _stdout, stderr) => {
        done(error === null ? null : `${error.message.split('\n')[0] ?? ''} ${stderr.trim().split('\n').slice(-15).join('\n')}`.trim())
      }
    )
  })
}

/**
 * What differs between two folders, file by file and byte for byte, by path relative to each: a file
 * whose bytes differ, one the fresh build has and `committed` lacks (missing), and one only `committed`
 * has (left over, such as an old chunk). Empty when they are the same.
 */
export async function differences(fresh: string, committed: string): Promise<string[]> {
  const [built, kept] = await Promise.all([filesUnder(fresh), filesUnder(committed)])
  const found: string[] = []
  for (const name of [...new Set([...built, ...kept])].sort()) {
    if (!kept.has(name)) found.push(`${name} is missing`)
    else if (!built.has(name)) found.push(`${name} is left over`)
    else if (!(await readFile(join(fresh, name))).equals(await readFile(join(committed, name)))) found.push(`${name} differs`)
  }
  return found
}

/** Every file under `folder`, by relative path; an absent folder holds none. */
async function filesUnder(folder: string): Promise<Set<string>> {
  try {
    const entries = await readdir(folder, { recursive: true, withFileTypes: true })
    return new Set(entries.filter((entry) => !entry.isDirectory()).map((entry) => relative(folder, join(entry.parentPath, entry.name))))
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return new Set()
    throw error
  }
}
