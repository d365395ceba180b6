import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ADMIN_EMAIL, person, REPO_ADMIN_TOKEN, repoAdminCredential } from '../simulator/fixtures.js'
import { BitbucketSimulator } from '../simulator/server.js'
import { runCli } from '../support/cli.js'
import { factsOfSummary, factsOfTable } from '../support/facts.js'
import { runInProcess } from '../support/io.js'

/** The repository scope and the admins at the terminal door, and the same facts as the action's. */
const sim = new BitbucketSimulator({ workspaces: [], credentials: [repoAdminCredential] })

beforeAll(async () => {
  await sim.start()
})
afterAll(async () => {
  await sim.stop()
})
beforeEach(() => {
  sim.workspaces.length = 0
  sim.workspaces.push({
    slug: 'acme',
    uuid: '{aaaaaaaa-1111-4111-8111-111111111111}',
    members: [
      person(1, true, { display_name: 'Ada Admin' }),
      person(2, false, { display_name: 'Bob Writer', nickname: 'bob' }),
      person(3, false, { display_name: 'Cy Reader' }),
      person(5, false, { display_name: 'Zed Admin' })
    ],
    owners: [person(1, true).uuid, person(5, false).uuid],
    repositories: [
      {
        slug: 'app',
        grants: [
          { uuid: person(2, false).uuid, permission: 'write' },
          { uuid: person(3, false).uuid, permission: 'read' }
        ]
      }
    ]
  })
  sim.faults.length = 0
  sim.resetStats()
})

const env = () => ({ BITBUCKET_EMAIL: ADMIN_EMAIL, BITBUCKET_TOKEN: REPO_ADMIN_TOKEN, BITBUCKET_API_URL: sim.apiUrl, BITBUCKET_WORKSPACE: 'acme' })

describe('the CLI with --repository', () => {
  it('judges who can write, admins first and marked, and exits 1', async () => {
    const run = await runCli(['--repository', 'app'], env())
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(/^NOT COMPLIANT: 2 without two-factor authentication of 3 people; 1 of them an admin\n/)
    expect(run.stdout).toContain('Everyone who can write to acme/app, and every admin of acme: 3 people, of them 2 admins; 1 other member out of scope.')
    expect(run.stdout).toMatch(
      / {2}Name +Nickname +Account ID +Workspaces +Admin +Access\n {2}Zed Admin .* admin +acme\/app admin\n {2}Bob Writer +bob .* – +acme\/app write\n/
    )
    expect(run.stdout).toMatch(/Workspace +Members +2FA on +Without 2FA +Unknown +Exempt +App users +Out of scope +Requests\nacme +4 +1 +2 +0 +0 +0 +1 +3\n/)
    expect(run.stdout).not.toContain('Cy Reader')
  })

  it('says the same facts as the action of the same run', async () => {
    const cli = await runCli(['--repository', 'acme/app'], env())
    const action = await runInProcess({ repository: 'acme/app', email: ADMIN_EMAIL, token: REPO_ADMIN_TOKEN, 'api-url': sim.apiUrl })
    // The workspace table's rows are the summary's alone (the terminal's grid has no first-column facts).
    const fromAction = factsOfSummary(action.summary).filter((fact) => fact !== 'acme')
    expect(factsOfTable(cli.stdout)).toEqual(fromAction)
    expect(fromAction).toEqual([
      '2 without two-factor authentication of 3 people; 1 of them an admin',
      'Without two-factor authentication (2)',
      'Zed Admin',
      'Bob Writer'
    ])
  })

  it('with --redact, advises the same command with --repository, not the whole workspace', async () => {
    const run = await runCli(['--repository', 'acme/app', '--redact', '--json'], env())
    const report = JSON.parse(run.stdout) as { scope: unknown; counts: { admins_unproven: unknown; in_scope: number; out_of_scope: number }; people: unknown[] }
    expect(report).toMatchObject({
      scope: { kind: 'repository', repositories: ['acme/app'] },
      counts: { in_scope: 3, out_of_scope: 1, admins_unproven: null },
      people: []
    })
    const table = await runCli(['--repository', 'acme/app', '--redact'], env())
    expect(table.stdout).not.toMatch(/Zed|Bob/)
    expect(table.stdout).not.toContain('of them an admin')
  })

  it('says next to the verdict that the admins are not known, on the terminal and on stderr with --json', async () => {
    sim.faults.push({ endpoint: 'admins', action: { status: 401, body: '{"type":"error","error":{"message":"no"}}' } })
    const table = await runCli(['--workspace', 'acme'], env())
    expect(table.stdout).toContain('Admins not known. The admins of workspace "acme" could not be looked up')
    sim.faults.push({ endpoint: 'admins', action: { status: 401, body: '{"type":"error","error":{"message":"no"}}' } })
    const json = await runCli(['--workspace', 'acme', '--json'], env())
    expect(json.stderr).toContain('bitbucket-2fa-gate: warning: The admins of workspace "acme" could not be looked up')
  })

  it('gives each person in scope their repositories and permission in the report', async () => {
    const run = await runCli(['--repository', 'acme/app', '--json'], env())
    const report = JSON.parse(run.stdout) as { people: { uuid: string; status: string; admin: boolean | null; repositories?: unknown }[] }
    const byUuid = new Map(report.people.map((p) => [p.uuid, p]))
    expect(byUuid.get(person(5, false).uuid)).toMatchObject({
      status: 'disabled',
      admin: true,
      repositories: [{ repository: 'acme/app', permission: 'admin' }]
    })
    expect(byUuid.get(person(2, false).uuid)).toMatchObject({
      status: 'disabled',
      admin: false,
      repositories: [{ repository: 'acme/app', permission: 'write' }]
    })
    expect(byUuid.get(person(1, true).uuid)).toEqual({
      uuid: person(1, true).uuid,
      status: 'enabled',
      admin: true,
      repositories: [{ repository: 'acme/app', permission: 'admin' }]
    })
    expect(byUuid.has(person(3, false).uuid)).toBe(false)
    // Admins first in the report's list as everywhere: Zed before Bob, both without 2FA.
    const failing = report.people.filter((p) => p.status === 'disabled').map((p) => p.uuid)
    expect(failing).toEqual([person(5, false).uuid, person(2, false).uuid])
  })
})
