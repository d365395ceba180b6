import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_EMAIL, ADMIN_TOKEN, adminCredential, compliantWorkspace, person, REPO_ADMIN_TOKEN, repoAdminCredential } from '../simulator/fixtures.js'
import { BitbucketSimulator } from '../simulator/server.js'
import { spawnNode } from '../support/action.js'
import { schemaErrors } from '../support/schema.js'

const ROOT = resolve(import.meta.dirname, '../..')
const CLI = resolve(ROOT, 'dist/cli.js')
const packageJson = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { version: string; name: string; bin: Record<string, string> }

const acme = compliantWorkspace('acme', 150)
acme.members[120] = person(121, false, { display_name: 'Vic Violator' })
// shop: 40 members, two of them without 2FA; only one of those can write to shop/app.
const shop = compliantWorkspace('shop', 40, 2000)
shop.members[10] = person(2011, false, { display_name: 'Wes Writer' })
shop.members[20] = person(2021, false, { display_name: 'Rae Reader' })
shop.repositories = [
  {
    slug: 'app',
    grants: [
      { uuid: person(2011, false).uuid, permission: 'write' },
      { uuid: person(2021, false).uuid, permission: 'read' },
      { uuid: person(2005, true).uuid, permission: 'admin' }
    ]
  }
]
const sim = new BitbucketSimulator({ workspaces: [acme, compliantWorkspace('beta', 30, 1000), shop], credentials: [adminCredential, repoAdminCredential] })
const work = mkdtempSync(join(tmpdir(), 'bb2fa-e2e-cli-'))

beforeAll(async () => {
  await sim.start()
})
afterAll(async () => {
  await sim.stop()
  rmSync(work, { recursive: true, force: true })
})

/** The environment a shell gives the bundled CLI: only PATH, HOME and the gate's variables. */
function shellEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: work,
    BITBUCKET_EMAIL: ADMIN_EMAIL,
    BITBUCKET_TOKEN: ADMIN_TOKEN,
    BITBUCKET_API_URL: sim.apiUrl,
    BITBUCKET_2FA_GATE_TEST_TIMING: JSON.stringify({ timeoutMs: 2000, delayScale: 0 })
  }
}

/** A shell's run of the bundled CLI: only PATH, HOME and the variables given. */
function cli(args: string[], env: Record<string, string> = {}, bin = CLI) {
  return spawnNode([bin, ...args], { ...shellEnv(), ...env })
}

describe('the bundled CLI, run as a shell runs it', () => {
  it('gates a repository: fails the writer without 2FA, never names the reader', async () => {
    const run = await cli(['--repository', 'shop/app'], { BITBUCKET_TOKEN: REPO_ADMIN_TOKEN })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('NOT COMPLIANT: 1 without two-factor authentication of 3 people; none of them an admin')
    expect(run.stdout).toContain('Everyone who can write to shop/app, and every admin of shop: 3 people, of them 1 admin; 37 other members out of scope.')
    expect(run.stdout).toContain('Wes Writer')
    expect(run.stdout).not.toContain('Rae Reader')
    const json = await cli(['--repository', 'app', '--json'], { BITBUCKET_TOKEN: REPO_ADMIN_TOKEN, BITBUCKET_WORKSPACE: 'shop' })
    const report = JSON.parse(json.stdout) as Record<string, unknown>
    expect(schemaErrors(report)).toEqual([])
    expect(report).toMatchObject({ scope: { kind: 'repository', repositories: ['shop/app'] }, counts: { in_scope: 3, out_of_scope: 37, requests: 3 } })
  })

  it('exits 0, 1 and 2 for compliant, not compliant and no verdict', async () => {
    const ok = await cli(['--workspace', 'beta'])
    expect([ok.exitCode, ok.stderr]).toEqual([0, ''])
    expect(ok.stdout).toContain('COMPLIANT: all 30 people')
    const bad = await cli(['--workspace', 'acme'])
    expect(bad.exitCode).toBe(1)
    expect(bad.stdout).toContain('Vic Violator')
    const broken = await cli(['--workspace', 'acme'], { BITBUCKET_TOKEN: 'ATATT-wrong' })
    expect(broken.exitCode).toBe(2)
    expect(broken.stderr).toMatch(/^bitbucket-2fa-gate: Bitbucket answered 401 Unauthorized for workspace "acme"/)
    expect(broken.stdout).toBe('')
    const usage = await cli(['--nope'])
    expect(usage.exitCode).toBe(2)
  })

  it("ends quietly with the verdict's exit code when the reader of its output goes away (`| head`)", async () => {
    const script = `"${process.execPath}" "${CLI}" --workspace acme --json | true; echo "exit=\${PIPESTATUS[0]}"`
    // Asynchronous: the simulator answers from this process while the pipeline runs.
    const run = await new Promise<{ stdout: string; stderr: string }>((done, fail) => {
      execFile('bash', ['-c', script], { env: shellEnv() }, (error, stdout, stderr) => {
        if (error) fail(new Error(error.message))
        else done({ stdout, stderr })
      })
    })
    expect(run.stdout.trim()).toBe('exit=1')
    expect(run.stderr).not.toMatch(/EPIPE|Error|\bat /)
  })

  it('writes a report that validates against the schema, and prints it with --json', async () => {
    const run = await cli(['--workspace', 'acme', '--json', '--report-file', join(work, 'reports/2fa.json')])
    expect(run.exitCode).toBe(1)
    const report: unknown = JSON.parse(run.stdout)
    expect(schemaErrors(report)).toEqual([])
    expect(readFileSync(join(work, 'reports/2fa.json'), 'utf8')).toBe(run.stdout)
  })

  it('never colours when stdout is not a terminal, and prints no secret', async () => {
    const run = await cli(['--workspace', 'acme'], { FORCE_COLOR: '1' })
    expect(run.stdout).not.toContain('\u001b[')
    expect(run.stdout + run.stderr).not.toContain(ADMIN_TOKEN)
  })

  it('starts with --version and --help', async () => {
    expect((await cli(['--version'])).stdout).toBe(`${packageJson.version}\n`)
    expect((await cli(['--help'])).stdout).toContain('Usage: bitbucket-2fa-gate --workspace <slug> [options]')
  })
})

describe('the npm package', () => {
  it('installs from its tarball into an empty folder, offline, and its bin runs', async () => {
    const packs = mkdtempSync(join(work, 'pack-'))
    const out = execFileSync('npm', ['pack', '--json', '--pack-destination', packs], { cwd: ROOT, encoding: 'utf8' })
    const [{ filename, files }] = JSON.parse(out) as [{ filename: string; files: { path: string }[] }]
    expect(files.map((f) => f.path).sort()).toEqual([
      'LICENSE',
      'README.md',
      'dist/cli.js',
      'dist/licenses.txt',
      'dist/package.json',
      'package.json',
      'schema/junit.xsd',
      'schema/report.schema.json',
      'schema/test-result-predicate.schema.json'
    ])
    const project = mkdtempSync(join(work, 'project-'))
    writeFileSync(join(project, 'package.json'), '{"name":"empty","private":true}')
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', join(packs, filename)], { cwd: project, encoding: 'utf8' })
    const bin = join(project, 'node_modules/.bin/bitbucket-2fa-gate')
    expect(execFileSync(bin, ['--version'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } })).toBe(`${packageJson.version}\n`)
    const run = await cli(['--workspace', 'acme'], {}, join(project, 'node_modules', packageJson.name, packageJson.bin['bitbucket-2fa-gate']!))
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('NOT COMPLIANT: 1 without two-factor authentication of 150 people')
  }, 120_000)
})
