import { spawn } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ADMIN_EMAIL, ADMIN_TOKEN, adminCredential, bot, person } from '../simulator/fixtures.js'
import { BitbucketSimulator } from '../simulator/server.js'
import { carriesCredentials, PipelinesProxy } from '../support/pipelines-proxy.js'

/**
 * The bundled CLI's `pipe` subcommand as the pipe's image runs it: a user who is not root, in the clone
 * folder Pipelines mounts, with the step's variables and the pipe's own. There is no Docker daemon
 * here, so this is the image's entry point without the image (pipe/Dockerfile is checked apart).
 */
const ROOT = resolve(import.meta.dirname, '../..')
const CLI = resolve(ROOT, 'dist/cli.js')
const COMMIT = 'feedface0123456789abcdef0123456789abcdef'
const sim = new BitbucketSimulator({ workspaces: [], credentials: [adminCredential] })
const proxy = new PipelinesProxy()
const work = mkdtempSync(join(tmpdir(), 'bb2fa-e2e-pipe-'))
chmodSync(work, 0o755)

beforeAll(async () => {
  await sim.start()
  await proxy.start()
})
afterAll(async () => {
  await sim.stop()
  await proxy.stop()
  rmSync(work, { recursive: true, force: true })
})
beforeEach(() => {
  sim.workspaces.length = 0
  sim.workspaces.push({
    slug: 'acme',
    uuid: '{aaaaaaaa-1111-4111-8111-111111111111}',
    members: [person(1, true), person(2, false, { display_name: 'Bob NoTwoFactor' }), bot(1)]
  })
  proxy.requests.length = 0
  proxy.reports.clear()
})

/** The pipe's container: its variables, the step's, and a proxy environment that must not touch the Code Insights leg. */
function pipeEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: work,
    BITBUCKET_EMAIL: ADMIN_EMAIL,
    BITBUCKET_TOKEN: ADMIN_TOKEN,
    BITBUCKET_API_URL: sim.apiUrl,
    BITBUCKET_WORKSPACE: 'acme',
    BITBUCKET_BUILD_NUMBER: '7',
    BITBUCKET_REPO_FULL_NAME: 'acme/app',
    BITBUCKET_REPO_IS_PRIVATE: 'true',
    BITBUCKET_COMMIT: COMMIT,
    CODE_INSIGHTS_PROXY: proxy.url.origin,
    // A dead proxy: were the Code Insights leg to use the runner's proxy variables, it would fail.
    HTTP_PROXY: 'http://127.0.0.1:9',
    http_proxy: 'http://127.0.0.1:9',
    BITBUCKET_2FA_GATE_TEST_TIMING: JSON.stringify({ timeoutMs: 2000, delayScale: 0 }),
    ...extra
  }
}

/** Runs `dist/cli.js pipe` in `cwd`; as root, as `nobody` (the pipe's image runs as a user who is not root). */
function runPipe(cwd: string, env: Record<string, string>): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  const root = process.getuid?.() === 0
  const [command, args] = root
    ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CLI, 'pipe']]
    : [process.execPath, [CLI, 'pipe']]
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (exitCode) => {
      resolvePromise({ exitCode, stdout, stderr })
    })
  })
}

describe('bitbucket-2fa-gate pipe, as the pipe image runs it', () => {
  it('writes the JUnit file, posts Code Insights without credentials (whatever HTTP_PROXY says), and exits 1 on a violation', async () => {
    const clone = join(work, 'clone-writable')
    mkdirSync(clone)
    chmodSync(clone, 0o777)
    const run = await runPipe(clone, pipeEnv())
    expect(run.stderr).toBe('')
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('Bob NoTwoFactor')
    expect(readFileSync(join(clone, 'test-results/bitbucket-2fa-gate.xml'), 'utf8')).toContain('<failure')
    expect(proxy.requests.map((r) => r.method)).toEqual(['DELETE', 'PUT', 'POST'])
    expect(proxy.requests.some(carriesCredentials)).toBe(false)
    expect(JSON.stringify(proxy.requests.map((r) => r.headers))).not.toContain(ADMIN_TOKEN)
  })

  it('warns, naming the variable, when the pipe’s user may not write a folder of the clone; the exit code follows the verdict', async () => {
    const clone = join(work, 'clone-read-only')
    mkdirSync(clone)
    chmodSync(clone, 0o555)
    const run = await runPipe(clone, pipeEnv({ CODE_INSIGHTS: 'false', CODE_INSIGHTS_PROXY: '' }))
    expect(run.exitCode).toBe(1)
    expect(run.stderr).toContain('bitbucket-2fa-gate: warning: Variable `JUNIT_FILE`: the folder')
    expect(run.stderr).toContain('(EACCES)')
    expect(run.stderr).toContain("The pipe's user may not write there")
  })

  it('fails a run whose file cannot be written for another reason', async () => {
    const clone = join(work, 'clone-other')
    mkdirSync(clone)
    chmodSync(clone, 0o777)
    const run = await runPipe(clone, pipeEnv({ CODE_INSIGHTS: 'false', CODE_INSIGHTS_PROXY: '', JUNIT_FILE: '/proc/bb2fa-nope/r.xml' }))
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toContain('could not write the JUnit report')
    expect(run.stderr).toContain('`JUNIT_FILE`')
  })
})
