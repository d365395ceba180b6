import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ACCESS_TOKEN, ADMIN_EMAIL, ADMIN_TOKEN, adminCredential, bot, person, REPO_ADMIN_TOKEN, repoAdminCredential } from '../simulator/fixtures.js'
import { BitbucketSimulator, type SimWorkspace } from '../simulator/server.js'
import { BROKEN_RUN_OUTPUTS } from '../../src/present/outputs.js'
import { PUBLIC_REPO_EVENT, workflowCommands } from '../support/action.js'
import { runInProcess } from '../support/io.js'
import { parseGfm, nodesOfType, textOf } from '../support/markdown.js'

/**
 * The release gate through the action's door: admins first, the repository scope, people outside the
 * member listing, and what happens when a permission listing is refused.
 */
const sim = new BitbucketSimulator({
  workspaces: [],
  credentials: [adminCredential, repoAdminCredential, { kind: 'access-token', token: ACCESS_TOKEN, workspace: 'acme', seesFlags: true }]
})

const OUTSIDER = person(90, undefined, { display_name: 'Olga Outsider', nickname: 'olga' })

/**
 * acme: Ada (admin, 2FA on), Zed (admin, 2FA off), Bob (writer, 2FA off), Cy (reader, 2FA off), Dee
 * (writer, 2FA on), a deploy bot with write; Olga writes to acme/app but is in no member listing.
 */
function world(): SimWorkspace {
  return {
    slug: 'acme',
    uuid: '{aaaaaaaa-1111-4111-8111-111111111111}',
    members: [
      person(1, true, { display_name: 'Ada Admin' }),
      person(2, false, { display_name: 'Bob Writer', nickname: 'bob' }),
      person(3, false, { display_name: 'Cy Reader' }),
      person(4, true, { display_name: 'Dee Writer' }),
      person(5, false, { display_name: 'Zed Admin' }),
      bot(1, 'Deploy Bot')
    ],
    owners: [person(1, true).uuid, person(5, false).uuid],
    outsiders: [OUTSIDER],
    repositories: [
      {
        slug: 'app',
        grants: [
          { uuid: person(2, false).uuid, permission: 'write' },
          { uuid: person(3, false).uuid, permission: 'read' },
          { uuid: person(4, true).uuid, permission: 'admin' },
          { uuid: bot(1).uuid, permission: 'write' },
          { uuid: OUTSIDER.uuid, permission: 'write' }
        ]
      }
    ]
  }
}

const gate = () => ({ repository: 'acme/app', email: ADMIN_EMAIL, token: REPO_ADMIN_TOKEN, 'api-url': sim.apiUrl })
const audit = () => ({ workspace: 'acme', email: ADMIN_EMAIL, token: ADMIN_TOKEN, 'api-url': sim.apiUrl })
const names = (list: string | undefined): string[] => (JSON.parse(list ?? '[]') as { display_name: string }[]).map((p) => p.display_name)

beforeAll(async () => {
  await sim.start()
})
afterAll(async () => {
  await sim.stop()
})
beforeEach(() => {
  sim.workspaces.length = 0
  sim.workspaces.push(world())
  sim.faults.length = 0
  sim.ignoreQuery = false
  sim.resetStats()
})

describe('the repository scope, through the action', () => {
  it('fails a writer without 2FA and one outside the member listing, never a reader; admins first; exact requests', async () => {
    const run = await runInProcess(gate())
    expect(run.exitCode).toBe(1)
    expect(run.outputs).toMatchObject({
      compliant: 'false',
      'member-count': '6',
      // Ada, Zed (admins), Bob, Dee (writers), Olga (outsider); the bot is an app user, not a person.
      'in-scope-count': '5',
      // Cy cannot write; she is counted, not named.
      'out-of-scope-count': '1',
      'not-a-member-count': '1',
      'non-compliant-count': '3',
      'unknown-count': '0'
    })
    const nonCompliant = JSON.parse(run.outputs['non-compliant']!) as { display_name: string; status: string; admin: boolean | null }[]
    expect(nonCompliant.map((p) => [p.display_name, p.status, p.admin])).toEqual([
      ['Zed Admin', 'disabled', true],
      ['Bob Writer', 'disabled', false],
      ['Olga Outsider', 'not-a-member', false]
    ])
    expect(run.artefacts).not.toContain('Cy Reader')
    // Admins first in the log too.
    const log = run.stdout.split('\n').filter((line) => line.startsWith('- '))
    expect(log.map((line) => line.split(' (')[0])).toEqual(['- Zed Admin', '- Bob Writer', '- Olga Outsider'])
    // One page each: members, admins, the repository's permissions.
    expect([sim.requests, sim.adminRequests, sim.repositoryRequests]).toEqual([1, 1, 1])
    expect(run.summary).toContain('3 API requests used')
  })

  it('says the scope, marks admins and gives each person the access that puts them in scope', async () => {
    const run = await runInProcess(gate())
    const tree = parseGfm(run.summary)
    expect(textOf(tree.children[0]!)).toBe(
      '❌ Bitbucket 2FA gate: 2 without two-factor authentication, 1 not in the member listing, of 5 people; 1 of them an admin'
    )
    expect(run.summary).toContain(
      'Everyone who can write to acme/app, and every admin of acme: 5 people, of them 2 admins; 1 app user with write access (app users never fail); 1 other member out of scope.'
    )
    const tables = nodesOfType(tree, 'table').map((t) => textOf(t))
    const without = tables.find((t) => t.includes('Bob Writer')) ?? ''
    // Zed comes first, as an admin; an admin's access is admin on every repository of the workspace.
    expect(without.indexOf('Zed Admin')).toBeLessThan(without.indexOf('Bob Writer'))
    expect(run.summary).toMatch(/\| `Zed Admin` \|.*\| \*\*admin\*\* \| `acme\/app` admin \|/)
    expect(run.summary).toMatch(/\| `Bob Writer` \|.*\| – \| `acme\/app` write \|/)
    expect(run.summary).toContain('### Not in the member listing (1)')
    expect(run.summary).toMatch(/\| `Olga Outsider` \|.*\| `acme\/app` write \|/)
    expect(run.summary).toContain("What 2FA covers: Bitbucket's two-step verification guards signing in to Bitbucket on the web")
    // The annotation: admins first too.
    const [annotation] = workflowCommands(run.stdout).filter((c) => c.startsWith('::error'))
    expect(annotation).toMatch(/2 without two-factor authentication, 1 not in the member listing\. Zed Admin .*workspace admin.*; Bob Writer .*; Olga Outsider/)
  })

  it('passes when every writer and admin is proven, whoever else lacks 2FA', async () => {
    const ws = world()
    ws.members[4] = person(5, true, { display_name: 'Zed Admin' })
    ws.members[1] = person(2, true, { display_name: 'Bob Writer' })
    ws.outsiders = []
    ws.repositories![0]!.grants = ws.repositories![0]!.grants.filter((g) => g.uuid !== OUTSIDER.uuid)
    sim.workspaces[0] = ws
    const run = await runInProcess(gate())
    expect(run.exitCode).toBe(0)
    expect(run.outputs).toMatchObject({ compliant: 'true', 'in-scope-count': '4', 'out-of-scope-count': '1', 'non-compliant-count': '0' })
  })

  it('lets an outsider pass by an exemption in force, and refuses an admin’s unless allowed', async () => {
    const exempt = `${OUTSIDER.account_id} # contractor, leaving\n${person(5, false).account_id} # the CTO`
    const refused = await runInProcess({ ...gate(), exempt })
    expect(refused.outputs).toMatchObject({ 'not-a-member-count': '0', 'exempt-count': '1', compliant: 'false' })
    expect(names(refused.outputs['non-compliant'])).toEqual(['Zed Admin', 'Bob Writer'])
    expect(refused.summary).toContain(
      'is refused: it names an admin of acme, and an exemption does not excuse a workspace admin unless `allow-admin-exemptions: true`'
    )
    expect(workflowCommands(refused.stdout).some((c) => c.startsWith('::warning') && c.includes('line 2 names a workspace admin and is not applied'))).toBe(
      true
    )
    const allowed = await runInProcess({ ...gate(), exempt, 'allow-admin-exemptions': 'true' })
    expect(allowed.outputs).toMatchObject({ 'exempt-count': '2', 'non-compliant-count': '1' })
    expect(names(allowed.outputs['non-compliant'])).toEqual(['Bob Writer'])
  })

  it('withholds names and the count of unprotected admins on a public repository, and keeps the scope’s counts', async () => {
    const run = await runInProcess(gate(), { event: PUBLIC_REPO_EVENT })
    expect(run.artefacts.replace(/"display_name":"[^"]*"/g, '')).not.toMatch(/Zed|Bob|Olga/)
    expect(run.summary).not.toMatch(/of them an admin|of them admins/)
    expect(run.summary).toContain('of them 2 admins')
    // The private way to see the names judges the same people: the repository, not the workspace.
    expect(run.summary).toContain('node bitbucket-2fa-gate/dist/cli.js --repository acme/app')
  })

  it('judges every member when the admins cannot be looked up, so that no admin is missed', async () => {
    sim.faults.push({ endpoint: 'admins', action: { status: 403, body: '{"type":"error","error":{"message":"nope"}}' } })
    const run = await runInProcess(gate())
    // Cy (a reader, 2FA off) may be an admin for all the gate can tell: she is judged, and fails.
    expect(run.outputs).toMatchObject({ 'in-scope-count': '6', 'out-of-scope-count': '0', 'non-compliant-count': '4' })
    expect(names(run.outputs['non-compliant'])).toEqual(['Bob Writer', 'Cy Reader', 'Zed Admin', 'Olga Outsider'])
    expect(run.summary).toContain('The admins of acme could not be looked up, and any member may be one, so every member of acme is judged.')
  })

  it('does not say which exemption line is a refused admin on a public repository', async () => {
    const exempt = `${person(2, false).account_id} # writer\n${person(5, false).account_id} # the CTO`
    const run = await runInProcess({ ...gate(), exempt }, { event: PUBLIC_REPO_EVENT })
    expect(run.summary).toContain('1 exemption line is refused: it names a workspace admin, and an exemption does not excuse a workspace admin unless')
    // The log and the summary are public; the outputs keep full data for later steps, as always.
    for (const text of [run.stdout, run.summary]) {
      expect(text).not.toMatch(/line 2 (is refused|names a workspace admin)/)
      expect(text).not.toContain(person(5, false).account_id)
    }
  })

  it('gives no verdict when the repository does not exist, naming it', async () => {
    const run = await runInProcess({ ...gate(), repository: 'acme/nope' })
    expect(run.exitCode).toBe(1)
    expect(run.outputs).toEqual(BROKEN_RUN_OUTPUTS)
    expect(run.summary).toMatch(/Bitbucket answered 404 for repository acme\/nope: it does not exist or these credentials cannot see it/)
  })

  it('gives no verdict when the permission listing is refused, saying the scope it needs', async () => {
    const run = await runInProcess({ ...gate(), token: ADMIN_TOKEN })
    expect(run.outputs).toEqual(BROKEN_RUN_OUTPUTS)
    expect(run.summary).toMatch(/403 Forbidden for the permissions of repository acme\/app.*`read:repository:bitbucket`/)
    expect(run.summary).toContain('so there is no verdict')
  })

  it('refuses an access token with `repository` before any request', async () => {
    const run = await runInProcess({ repository: 'acme/app', token: ACCESS_TOKEN, 'api-url': sim.apiUrl })
    expect(run.outputs).toEqual(BROKEN_RUN_OUTPUTS)
    expect(run.summary).toMatch(/Input `repository` needs the repositories' permission listings, and Bitbucket does not let access tokens query permissions/)
    expect([sim.requests, sim.adminRequests, sim.repositoryRequests]).toEqual([0, 0, 0])
  })

  it('ignores read and none entries when the server ignores the filter', async () => {
    sim.ignoreQuery = true
    const run = await runInProcess(gate())
    expect(run.outputs).toMatchObject({ 'in-scope-count': '5', 'out-of-scope-count': '1', 'non-compliant-count': '3' })
    expect(run.artefacts).not.toContain('Cy Reader')
  })
})

describe('admins first, in workspace scope', () => {
  it('lists an admin outside the member listing as not a member, and counts one more request per workspace', async () => {
    sim.workspaces[0] = { ...world(), owners: [person(1, true).uuid, OUTSIDER.uuid] }
    const run = await runInProcess(audit())
    expect(run.outputs).toMatchObject({ 'member-count': '6', 'in-scope-count': '6', 'not-a-member-count': '1', 'out-of-scope-count': '0' })
    const nonCompliant = JSON.parse(run.outputs['non-compliant']!) as { display_name: string; status: string; admin: boolean }[]
    expect(nonCompliant[0]).toMatchObject({ display_name: 'Olga Outsider', status: 'not-a-member', admin: true })
    expect([sim.requests, sim.adminRequests]).toEqual([1, 1])
  })

  it('warns and keeps the verdict when the admin listing is refused; every admin mark is null', async () => {
    sim.faults.push({
      endpoint: 'admins',
      action: {
        status: 403,
        body: JSON.stringify({ type: 'error', error: { message: 'You must be an administrator of this workspace to view its permissions.' } })
      }
    })
    const run = await runInProcess({ ...audit(), exempt: `${person(5, false).account_id} # the CTO` })
    expect(run.outputs).toMatchObject({ 'non-compliant-count': '2', 'exempt-count': '1' })
    expect((JSON.parse(run.outputs['non-compliant']!) as { admin: unknown }[]).map((p) => p.admin)).toEqual([null, null])
    const warnings = workflowCommands(run.stdout).filter((c) => c.startsWith('::warning'))
    const warning = warnings.find((w) => w.includes('could not be looked up')) ?? ''
    expect(warning).toContain('The admins of workspace "acme" could not be looked up')
    expect(warning).toContain('403 Forbidden for the admin listing of workspace "acme"')
    expect(warning).toContain('Exemptions in force may be excusing an admin: `exempt` line 1')
    // The summary says it next to the verdict, not only the log.
    expect(run.summary).toContain('**Admins not known.** The admins of workspace "acme" could not be looked up')
    expect(run.summary).toContain('Every member and admin of acme: 5 people (admins could not be looked up)')
  })

  it('gives no verdict when the admin listing keeps failing with 5xx', async () => {
    sim.faults.push({ endpoint: 'admins', times: 20, action: { status: 503, contentType: 'text/plain', body: 'unavailable' } })
    const run = await runInProcess(audit())
    expect(run.outputs).toEqual(BROKEN_RUN_OUTPUTS)
    expect(run.summary).toMatch(/Bitbucket answered 503 on page 1 of the admin listing of workspace "acme"/)
  })

  it('skips the admin listing for an access token, and says why once', async () => {
    sim.workspaces[0] = { ...world(), members: world().members.map((m) => ({ ...m })) }
    const run = await runInProcess({ workspace: 'acme', token: ACCESS_TOKEN, 'api-url': sim.apiUrl })
    expect(sim.adminRequests).toBe(0)
    expect(run.stdout).toContain('Access tokens cannot query workspace permissions')
  })
})
