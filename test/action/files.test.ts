import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ADMIN_EMAIL, ADMIN_TOKEN, adminCredential, bot, person } from '../simulator/fixtures.js'
import { BitbucketSimulator } from '../simulator/server.js'
import { PUBLIC_REPO_EVENT, workflowCommands } from '../support/action.js'
import { runInProcess } from '../support/io.js'

/** The action's `junit-file` and `attestation-predicate-file`: written, named in the outputs, and what fails the step. */
const sim = new BitbucketSimulator({ workspaces: [], credentials: [adminCredential] })
const BOB = person(2, false, { display_name: 'Bob NoTwoFactor', nickname: 'bob' })

const folders: string[] = []
function workspaceFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'bb2fa-ws-'))
  folders.push(folder)
  return folder
}
const base = () => ({ workspace: 'acme', email: ADMIN_EMAIL, token: ADMIN_TOKEN, 'api-url': sim.apiUrl })

beforeAll(async () => {
  await sim.start()
})
afterAll(async () => {
  await sim.stop()
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true })
})
beforeEach(() => {
  sim.workspaces.length = 0
  sim.workspaces.push({ slug: 'acme', uuid: '{aaaaaaaa-1111-4111-8111-111111111111}', members: [person(1, true), BOB, bot(1, 'Deploy Bot')] })
  sim.faults.length = 0
  sim.resetStats()
})

const errorsOf = (stdout: string): string[] =>
  workflowCommands(stdout)
    .filter((line) => line.startsWith('::error::'))
    .map((line) => line.slice('::error::'.length))

describe('junit-file', () => {
  it('writes the JUnit report relative to GITHUB_WORKSPACE and gives its absolute path', async () => {
    const dir = workspaceFolder()
    const run = await runInProcess({ ...base(), 'junit-file': 'test-results/2fa.xml' }, { env: { GITHUB_WORKSPACE: dir } })
    expect(run.exitCode).toBe(1)
    expect(run.outputs['junit-file']).toBe(join(dir, 'test-results/2fa.xml'))
    const xml = readFileSync(join(dir, 'test-results/2fa.xml'), 'utf8')
    expect(xml).toContain('<testsuite name="workspace:acme"')
    expect(xml).toContain(BOB.account_id)
  })

  it('names nobody in a public repository', async () => {
    const dir = workspaceFolder()
    await runInProcess({ ...base(), 'junit-file': 'r.xml' }, { env: { GITHUB_WORKSPACE: dir }, event: PUBLIC_REPO_EVENT })
    const xml = readFileSync(join(dir, 'r.xml'), 'utf8')
    for (const text of ['Bob NoTwoFactor', BOB.account_id ?? '', BOB.uuid]) expect(xml).not.toContain(text)
  })

  it('fails the step naming the file once when it cannot be written; the verdict stands', async () => {
    const run = await runInProcess({ ...base(), 'junit-file': '/proc/bb2fa-nope/r.xml' })
    expect(run.outputs['junit-file']).toBe('')
    expect(run.outputs['non-compliant-count']).toBe('1')
    expect(errorsOf(run.stdout)).toContain(
      'Could not write the JUnit report: the folder /proc/bb2fa-nope could not be created (ENOENT), so /proc/bb2fa-nope/r.xml cannot be written. ' +
        'Check `junit-file` and that the runner may write there. The verdict above stands; only the JUnit report is missing.'
    )
  })

  it('fails a compliant run whose file cannot be written', async () => {
    sim.workspaces[0]?.members.splice(1, 1)
    const run = await runInProcess({ ...base(), 'junit-file': '/proc/bb2fa-nope/r.xml' })
    expect(run.outputs.compliant).toBe('true')
    expect(run.exitCode).toBe(1)
  })

  it('overwrites an old file with one failing test case when the run reaches no verdict', async () => {
    const dir = workspaceFolder()
    writeFileSync(join(dir, 'r.xml'), '<testsuites tests="1" failures="0"/>')
    const run = await runInProcess({ ...base(), 'junit-file': 'r.xml', 'fail-on-unknown': 'maybe' }, { env: { GITHUB_WORKSPACE: dir } })
    expect(run.exitCode).toBe(1)
    const xml = readFileSync(join(dir, 'r.xml'), 'utf8')
    expect(xml).toContain('<failure')
    expect(xml).toContain('fail-on-unknown')
    expect(run.outputs['junit-file']).toBe(join(dir, 'r.xml'))
  })
})

describe('attestation-predicate-file', () => {
  it('binds the sha256 of the report written in this run, and names nobody even where names are shown', async () => {
    const dir = workspaceFolder()
    const run = await runInProcess(
      { ...base(), 'report-file': 'evidence/report.json', 'attestation-predicate-file': 'evidence/predicate.json' },
      { env: { GITHUB_WORKSPACE: dir, GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/app', GITHUB_RUN_ID: '1234' } }
    )
    expect(run.outputs['attestation-predicate-file']).toBe(join(dir, 'evidence/predicate.json'))
    const report = readFileSync(join(dir, 'evidence/report.json'))
    const text = readFileSync(join(dir, 'evidence/predicate.json'), 'utf8')
    const predicate = JSON.parse(text) as { result: string; url: string; configuration: { name: string; digest?: { sha256: string } }[]; failedTests: string[] }
    expect(predicate).toMatchObject({ result: 'FAILED', url: 'https://github.com/acme/app/actions/runs/1234', failedTests: ['workspace:acme'] })
    expect(predicate.configuration.find((c) => c.name === 'report.json')?.digest?.sha256).toBe(createHash('sha256').update(report).digest('hex'))
    expect(report.toString()).toContain('Bob NoTwoFactor')
    for (const secret of ['Bob NoTwoFactor', BOB.account_id ?? '', BOB.uuid, ADMIN_TOKEN]) expect(text).not.toContain(secret)
  })

  it('is an input error without report-file, before any request', async () => {
    const run = await runInProcess({ ...base(), 'attestation-predicate-file': 'p.json' })
    expect(run.exitCode).toBe(1)
    expect(errorsOf(run.stdout)).toEqual([
      "Input `attestation-predicate-file` binds the JSON report's sha256, so it needs input `report-file` too: give both (for example `report-file: bitbucket-2fa-report.json`)."
    ])
    expect(sim.requests).toBe(0)
  })

  it('says FAILED, binding nothing, when the report could not be written, and the step fails for it', async () => {
    sim.workspaces[0]?.members.splice(1, 1)
    const dir = workspaceFolder()
    writeFileSync(join(dir, 'p.json'), '{"result":"PASSED"}')
    const run = await runInProcess(
      { ...base(), 'report-file': '/proc/bb2fa-nope/r.json', 'attestation-predicate-file': 'p.json' },
      { env: { GITHUB_WORKSPACE: dir } }
    )
    expect(run.outputs.compliant).toBe('true')
    expect(run.exitCode).toBe(1)
    expect(JSON.parse(readFileSync(join(dir, 'p.json'), 'utf8'))).toMatchObject({ result: 'FAILED', passedTests: [], failedTests: [] })
    expect(errorsOf(run.stdout).some((line) => line.startsWith('The attestation predicate says FAILED: it binds the sha256'))).toBe(true)
  })

  it('says FAILED, with no tests, for a run without a verdict', async () => {
    const dir = workspaceFolder()
    await runInProcess({ ...base(), workspace: 'nowhere', 'report-file': 'r.json', 'attestation-predicate-file': 'p.json' }, { env: { GITHUB_WORKSPACE: dir } })
    expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'))).toMatchObject({ verdict: null })
    const predicate = JSON.parse(readFileSync(join(dir, 'p.json'), 'utf8')) as { result: string; passedTests: string[]; failedTests: string[] }
    expect(predicate).toMatchObject({ result: 'FAILED', passedTests: [], failedTests: [] })
  })
})
