import { describe, expect, it } from 'vitest'
import { listMembers } from '../../src/bitbucket/listing/list.js'
import { listAdmins, listWriters } from '../../src/bitbucket/listing/permissions.js'
import { parseExemptions } from '../../src/config/exemptions.js'
import type { Credentials } from '../../src/config/credentials.js'
import { AccountSet, type WorkspaceListing } from '../../src/gate/accounts.js'
import { scopeOf } from '../../src/gate/scope.js'
import type { Member, Repository, RepositoryWriters, SecondFactor, WorkspaceAdmins } from '../../src/gate/types.js'
import { decideCompliance, requestsOf, unprovenAccountIds, type Verdict, type VerdictOptions } from '../../src/gate/verdict.js'
import { ADMIN_EMAIL, bot, person, REPO_ADMIN_TOKEN, repoAdminCredential } from '../simulator/fixtures.js'
import type { SimGrant, SimWorkspace } from '../simulator/server.js'
import { clientContext } from '../support/client.js'
import { QUICK } from '../support/quick.js'
import { simulatorInMemory } from '../support/simulator.js'

/**
 * The repository scope (`repository`): who the gate judges is everyone who can write to a listed
 * repository plus the workspace admins; readers are out of scope (counted, not named); people the
 * permission listings name outside every member listing fail as not-a-member unless an exemption in
 * force or accepted Atlassian 2SV lets them pass. The listings come from the simulator in memory.
 */

const start = simulatorInMemory()
const today = '2026-11-26'
const asRepoAdmin: Credentials = { kind: 'api-token', email: ADMIN_EMAIL, token: REPO_ADMIN_TOKEN }

// person(n), bot(n) uuids and account ids, written out so the expectations do not come from code.
const OWNER = '{aaaaaaaa-0000-4000-8000-000000000001}'
const WRITER_OFF = '{aaaaaaaa-0000-4000-8000-000000000002}'
const READER_OFF = '{aaaaaaaa-0000-4000-8000-000000000003}'
const WRITER_ON = '{aaaaaaaa-0000-4000-8000-000000000004}'
const NONE_UNKNOWN = '{aaaaaaaa-0000-4000-8000-000000000005}'
const WRITER_UNKNOWN = '{aaaaaaaa-0000-4000-8000-000000000006}'
const BOT_WRITER = '{bbbbbbbb-0000-4000-8000-000000000007}'
const BOT_IDLE = '{bbbbbbbb-0000-4000-8000-000000000008}'
const READER_ON = '{aaaaaaaa-0000-4000-8000-000000000009}'
const OUTSIDER = '{aaaaaaaa-0000-4000-8000-00000000005a}'
const OUTSIDE_BOT = '{bbbbbbbb-0000-4000-8000-00000000005b}'
const ID = {
  writerOff: '557058:00000002-0000-0000-0000-000000000000',
  readerOff: '557058:00000003-0000-0000-0000-000000000000',
  writerOn: '557058:00000004-0000-0000-0000-000000000000',
  noneUnknown: '557058:00000005-0000-0000-0000-000000000000',
  writerUnknown: '557058:00000006-0000-0000-0000-000000000000',
  readerOn: '557058:00000009-0000-0000-0000-000000000000',
  outsider: '557058:0000005a-0000-0000-0000-000000000000'
}

const APP: Repository = { workspace: 'acme', slug: 'app', fullName: 'acme/app' }
const LIB: Repository = { workspace: 'acme', slug: 'lib', fullName: 'acme/lib' }

/**
 * acme: the owner (2FA on), a writer without 2FA (write on app, admin on lib), a reader without 2FA,
 * a writer with 2FA on (read on lib), a member without a flag and no access, a writer without a flag,
 * a bot with write, an idle bot, a reader with 2FA on; outside the member listing, a writer and a bot
 * with write.
 */
function acme(extra: Partial<SimWorkspace> = {}): SimWorkspace {
  return {
    slug: 'acme',
    uuid: '{acacacac-1111-4111-8111-111111111111}',
    members: [person(1, true), person(2, false), person(3, false), person(4, true), person(5, null), person(6, null), bot(7), bot(8), person(9, true)],
    owners: [OWNER],
    outsiders: [person(90, undefined, { display_name: 'Outside Writer' }), bot(91, 'Outside Bot')],
    repositories: [
      {
        slug: 'app',
        grants: [
          { uuid: WRITER_OFF, permission: 'write' },
          { uuid: READER_OFF, permission: 'read' },
          { uuid: WRITER_ON, permission: 'write' },
          { uuid: NONE_UNKNOWN, permission: 'none' },
          { uuid: WRITER_UNKNOWN, permission: 'write' },
          { uuid: BOT_WRITER, permission: 'write' },
          { uuid: READER_ON, permission: 'read' },
          { uuid: OUTSIDER, permission: 'write' },
          { uuid: OUTSIDE_BOT, permission: 'write' }
        ]
      },
      {
        slug: 'lib',
        grants: [
          { uuid: WRITER_OFF, permission: 'admin' },
          { uuid: WRITER_ON, permission: 'read' }
        ]
      }
    ],
    ...extra
  }
}

/** acme with only the owner, the grants given, and these members (the owner first). */
function small(members: SimWorkspace['members'], grants: SimGrant[], outsiders: SimWorkspace['outsiders'] = []): SimWorkspace {
  return { ...acme(), members: [person(1, true), ...members], outsiders, repositories: [{ slug: 'app', grants }] }
}

interface Gathered {
  readonly listings: Awaited<ReturnType<typeof listMembers>>[]
  readonly admins: WorkspaceAdmins[]
  readonly repositories: RepositoryWriters[] | null
  readonly sent: number
}

/** Every listing of the run, read from the simulator as the engine reads them. */
async function gather(workspace: SimWorkspace, repositories: readonly Repository[] | null = [APP]): Promise<Gathered> {
  const s = await start({ workspaces: [workspace], credentials: [repoAdminCredential] })
  const { context } = clientContext(s, { credentials: asRepoAdmin })
  const [listing, admins, writers] = await Promise.all([
    listMembers('acme', context),
    listAdmins('acme', context),
    repositories === null ? Promise.resolve(null) : Promise.all(repositories.map((r) => listWriters(r, context)))
  ])
  return { listings: [listing], admins: [admins], repositories: writers, sent: s.requests + s.adminRequests + s.repositoryRequests }
}

type Extra = Partial<Omit<VerdictOptions, 'admins' | 'repositories' | 'exemptions' | 'today'>>

function decide(g: Gathered, exempt = '', extra: Extra = {}): Verdict {
  return decideCompliance(g.listings, {
    exemptions: parseExemptions(exempt),
    today,
    failOnUnknown: true,
    admins: g.admins,
    repositories: g.repositories,
    ...extra
  })
}

const uuids = (list: readonly { uuid: string }[]): string[] => list.map((a) => a.uuid).sort()
const accepted = (states: Record<string, SecondFactor>, isAccepted = true): VerdictOptions['secondSource'] => ({
  accepted: isAccepted,
  states: new Map(Object.entries(states)),
  requests: 1,
  warning: null
})

/** Every uuid the verdict names or counts by uuid, in any group. */
function named(v: Verdict): string[] {
  return [
    ...v.nonCompliant,
    ...v.notAMember,
    ...v.unknown,
    ...v.appUsers,
    ...v.atlassian2sv,
    ...v.exempted.map((e) => e.account),
    ...[...v.enabled.keys()].map((uuid) => ({ uuid })),
    ...[...v.enabledGrants.keys()].map((uuid) => ({ uuid }))
  ].map((a) => a.uuid)
}

describe('the repository scope, from the simulator', QUICK, () => {
  it('fails a writer without 2FA, and says which repositories and permissions put them in scope', async () => {
    const v = decide(await gather(acme(), [APP, LIB]))
    expect(v.compliant).toBe(false)
    expect(uuids(v.nonCompliant)).toEqual([WRITER_OFF])
    expect(v.nonCompliant[0]).toMatchObject({ listed: true, admin: false, workspaces: ['acme'] })
    expect(v.nonCompliant[0]!.grants).toEqual([
      { repository: 'acme/app', permission: 'write' },
      { repository: 'acme/lib', permission: 'admin' }
    ])
    expect(uuids(v.unknown)).toEqual([WRITER_UNKNOWN])
    expect(v.scope).toEqual({ kind: 'repository', repositories: [APP, LIB], widened: [] })
  })

  it('does not judge a reader without 2FA: out of scope, counted, not named', async () => {
    const v = decide(await gather(small([person(3, false)], [{ uuid: READER_OFF, permission: 'read' }])))
    expect(v.compliant).toBe(true)
    expect(named(v)).not.toContain(READER_OFF)
    expect(v.outOfScopeCount).toBe(1)
    expect(v.inScopeCount).toBe(1)
    expect(v.memberCount).toBe(2)
    expect(v.workspaces[0]).toMatchObject({ outOfScope: 1, nonCompliant: 0, unknown: 0 })
  })

  it('fails a writer without 2FA where the same person as a reader passes', async () => {
    const v = decide(await gather(small([person(3, false)], [{ uuid: READER_OFF, permission: 'write' }])))
    expect(v.compliant).toBe(false)
    expect(uuids(v.nonCompliant)).toEqual([READER_OFF])
    expect(v.outOfScopeCount).toBe(0)
  })

  it('does not judge a member with no access (none) or no grant at all, whatever their flag', async () => {
    const v = decide(await gather(small([person(5, null), person(3, false)], [{ uuid: NONE_UNKNOWN, permission: 'none' }])))
    expect(v.compliant).toBe(true)
    expect(named(v)).not.toContain(NONE_UNKNOWN)
    expect(named(v)).not.toContain(READER_OFF)
    expect(v.outOfScopeCount).toBe(2)
  })

  for (const failOnUnknown of [true, false]) {
    it(`fails a writer outside the member listing as not-a-member (fail-on-unknown ${String(failOnUnknown)})`, async () => {
      const v = decide(await gather(small([], [{ uuid: OUTSIDER, permission: 'write' }], [person(90, undefined, { display_name: 'Outside Writer' })])), '', {
        failOnUnknown
      })
      expect(v.compliant).toBe(false)
      expect(uuids(v.notAMember)).toEqual([OUTSIDER])
      expect(v.notAMember[0]).toMatchObject({
        displayName: 'Outside Writer',
        accountId: ID.outsider,
        listed: false,
        admin: false,
        twoFactor: 'unknown',
        workspaces: ['acme'],
        grants: [{ repository: 'acme/app', permission: 'write' }]
      })
      expect(v.unknown).toEqual([])
      expect(v.nonCompliant).toEqual([])
      expect(v.workspaces[0]).toMatchObject({ notAMember: 1, unknown: 0, nonCompliant: 0 })
      // Not in any member listing: not a member to count.
      expect(v.memberCount).toBe(1)
      expect(v.inScopeCount).toBe(2)
    })
  }

  const outsiderWorld = () => small([], [{ uuid: OUTSIDER, permission: 'write' }], [person(90, undefined, { display_name: 'Outside Writer' })])

  for (const [how, line] of [
    ['uuid', `${OUTSIDER} # contractor`],
    ['account id', `${ID.outsider} until 2026-11-26 # contractor`]
  ] as const) {
    it(`lets an outsider pass by an exemption in force (by ${how})`, async () => {
      const v = decide(await gather(outsiderWorld()), line)
      expect(v.compliant).toBe(true)
      expect(v.notAMember).toEqual([])
      expect(v.exempted.map((e) => [e.account.uuid, e.account.listed, e.exemptions.map((x) => x.line)])).toEqual([[OUTSIDER, false, [1]]])
      expect(v.matchedExemptions.map((e) => e.line)).toEqual([1])
      expect(v.unmatchedExemptions).toEqual([])
      expect(v.workspaces[0]).toMatchObject({ exempt: 1, notAMember: 0 })
    })
  }

  it('fails an outsider whose exemption has expired', async () => {
    const v = decide(await gather(outsiderWorld()), `${ID.outsider} until 2026-11-25`)
    expect(v.compliant).toBe(false)
    expect(uuids(v.notAMember)).toEqual([OUTSIDER])
    expect(v.lapsedExemptions.map((e) => e.line)).toEqual([1])
  })

  it('lets an outsider pass by accepted Atlassian 2SV on their account', async () => {
    const v = decide(await gather(outsiderWorld()), '', { secondSource: accepted({ [ID.outsider]: 'on' }) })
    expect(v.compliant).toBe(true)
    expect(v.notAMember).toEqual([])
    expect(uuids(v.atlassian2sv)).toEqual([OUTSIDER])
    expect(v.atlassian2sv[0]).toMatchObject({ listed: false, secondFactor: 'on' })
    expect(v.workspaces[0]).toMatchObject({ atlassian2sv: 1, notAMember: 0 })
  })

  for (const [what, source] of [
    ['2SV off', accepted({ [ID.outsider]: 'off' })],
    ['2SV unknown', accepted({ [ID.outsider]: 'unknown' })],
    ['2SV on for someone else', accepted({ [ID.writerOff]: 'on' })],
    ['2SV on but not accepted', accepted({ [ID.outsider]: 'on' }, false)]
  ] as const) {
    it(`fails an outsider with ${what}`, async () => {
      const v = decide(await gather(outsiderWorld()), '', { secondSource: source, failOnUnknown: false })
      expect(v.compliant).toBe(false)
      expect(uuids(v.notAMember)).toEqual([OUTSIDER])
      expect(v.atlassian2sv).toEqual([])
    })
  }

  it('never fails an app user with write, listed or not, and shows them apart', async () => {
    const v = decide(
      await gather(
        small(
          [bot(7)],
          [
            { uuid: BOT_WRITER, permission: 'write' },
            { uuid: OUTSIDE_BOT, permission: 'admin' }
          ],
          [bot(91, 'Outside Bot')]
        )
      )
    )
    expect(v.compliant).toBe(true)
    expect(v.appUsers.map((a) => [a.uuid, a.listed, a.grants])).toEqual([
      [BOT_WRITER, true, [{ repository: 'acme/app', permission: 'write' }]],
      [OUTSIDE_BOT, false, [{ repository: 'acme/app', permission: 'admin' }]]
    ])
    expect(v.notAMember).toEqual([])
    expect(v.unknown).toEqual([])
    expect(v.workspaces[0]).toMatchObject({ appUsers: 2, notAMember: 0 })
    // App users are not people to judge.
    expect(v.inScopeCount).toBe(1)
  })

  it('counts everyone: in scope, out of scope, per workspace, and every request', async () => {
    const g = await gather(acme(), [APP, LIB])
    const v = decide(g)
    expect(v.memberCount).toBe(9)
    // The owner and the writer with 2FA on are proven; the writers without 2FA and without a flag, and the outsider, are not.
    expect([...v.enabled.keys()].sort()).toEqual([OWNER, WRITER_ON])
    expect(v.enabledCount).toBe(2)
    expect(v.inScopeCount).toBe(5)
    // The reader without 2FA, the member without access, the idle bot, the reader with 2FA on.
    expect(v.outOfScopeCount).toBe(4)
    expect(v.workspaces).toEqual([
      {
        workspace: 'acme',
        members: 9,
        appUsers: 2,
        enabled: 2,
        nonCompliant: 1,
        notAMember: 1,
        unknown: 1,
        exempt: 0,
        atlassian2sv: 0,
        outOfScope: 4,
        // members 1, admins 1, app 1, lib 1
        requests: 4
      }
    ])
    expect(requestsOf(v)).toBe(4)
    expect(g.sent).toBe(4)
    expect(v.enabledGrants.get(WRITER_ON)).toEqual([{ repository: 'acme/app', permission: 'write' }])
    expect(v.enabledGrants.has(READER_ON)).toBe(false)
    expect(named(v)).not.toContain(READER_ON)
    expect(named(v)).not.toContain(READER_OFF)
    expect(named(v)).not.toContain(NONE_UNKNOWN)
    expect(named(v)).not.toContain(BOT_IDLE)
  })

  it('counts the requests of a listing that took several pages', async () => {
    const many = Array.from({ length: 150 }, (_, i) => person(100 + i, true))
    const ws = acme({ members: [person(1, true), ...many], outsiders: [] })
    ws.repositories = [{ slug: 'app', grants: many.map((m) => ({ uuid: m.uuid, permission: 'write' as const })) }]
    const g = await gather(ws)
    const v = decide(g)
    expect(v.compliant).toBe(true)
    expect(v.inScopeCount).toBe(151)
    // members 2, admins 1, app 2
    expect(v.workspaces[0]!.requests).toBe(5)
    expect(g.sent).toBe(5)
  })

  it('names an exemption for an out-of-scope member as not needed in this scope, not the person', async () => {
    const v = decide(
      await gather(acme(), [APP]),
      `${ID.readerOff} # on leave\n${READER_ON}\n${ID.writerOff} until 2026-11-01\n${ID.noneUnknown} until 2026-11-01`
    )
    expect(v.outOfScopeExemptions.map((e) => e.line)).toEqual([1, 2])
    expect(v.unneededExemptions).toEqual([])
    expect(v.unmatchedExemptions).toEqual([])
    expect(v.exempted).toEqual([])
    expect(v.refusedExemptions).toEqual([])
    expect(v.matchedExemptions.map((e) => e.line)).toEqual([1, 2, 3, 4])
  })

  it('judges every member in workspace scope: no one out of scope', async () => {
    const v = decide(await gather(acme(), null))
    expect(v.scope).toEqual({ kind: 'workspace', repositories: [], widened: [] })
    expect(v.outOfScopeCount).toBe(0)
    expect(uuids(v.nonCompliant)).toEqual([WRITER_OFF, READER_OFF])
    expect(uuids(v.unknown)).toEqual([NONE_UNKNOWN, WRITER_UNKNOWN])
    // Repository writers outside the member listing are not seen without the repository scope.
    expect(v.notAMember).toEqual([])
    expect(v.nonCompliant.every((a) => a.grants.length === 0)).toBe(true)
    expect(v.enabledGrants.size).toBe(0)
    expect(v.workspaces[0]).toMatchObject({ outOfScope: 0, requests: 2 })
  })

  it('asks the organization about the unproven people in scope, outsiders included, never about those out of scope', async () => {
    const g = await gather(acme(), [APP, LIB])
    const ids = unprovenAccountIds(g.listings, { admins: g.admins, repositories: g.repositories })
    expect(ids.sort()).toEqual([ID.writerOff, ID.writerUnknown, ID.outsider].sort())
  })

  it('asks about every unproven member in workspace scope', async () => {
    const g = await gather(acme(), null)
    const ids = unprovenAccountIds(g.listings, { admins: g.admins, repositories: null })
    expect(ids.sort()).toEqual([ID.writerOff, ID.readerOff, ID.noneUnknown, ID.writerUnknown].sort())
  })

  it('lets an unproven writer pass by accepted 2SV, and asks nobody about a reader', async () => {
    const g = await gather(acme(), [APP, LIB])
    const v = decide(g, '', { secondSource: accepted({ [ID.writerOff]: 'on', [ID.writerUnknown]: 'on', [ID.outsider]: 'on', [ID.readerOff]: 'on' }) })
    expect(v.compliant).toBe(true)
    expect(uuids(v.atlassian2sv)).toEqual([WRITER_OFF, WRITER_UNKNOWN, OUTSIDER].sort())
  })
})

// Hand-built members for scopeOf: the flag does not matter to who is in scope.
const m = (uuid: string, extra: Partial<Member> = {}): Member => ({
  uuid,
  accountId: null,
  displayName: uuid,
  nickname: '',
  isAppUser: false,
  twoFactor: 'disabled',
  ...extra
})
const U = (n: number): string => `{cccccccc-0000-4000-8000-${String(n).padStart(12, '0')}}`
const writers = (repository: Repository, entries: [string, 'write' | 'admin'][], requests = 1): RepositoryWriters => ({
  repository,
  writers: new Map(entries.map(([uuid, permission]) => [uuid, { member: m(uuid, { twoFactor: 'unknown' }), permission }])),
  requests
})
const knownAdmins = (workspace: string, list: string[]): WorkspaceAdmins => ({
  workspace,
  lookup: { known: true, admins: new Map(list.map((uuid) => [uuid, m(uuid, { twoFactor: 'unknown' })])) },
  requests: 1
})
const unknownAdmins = (workspace: string): WorkspaceAdmins => ({ workspace, lookup: { known: false, reason: new Error('refused') }, requests: 1 })
const BETA_APP: Repository = { workspace: 'beta', slug: 'app', fullName: 'beta/app' }

describe('scopeOf', () => {
  const merged = new AccountSet()
  for (const member of [m(U(1)), m(U(2)), m(U(3), { twoFactor: 'enabled' }), m(U(4))]) merged.add(member)
  const listings: WorkspaceListing[] = [{ workspace: 'acme', accounts: merged, requests: 1 }]

  it('includes everyone in workspace scope and gives no grants', () => {
    const scope = scopeOf(listings, merged, [knownAdmins('acme', [U(1)])], null)
    expect(scope.kind).toBe('workspace')
    expect(scope.repositories).toEqual([])
    for (const n of [1, 2, 3, 4, 99]) expect(scope.includes(U(n))).toBe(true)
    expect(scope.grantsOf(U(1))).toEqual([])
  })

  it('in workspace scope, makes outsiders of the admins no member listing names', () => {
    const scope = scopeOf(listings, merged, [knownAdmins('acme', [U(1), U(50)]), knownAdmins('beta', [U(50), U(51)])], null)
    expect([...scope.outsiders.otherAccounts()].map((a) => a.uuid).sort()).toEqual([U(50), U(51)])
    expect(scope.outsiderWorkspaces(U(50))).toEqual(['acme', 'beta'])
    expect(scope.outsiderWorkspaces(U(51))).toEqual(['beta'])
    expect(scope.outsiderWorkspaces(U(1))).toEqual([])
  })

  it('includes only writers and admins in repository scope, the admins with admin on every repository of their workspace', () => {
    const scope = scopeOf(
      listings,
      merged,
      [knownAdmins('acme', [U(4)]), knownAdmins('beta', [U(3)])],
      [writers(LIB, [[U(2), 'write']]), writers(APP, [[U(1), 'write']]), writers(BETA_APP, [[U(2), 'admin']])]
    )
    expect(scope.kind).toBe('repository')
    expect(scope.repositories).toEqual([LIB, APP, BETA_APP])
    expect([1, 2, 3, 4, 5].map((n) => scope.includes(U(n)))).toEqual([true, true, true, true, false])
    expect(scope.grantsOf(U(4))).toEqual([
      { repository: 'acme/app', permission: 'admin' },
      { repository: 'acme/lib', permission: 'admin' }
    ])
    // An admin of beta gets nothing on acme's repositories.
    expect(scope.grantsOf(U(3))).toEqual([{ repository: 'beta/app', permission: 'admin' }])
    // Sorted by repository, whatever order they were given in.
    expect(scope.grantsOf(U(2))).toEqual([
      { repository: 'acme/lib', permission: 'write' },
      { repository: 'beta/app', permission: 'admin' }
    ])
    expect(scope.grantsOf(U(5))).toEqual([])
    expect(scope.outsiders.size).toBe(0)
  })

  it('raises an admin that a listing names as a writer to admin, once per repository', () => {
    const scope = scopeOf(listings, merged, [knownAdmins('acme', [U(1)])], [writers(APP, [[U(1), 'write']])])
    expect(scope.grantsOf(U(1))).toEqual([{ repository: 'acme/app', permission: 'admin' }])
    const listed = scopeOf(listings, merged, [knownAdmins('acme', [U(1)])], [writers(APP, [[U(1), 'admin']])])
    expect(listed.grantsOf(U(1))).toEqual([{ repository: 'acme/app', permission: 'admin' }])
  })

  it('makes outsiders of writers and admins no member listing names, with the workspaces of their repositories', () => {
    const scope = scopeOf(
      listings,
      merged,
      [knownAdmins('acme', [U(60)]), knownAdmins('beta', [U(1)])],
      [writers(APP, [[U(61), 'write']]), writers(BETA_APP, [[U(61), 'admin']])]
    )
    expect([...scope.outsiders.otherAccounts()].map((a) => a.uuid).sort()).toEqual([U(60), U(61)])
    expect(scope.outsiderWorkspaces(U(61))).toEqual(['acme', 'beta'])
    expect(scope.outsiderWorkspaces(U(60))).toEqual(['acme'])
    expect(scope.includes(U(60))).toBe(true)
    expect(scope.grantsOf(U(60))).toEqual([{ repository: 'acme/app', permission: 'admin' }])
  })

  it('judges every member of a workspace whose admins are unknown, since any of them may be an admin', () => {
    const scope = scopeOf(listings, merged, [unknownAdmins('acme')], [writers(APP, [[U(2), 'write']])])
    expect(scope.widened).toEqual(['acme'])
    expect([1, 2, 3, 4].map((n) => scope.includes(U(n)))).toEqual([true, true, true, true])
    expect(scope.includes(U(99))).toBe(false)
    // Only a listed grant is a grant: nobody is made an admin of the repository.
    expect(scope.grantsOf(U(1))).toEqual([])
    expect(scope.grantsOf(U(2))).toEqual([{ repository: 'acme/app', permission: 'write' }])
    expect(scope.outsiders.size).toBe(0)
  })

  it('widens only the workspaces of the scope whose admins are unknown', () => {
    const betaAccounts = new AccountSet()
    for (const member of [m(U(10)), m(U(11)), m(U(1))]) betaAccounts.add(member)
    const both: WorkspaceListing[] = [...listings, { workspace: 'beta', accounts: betaAccounts, requests: 1 }]
    const all = new AccountSet()
    all.addAll(merged)
    all.addAll(betaAccounts)
    const scope = scopeOf(both, all, [knownAdmins('acme', [U(4)]), unknownAdmins('beta')], [writers(APP, [[U(2), 'write']]), writers(BETA_APP, [])])
    expect(scope.widened).toEqual(['beta'])
    expect([1, 2, 3, 4, 10, 11].map((n) => scope.includes(U(n)))).toEqual([true, true, false, true, true, true])
    // beta's admins are unknown, but with no repository of beta in the scope beta is not widened.
    const acmeOnly = scopeOf(both, all, [knownAdmins('acme', [U(4)]), unknownAdmins('beta')], [writers(APP, [[U(2), 'write']])])
    expect(acmeOnly.widened).toEqual([])
    expect([10, 11].map((n) => acmeOnly.includes(U(n)))).toEqual([false, false])
  })

  it('widens a workspace of the scope whose admins were not looked up at all: they are not known either', () => {
    const scope = scopeOf(listings, merged, [], [writers(APP, [[U(2), 'write']])])
    expect(scope.widened).toEqual(['acme'])
    expect(scope.includes(U(1))).toBe(true)
  })

  it('widens nothing in workspace scope, where everyone is judged anyway', () => {
    expect(scopeOf(listings, merged, [unknownAdmins('acme')], null).widened).toEqual([])
  })

  it('says whether someone is an admin of any workspace read, and null when that cannot be known', () => {
    const scope = scopeOf(listings, merged, [knownAdmins('acme', [U(1)]), unknownAdmins('beta')], null)
    expect(scope.adminOf(U(1), ['acme'])).toBe(true)
    expect(scope.adminOf(U(1), ['acme', 'beta'])).toBe(true)
    expect(scope.adminOf(U(1), ['beta', 'acme'])).toBe(true)
    // A member of acme alone may own beta, whose admins are unknown: nobody can say they are not an admin.
    expect(scope.adminOf(U(2), ['acme'])).toBeNull()
    expect(scope.adminOf(U(2), ['acme', 'beta'])).toBeNull()
    const allKnown = scopeOf(listings, merged, [knownAdmins('acme', [U(1)]), knownAdmins('beta', [U(3)])], null)
    expect(allKnown.adminOf(U(2), ['acme'])).toBe(false)
    // An admin of beta is an admin, even when only acme's member listing names them.
    expect(allKnown.adminOf(U(3), ['acme'])).toBe(true)
    expect(scope.adminOf(U(2), ['beta'])).toBeNull()
    // A workspace whose admins were not looked up at all is not known either.
    expect(scope.adminOf(U(2), ['gamma'])).toBeNull()
  })
})
