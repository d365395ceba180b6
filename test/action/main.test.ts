import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { schemaErrors } from '../support/schema.js'
import { ACCESS_TOKEN, ADMIN_EMAIL, ADMIN_TOKEN, adminCredential, bot, compliantWorkspace, person } from '../simulator/fixtures.js'
import { BitbucketSimulator, type SimWorkspace } from '../simulator/server.js'
import { BROKEN_RUN_OUTPUTS } from '../../src/present/outputs.js'
import { PUBLIC_REPO_EVENT, workflowCommands } from '../support/action.js'
import { runInProcess } from '../support/io.js'

const sim = new BitbucketSimulator({
  workspaces: [],
  credentials: [
    adminCredential,
    { kind: 'api-token', email: 'member@example.com', token: 'ATATT-member-token', adminOf: [] },
    { kind: 'access-token', token: ACCESS_TOKEN, workspace: 'acme' }
  ]
})

function mixedWorkspace(): SimWorkspace {
  return {
    slug: 'acme',
    uuid: '{aaaaaaaa-1111-4111-8111-111111111111}',
    members: [
      person(1, true, { display_name: 'Ada Admin' }),
      person(2, false, { display_name: 'Bob NoTwoFactor', nickname: 'bob' }),
      person(3, null, { display_name: 'Cy Unknown' }),
      person(4, false, { display_name: 'Dee Exempt' }),
      bot(1, 'Deploy Bot')
    ]
  }
}

const folders: string[] = []
afterAll(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true })
})
/** A GITHUB_WORKSPACE of its own, removed after the file. */
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
})
beforeEach(() => {
  sim.workspaces.length = 0
  sim.workspaces.push(mixedWorkspace(), compliantWorkspace('beta', 120, 100))
  sim.faults.length = 0
  sim.includeSize = true
  sim.resetStats()
})

describe('the action, run in process through its port', () => {
  it('passes a compliant workspace: exit 0, outputs, summary', async () => {
    const run = await runInProcess({ ...base(), workspace: 'beta' })
    expect(run.exitCode).toBe(0)
    expect(run.outputs).toEqual({
      compliant: 'true',
      'member-count': '120',
      'in-scope-count': '120',
      'out-of-scope-count': '0',
      'not-a-member-count': '0',
      'non-compliant-count': '0',
      'unknown-count': '0',
      'exempt-count': '0',
      'atlassian-2sv-count': '0',
      'non-compliant': '[]',
      unknown: '[]'
    })
    expect(run.summary).toContain('## ✅ Bitbucket 2FA gate: all 120 people have two-factor authentication')
    expect(run.stderr).toBe('')
    expect(run.stdout).toContain('3 API requests used (Bitbucket allows 1,000 an hour per user).')
    expect(sim.requests).toBe(2)
    expect(sim.adminRequests).toBe(1)
  })

  it('fails on a member without 2FA and on an unknown flag, with one annotation and the full summary', async () => {
    const dee = person(4, false)
    const run = await runInProcess({ ...base(), exempt: `${dee.account_id!} until 2999-12-31 # hardware key on order` })
    expect(run.exitCode).toBe(1)
    expect(run.outputs).toMatchObject({ compliant: 'false', 'member-count': '5', 'non-compliant-count': '1', 'unknown-count': '1', 'exempt-count': '1' })
    expect(JSON.parse(run.outputs['non-compliant']!)).toEqual([
      {
        uuid: person(2, false).uuid,
        account_id: person(2, false).account_id,
        display_name: 'Bob NoTwoFactor',
        nickname: 'bob',
        workspaces: ['acme'],
        status: 'disabled',
        admin: false
      }
    ])
    expect(JSON.parse(run.outputs.unknown!)).toHaveLength(1)
    const errors = workflowCommands(run.stdout).filter((line) => line.startsWith('::error'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain('Bitbucket 2FA gate: 1 without two-factor authentication, 1 with an unknown 2FA flag.')
    expect(errors[0]).toContain('Bob NoTwoFactor (bob)')
    expect(run.summary).toContain('❌ Bitbucket 2FA gate: 1 without two-factor authentication, 1 unknown of 4 people')
    expect(run.summary).toContain('| `Bob NoTwoFactor` | `bob` |')
    expect(run.summary).toContain('| `Dee Exempt` |')
    expect(run.summary).toContain('hardware key on order')
    expect(run.summary).toContain('### App users (1)')
    expect(run.summary).toContain('### How to fix')
  })

  it('reports only with fail-on-violation: false: same outputs and summary, exit 0', async () => {
    const run = await runInProcess({ ...base(), 'fail-on-violation': 'false' })
    expect(run.exitCode).toBe(0)
    expect(run.outputs).toMatchObject({ compliant: 'false', 'non-compliant-count': '2', 'unknown-count': '1' })
    expect(run.summary).toContain('(report only: `fail-on-violation: false`)')
    expect(workflowCommands(run.stdout).some((line) => line.startsWith('::warning::Bitbucket 2FA gate: 2 without'))).toBe(true)
  })

  it('lets unknown flags pass with fail-on-unknown: false, with a warning', async () => {
    sim.workspaces[0]!.members = sim.workspaces[0]!.members.filter((m) => m.has_2fa_enabled !== false)
    const run = await runInProcess({ ...base(), 'fail-on-unknown': 'false' })
    expect(run.exitCode).toBe(0)
    expect(run.outputs).toMatchObject({ compliant: 'true', 'unknown-count': '1' })
    expect(run.stdout).toContain('::warning::1 person has an unknown 2FA flag')
  })

  it('warns about expired and unmatched exemptions, and an expired one no longer applies', async () => {
    const bob = person(2, false)
    const run = await runInProcess({ ...base(), exempt: `${bob.account_id!} until 2020-01-01\n557058:nobody # left the company` })
    expect(run.exitCode).toBe(1)
    expect(run.outputs['exempt-count']).toBe('0')
    expect(run.stdout).toContain('::warning::Exemption on `exempt` line 1 expired on 2020-01-01')
    expect(run.stdout).toContain('::warning::Exemption on `exempt` line 2 matches no member')
  })

  it('reads several workspaces and counts each account once', async () => {
    sim.workspaces[1]!.members.push(person(1, true, { display_name: 'Ada Admin' }))
    const run = await runInProcess({ ...base(), workspace: 'acme,\nbeta', 'fail-on-violation': 'false' })
    expect(run.outputs['member-count']).toBe(String(5 + 120))
    expect(run.summary).toMatch(/\| `acme` \| 5 \|/)
    expect(run.summary).toMatch(/\| `beta` \| 121 \|/)
  })

  it('reads several workspaces at once under one cap of 8 requests in flight, and shows the cost', async () => {
    sim.workspaces.push(compliantWorkspace('gamma', 900, 1000), compliantWorkspace('delta', 900, 2000), compliantWorkspace('eps', 900, 3000))
    sim.latencyMs = 3
    try {
      const run = await runInProcess({ ...base(), workspace: 'gamma,delta,eps' })
      expect(run.exitCode).toBe(0)
      expect(run.outputs['member-count']).toBe('2700')
      expect(sim.requests).toBe(27)
      expect(sim.adminRequests).toBe(3)
      expect(sim.maxInFlight).toBeLessThanOrEqual(8)
      expect(sim.maxInFlight).toBeGreaterThan(3)
      expect(run.stdout).toContain('30 API requests used (Bitbucket allows 1,000 an hour per user).')
      expect(run.summary).toContain('30 API requests used (Bitbucket allows 1,000 an hour per user).')
      expect(run.summary).toMatch(/\| `gamma` \| 900 \| 900 \| 0 \| 0 \| 0 \| 0 \| 10 \|/)
    } finally {
      sim.latencyMs = 0
    }
  })

  it('refuses bad input before any request, as a broken run', async () => {
    for (const [inputs, message] of [
      [{ ...base(), workspace: '../x' }, 'Input `workspace`: "../x" is not a workspace slug'],
      [{ ...base(), workspace: '' }, 'Input `workspace` is required'],
      [{ ...base(), email: '' }, 'API tokens need `email`'],
      [{ ...base(), token: 'ATBB-app-password' }, 'App passwords were removed on 28 Jul 2026'],
      [{ ...base(), 'fail-on-unknown': 'maybe' }, 'Input `fail-on-unknown` must be `true` or `false`'],
      [{ ...base(), exempt: 'bob the builder' }, '`exempt` line 1']
    ] as const) {
      const run = await runInProcess(inputs)
      expect(run.exitCode, message).toBe(1)
      expect(
        workflowCommands(run.stdout).filter((line) => line.startsWith('::error::') && line.includes(message)),
        message
      ).toHaveLength(1)
      expect(run.outputs).toEqual(BROKEN_RUN_OUTPUTS)
      expect(run.summary).toContain('no verdict, the check itself failed')
    }
    expect(sim.requests).toBe(0)
  })

  it('fails a 401 as a broken run, never as a verdict, and prints no secret', async () => {
    const run = await runInProcess({ ...base(), token: 'ATATT-wrong-secret-value' })
    expect(run.exitCode).toBe(1)
    expect(run.outputs).toEqual(BROKEN_RUN_OUTPUTS)
    expect(run.stdout).toContain('::error::Bitbucket answered 401 Unauthorized for workspace "acme"')
    expect(run.summary).toContain('no verdict')
    expect(run.summary).not.toContain('without two-factor')
    expect(run.artefacts).not.toContain('ATATT-wrong-secret-value')
    expect(run.masked).toContain('ATATT-wrong-secret-value')
  })

  it("says the credentials are not an admin's when every flag is hidden", async () => {
    const run = await runInProcess({ ...base(), email: 'member@example.com', token: 'ATATT-member-token' })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('not a workspace admin')
    expect(run.outputs).toEqual(BROKEN_RUN_OUTPUTS)
  })

  it('says so when an access token does not see the flag', async () => {
    const run = await runInProcess({ ...base(), email: '', token: ACCESS_TOKEN })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('access tokens may not see the flag')
  })

  it('fails an empty member list', async () => {
    sim.workspaces.push({ slug: 'empty', uuid: '{eeeeeeee-1111-4111-8111-111111111111}', members: [] })
    const run = await runInProcess({ ...base(), workspace: 'empty' })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('Bitbucket listed no members for workspace "empty"')
    expect(run.outputs.compliant).toBe('false')
  })

  it('skips the summary with summary: false, and only warns when the summary file is missing', async () => {
    const off = await runInProcess({ ...base(), workspace: 'beta', summary: 'false' })
    expect(off.exitCode).toBe(0)
    expect(off.summary).toBe('')
    const missing = await runInProcess({ ...base(), workspace: 'beta' }, { summaryFile: false })
    expect(missing.exitCode).toBe(0)
    expect(missing.stdout).toContain('::warning::Could not write the job summary')
  })

  it('obeys redact: true in a private repository and redact: false in a public one', async () => {
    const hidden = await runInProcess({ ...base(), redact: 'true' })
    expect(hidden.summary).not.toContain('Bob NoTwoFactor')
    expect(hidden.stdout).not.toContain('Bob NoTwoFactor')
    const shown = await runInProcess({ ...base(), redact: 'false' }, { event: PUBLIC_REPO_EVENT })
    expect(shown.summary).toContain('Bob NoTwoFactor')
  })

  it.each([
    ['a public repository', PUBLIC_REPO_EVENT],
    ['no event payload', null],
    ['a payload that does not say', { repository: { full_name: 'acme/app' } }]
  ])('withholds names with %s by default, but keeps them in the outputs', async (_, event) => {
    const run = await runInProcess(base(), { event })
    expect(run.exitCode).toBe(1)
    const shown = [run.stdout, run.stderr, run.summary].join('\n')
    for (const secret of ['Bob NoTwoFactor', 'bob', 'Cy Unknown', person(2, false).account_id!]) expect(shown).not.toContain(secret)
    expect(run.summary).toContain('**Names withheld.** Names, nicknames and account ids are not shown')
    expect(run.outputs['non-compliant']).toContain('Bob NoTwoFactor')
  })

  it('keeps member data out of every artefact when a page breaks in redact mode', async () => {
    sim.faults.push({
      when: (r) => r.page === 1,
      times: Infinity,
      action: {
        rewrite: (body) => ({
          ...body,
          values: body.values.map((v, i) => (i === 1 ? { ...(v as object), user: { ...(v as { user: object }).user, uuid: null } } : v))
        })
      }
    })
    const run = await runInProcess(base(), { event: PUBLIC_REPO_EVENT })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('but values[1].user has no uuid.')
    for (const text of ['Bob NoTwoFactor', 'bob', 'Ada Admin', 'Cy Unknown', 'Deploy Bot', '557058:', 'aaaaaaaa-0000'])
      expect(run.artefacts).not.toContain(text)
  })

  it('shows names only for a private repository, not an internal one', async () => {
    const internal = await runInProcess(base(), { event: { repository: { full_name: 'acme/app', private: true, visibility: 'internal' } } })
    expect(internal.summary).toContain('**Names withheld.**')
    expect(internal.summary).not.toContain('Bob NoTwoFactor')
  })

  it('writes the JSON report to report-file, relative to GITHUB_WORKSPACE, and gives its absolute path', async () => {
    const dir = workspaceFolder()
    const run = await runInProcess({ ...base(), 'report-file': 'reports/2fa.json' }, { env: { GITHUB_WORKSPACE: dir } })
    expect(run.exitCode).toBe(1)
    expect(run.outputs['report-file']).toBe(join(dir, 'reports/2fa.json'))
    const report = JSON.parse(readFileSync(join(dir, 'reports/2fa.json'), 'utf8')) as { verdict: string; people: { display_name?: string }[] }
    expect(schemaErrors(report)).toEqual([])
    expect(report.verdict).toBe('not_compliant')
    expect(report.people.map((p) => p.display_name).filter(Boolean)).toContain('Bob NoTwoFactor')
  })

  it('keeps a verdict standing when report-file cannot be written: outputs, log and summary show it, the step fails naming the file once', async () => {
    sim.workspaces.splice(0, 1)
    const run = await runInProcess({ ...base(), workspace: 'beta', 'report-file': '/proc/bb2fa-nope/r.json' })
    expect(run.exitCode).toBe(1)
    expect(run.outputs.compliant).toBe('true')
    expect(run.outputs['member-count']).toBe('120')
    expect(run.outputs['report-file']).toBe('')
    expect(run.summary).toContain('✅')
    expect(run.summary).not.toContain('Nothing was proven')
    expect(run.stdout).not.toContain('Nothing was proven')
    const errors = workflowCommands(run.stdout).filter((line) => line.startsWith('::error::'))
    expect(errors.map((line) => line.slice('::error::'.length))).toEqual([
      'Could not write the report: the folder /proc/bb2fa-nope could not be created (ENOENT), so /proc/bb2fa-nope/r.json cannot be written. ' +
        'Check `report-file` and that the runner may write there. The verdict above stands; only the report is missing.'
    ])
    expect(run.summary.split('could not be created').length - 1).toBe(1)
  })

  it('keeps counts only in the report of a public repository', async () => {
    const dir = workspaceFolder()
    await runInProcess({ ...base(), 'report-file': 'r.json' }, { env: { GITHUB_WORKSPACE: dir }, event: PUBLIC_REPO_EVENT })
    const text = readFileSync(join(dir, 'r.json'), 'utf8')
    expect(JSON.parse(text)).toMatchObject({ redacted: true, people: [], counts: { disabled: 2 } })
    expect(text).not.toMatch(/Bob|557058:/)
  })

  it('overwrites an old report when the run reaches no verdict, even on bad input', async () => {
    const dir = workspaceFolder()
    writeFileSync(join(dir, 'r.json'), '{"verdict":"compliant"}')
    const run = await runInProcess({ ...base(), 'report-file': 'r.json', 'fail-on-unknown': 'maybe' }, { env: { GITHUB_WORKSPACE: dir } })
    expect(run.exitCode).toBe(1)
    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as Record<string, unknown>
    expect(schemaErrors(report)).toEqual([])
    expect(report).toMatchObject({ verdict: null, compliant: false, error: 'Input `fail-on-unknown` must be `true` or `false` (got "maybe").' })
    expect(run.outputs['report-file']).toBe(join(dir, 'r.json'))
  })

  it('tells a public repository how to see the names privately, with the release it runs', async () => {
    const run = await runInProcess(
      { ...base(), workspace: 'acme,beta' },
      { event: PUBLIC_REPO_EVENT, env: { GITHUB_ACTION_REPOSITORY: 'acme-tools/bitbucket-2fa-gate', GITHUB_ACTION_REF: 'v1.0.0' } }
    )
    const advice =
      'To see the names privately, run bitbucket-2fa-gate 1.0.0 on your own machine with `BITBUCKET_EMAIL` and `BITBUCKET_TOKEN` set: ' +
      '`git clone https://github.com/acme-tools/bitbucket-2fa-gate.git bitbucket-2fa-gate && git -C bitbucket-2fa-gate checkout v1.0.0`, ' +
      'then `node bitbucket-2fa-gate/dist/cli.js --workspace acme,beta`.'
    expect(run.summary).toContain(advice)
    expect(run.summary).toContain('this repository is public')
    expect(run.summary).not.toContain('bitbucket-2fa-gate@1')
    expect(run.stdout).toContain(
      `::error::Bitbucket 2FA gate: 2 without two-factor authentication, 1 with an unknown 2FA flag. Names withheld. Names, nicknames and account ids are not shown: this repository is public`
    )
    expect(run.stdout).toContain(advice)
  })
})
