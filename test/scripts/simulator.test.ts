import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { HELP } from '../../src/cli/help.js'
import { ADMIN_EMAIL, ADMIN_TOKEN, CONSUMER_KEY, CONSUMER_SECRET } from '../simulator/fixtures.js'
import { runCli } from '../support/cli.js'
import { runInProcess } from '../support/io.js'

/**
 * `npm run simulator` prints where it listens, the credentials that work against it and a command to
 * try each door. Here the script itself runs (on any free port), and what it prints is run: the CLI
 * commands through the CLI's main(), the action's INPUT_* variables and workflow step through the
 * action's run(), both in this process against the script's simulator.
 */
const root = resolve(import.meta.dirname, '../..')
const DONE = 'Serving until stopped'
const action = parse(readFileSync(resolve(root, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown> }
const helpVariables: readonly string[] = (/\nEnvironment:\n([\s\S]*?)\n\n/.exec(HELP)?.[1] ?? '').match(/\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b/g) ?? []

let script: ChildProcess
let printed = ''
let exited: Promise<number | null>

beforeAll(async () => {
  script = spawn(process.execPath, ['--import', 'tsx', 'test/scripts/simulator.ts', '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  exited = new Promise((done) => {
    script.once('exit', done)
  })
  let stderr = ''
  script.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  await new Promise<void>((done, fail) => {
    script.stdout?.on('data', (chunk: Buffer) => {
      printed += chunk.toString()
      if (printed.includes(DONE)) done()
    })
    script.once('exit', (code) => {
      fail(new Error(`the simulator script exited (${String(code)}) before it was ready:\n${printed}${stderr}`))
    })
  })
})

afterAll(async () => {
  if (script.exitCode === null) script.kill('SIGTERM')
  expect(await exited).toBe(0)
})

/** The printed lines that run a bundle: `[env] NAME=value … node dist/<file> args…` (no quoting needed). */
function commands(file: string): { line: string; env: Record<string, string>; args: string[] }[] {
  return printed
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.includes(` node ${file}`))
    .map((line) => {
      const words = line.split(' ')
      const node = words.indexOf('node')
      const assignments = words.slice(words[0] === 'env' ? 1 : 0, node)
      const env = Object.fromEntries(assignments.map((word) => [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)]))
      expect(words[node + 1], line).toBe(file)
      return { line, env, args: words.slice(node + 2) }
    })
}

const urls = () => ({
  apiUrl: /\bapi-url (\S+),/.exec(printed)?.[1] ?? '',
  tokenUrl: /\boauth-token-url (\S+)/.exec(printed)?.[1] ?? ''
})

describe('npm run simulator', () => {
  it('prints where it listens (a real port with --port 0) and the credentials that work against it', () => {
    const { apiUrl, tokenUrl } = urls()
    expect(apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*\/2\.0$/)
    expect(tokenUrl).toBe(apiUrl.replace(/\/2\.0$/, '/site/oauth2/access_token'))
    expect(printed).toContain(`email ${ADMIN_EMAIL}, token ${ADMIN_TOKEN}`)
    expect(printed).toContain(`client id ${CONSUMER_KEY}, client secret ${CONSUMER_SECRET}`)
  })

  it('prints CLI commands that reach the verdict the workspace calls for', async () => {
    const { apiUrl, tokenUrl } = urls()
    const cli = commands('dist/cli.js')
    expect(cli.map((c) => c.line)).toEqual([
      `BITBUCKET_EMAIL=${ADMIN_EMAIL} BITBUCKET_TOKEN=${ADMIN_TOKEN} node dist/cli.js --workspace acme --api-url ${apiUrl}`,
      `BITBUCKET_OAUTH_CLIENT_ID=${CONSUMER_KEY} BITBUCKET_OAUTH_CLIENT_SECRET=${CONSUMER_SECRET} node dist/cli.js --workspace acme --api-url ${apiUrl} --oauth-token-url ${tokenUrl}`
    ])
    for (const { line, env, args } of cli) {
      expect(
        Object.keys(env).filter((name) => !helpVariables.includes(name)),
        line
      ).toEqual([])
      for (const flag of args.filter((arg) => arg.startsWith('--'))) expect(HELP, flag).toContain(flag)
      const run = await runCli(args, env)
      expect(run.stderr, line).toBe('')
      expect(run.exitCode, line).toBe(1)
      expect(run.stdout).toContain('NOT COMPLIANT: 1 without two-factor authentication, 1 unknown of 3 people')
      expect(run.stdout).toContain('Bob Builder')
    }
  })

  it('prints the action two ways, INPUT_* variables and a workflow step, with the same inputs that work', async () => {
    const { apiUrl } = urls()
    const [local, ...others] = commands('dist/index.js')
    expect(others).toEqual([])
    expect(local?.line.startsWith('env ')).toBe(true)
    expect(local?.args).toEqual([])
    const { GITHUB_STEP_SUMMARY, ...variables } = local?.env ?? {}
    expect(GITHUB_STEP_SUMMARY).toBe('/dev/stdout')
    const inputs = Object.fromEntries(Object.entries(variables).map(([name, value]) => [name.replace(/^INPUT_/, '').toLowerCase(), value]))
    expect(inputs).toEqual({ workspace: 'acme', email: ADMIN_EMAIL, token: ADMIN_TOKEN, 'api-url': apiUrl })

    const lines = printed.split('\n')
    const start = lines.findIndex((line) => line.trim() === '- uses: ./')
    expect(start).toBeGreaterThan(-1)
    const end = lines.findIndex((line, i) => i > start && line.trim() === '')
    const steps = parse(lines.slice(start, end).join('\n')) as { uses: string; with: Record<string, string> }[]
    expect(steps).toEqual([{ uses: './', with: inputs }])
    expect(Object.keys(inputs).filter((name) => !(name in action.inputs))).toEqual([])

    // No event payload, as on a terminal: names withheld, the verdict and the counts the same.
    const run = await runInProcess(inputs, { event: null })
    expect(run.exitCode).toBe(1)
    expect(run.outputs).toMatchObject({ compliant: 'false', 'member-count': '4', 'non-compliant-count': '1', 'unknown-count': '1' })
    expect(run.stdout).not.toContain('Bob Builder')
  })
})
