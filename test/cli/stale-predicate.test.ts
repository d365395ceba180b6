import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_EMAIL, ADMIN_TOKEN, adminCredential, person } from '../simulator/fixtures.js'
import { BitbucketSimulator } from '../simulator/server.js'
import { runCli } from '../support/cli.js'
import { runInProcess } from '../support/io.js'

const sim = new BitbucketSimulator({
  workspaces: [{ slug: 'acme', uuid: '{aaaaaaaa-1111-4111-8111-111111111111}', members: [person(1, true)] }],
  credentials: [adminCredential]
})
const folders: string[] = []
beforeAll(async () => {
  await sim.start()
})
afterAll(async () => {
  await sim.stop()
  for (const f of folders) rmSync(f, { recursive: true, force: true })
})
const OLD = JSON.stringify({ result: 'PASSED', passedTests: ['workspace:acme'], failedTests: [] })
const stillPassed = (path: string): boolean => existsSync(path) && (JSON.parse(readFileSync(path, 'utf8')) as { result: string }).result === 'PASSED'

describe('no old PASSED predicate stands beside a broken run', () => {
  it('CLI: a line that does not parse overwrites the report with an error report, but leaves the old PASSED predicate', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'bb2fa-rev-'))
    folders.push(cwd)
    writeFileSync(join(cwd, 'p.json'), OLD)
    const run = await runCli(
      ['--workspace', 'acme', '--report-file', 'r.json', '--attestation-predicate-file', 'p.json', '--fail-on-unknwn'],
      { BITBUCKET_EMAIL: ADMIN_EMAIL, BITBUCKET_TOKEN: ADMIN_TOKEN, BITBUCKET_API_URL: sim.apiUrl },
      { cwd }
    )
    expect(run.exitCode).toBe(2)
    expect(JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8'))).toMatchObject({ verdict: null })
    expect(stillPassed(join(cwd, 'p.json'))).toBe(false)
  })

  it('CLI: a verdict whose report cannot be written leaves the old PASSED predicate', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'bb2fa-rev-'))
    folders.push(cwd)
    writeFileSync(join(cwd, 'p.json'), OLD)
    sim.workspaces[0]?.members.push(person(2, false))
    try {
      const run = await runCli(
        ['--workspace', 'acme', '--report-file', '/proc/bb2fa-nope/r.json', '--attestation-predicate-file', 'p.json'],
        { BITBUCKET_EMAIL: ADMIN_EMAIL, BITBUCKET_TOKEN: ADMIN_TOKEN, BITBUCKET_API_URL: sim.apiUrl },
        { cwd }
      )
      expect(run.exitCode).toBe(2)
      expect(stillPassed(join(cwd, 'p.json'))).toBe(false)
    } finally {
      sim.workspaces[0]?.members.pop()
    }
  })

  it('action: an input error leaves the old PASSED predicate in the workspace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb2fa-rev-'))
    folders.push(dir)
    writeFileSync(join(dir, 'p.json'), OLD)
    await runInProcess(
      {
        workspace: 'acme',
        email: ADMIN_EMAIL,
        token: ADMIN_TOKEN,
        'api-url': sim.apiUrl,
        'report-file': 'r.json',
        'attestation-predicate-file': 'p.json',
        'fail-on-unknown': 'maybe'
      },
      { env: { GITHUB_WORKSPACE: dir } }
    )
    expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'))).toMatchObject({ verdict: null })
    expect(stillPassed(join(dir, 'p.json'))).toBe(false)
  })
})
