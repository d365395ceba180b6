import { describe, expect, it } from 'vitest'
import { listMembers } from '../../src/bitbucket/listing/list.js'
import { listAdmins, listWriters } from '../../src/bitbucket/listing/permissions.js'
import { parseExemptions } from '../../src/config/exemptions.js'
import type { Credentials } from '../../src/config/credentials.js'
import { BitbucketHttpError } from '../../src/errors.js'
import type { AccountRecord, Repository, RepositoryWriters, WorkspaceAdmins } from '../../src/gate/types.js'
import { decideCompliance, requestsOf, unprovenAccountIds, type Verdict, type VerdictOptions } from '../../src/gate/verdict.js'
import { ACCESS_TOKEN, ADMIN_EMAIL, bot, person, REPO_ADMIN_TOKEN, repoAdminCredential } from '../simulator/fixtures.js'
import type { FaultRule, SimWorkspace } from '../simulator/server.js'
import { clientContext } from '../support/client.js'
import { QUICK } from '../support/quick.js'
import { listing, member } from '../support/members.js'
import type { Member } from '../../src/gate/types.js'
import { simulatorInMemory } from '../support/simulator.js'

/**
 * Workspace admins in the verdict: marked on everyone (null when their workspace's admins are not
 * known), implicit admins of every repository of their workspace and so always in the repository
 * scope, an exemption naming one refused unless `allow-admin-exemptions`, and, when the admins cannot
 * be looked up, the verdict kept on the member listing with the exemption lines that may be excusing
 * an admin named. The listings come from the simulator in memory.
 */

const start = simulatorInMemory()
const today = '2026-11-26'
const asRepoAdmin: Credentials = { kind: 'api-token', email: ADMIN_EMAIL, token: REPO_ADMIN_TOKEN }

// person(n) uuids and account ids, written out so the expectations do not come from code.
const ADMIN_ON = '{aaaaaaaa-0000-4000-8000-000000000001}'
const ADMIN_OFF = '{aaaaaaaa-0000-4000-8000-000000000002}'
const MEMBER_OFF = '{aaaaaaaa-0000-4000-8000-000000000003}'
const MEMBER_ON = '{aaaaaaaa-0000-4000-8000-000000000004}'
const ADMIN_UNKNOWN = '{aaaaaaaa-0000-4000-8000-000000000005}'
const BOT = '{bbbbbbbb-0000-4000-8000-000000000006}'
const OUTSIDE_ADMIN = '{aaaaaaaa-0000-4000-8000-00000000005b}'
const ID = {
  adminOn: '557058:00000001-0000-0000-0000-000000000000',
  adminOff: '557058:00000002-0000-0000-0000-000000000000',
  memberOff: '557058:00000003-0000-0000-0000-000000000000',
  memberOn: '557058:00000004-0000-0000-0000-000000000000',
  adminUnknown: '557058:00000005-0000-0000-0000-000000000000',
  outsideAdmin: '557058:0000005b-0000-0000-0000-000000000000'
}

const APP: Repository = { workspace: 'acme', slug: 'app', fullName: 'acme/app' }
const LIB: Repository = { workspace: 'acme', slug: 'lib', fullName: 'acme/lib' }

/**
 * acme: admins with 2FA on, off and without a flag, and one outside the member listing; members with
 * 2FA off and on, and a bot. On app only the member without 2FA, the member with 2FA on and the bot can
 * write; on lib the member with 2FA on can read. The listings never name the admins.
 */
function acme(extra: Partial<SimWorkspace> = {}): SimWorkspace {
  return {
    slug: 'acme',
    uuid: '{acacacac-1111-4111-8111-111111111111}',
    members: [person(1, true), person(2, false), person(3, false), person(4, true), person(5, null), bot(6)],
    owners: [ADMIN_ON, ADMIN_OFF, ADMIN_UNKNOWN, OUTSIDE_ADMIN],
    outsiders: [person(91, undefined, { display_name: 'Outside Admin' })],
    repositories: [
      {
        slug: 'app',
        grants: [
          { uuid: MEMBER_OFF, permission: 'write' },
          { uuid: MEMBER_ON, permission: 'write' },
          { uuid: BOT, permission: 'write' }
        ]
      },
      { slug: 'lib', grants: [{ uuid: MEMBER_ON, permission: 'read' }] }
    ],
    ...extra
  }
}

/** beta: the member of acme without 2FA (no admin here) and its own admin. */
function beta(extra: Partial<SimWorkspace> = {}): SimWorkspace {
  return {
    slug: 'beta',
    uuid: '{bebebebe-1111-4111-8111-111111111111}',
    members: [person(20, true), person(2, false), person(3, false)],
    owners: ['{aaaaaaaa-0000-4000-8000-000000000014}'],
    ...extra
  }
}

interface Gathered {
  readonly listings: Awaited<ReturnType<typeof listMembers>>[]
  readonly admins: WorkspaceAdmins[]
  readonly repositories: RepositoryWriters[] | null
  readonly sent: { members: number; admins: number; repositories: number }
}

interface World {
  readonly workspaces?: SimWorkspace[]
  readonly repositories?: readonly Repository[] | null
  readonly faults?: FaultRule[]
  readonly credentials?: Credentials
}

/** Every listing of the run, read from the simulator as the engine reads them. */
async function gather(world: World = {}): Promise<Gathered> {
  const workspaces = world.workspaces ?? [acme()]
  const s = await start({
    workspaces,
    credentials: [repoAdminCredential, { kind: 'access-token', token: ACCESS_TOKEN, workspace: 'acme', seesFlags: true }],
    faults: world.faults ?? []
  })
  const { context } = clientContext(s, { credentials: world.credentials ?? asRepoAdmin })
  const slugs = workspaces.map((w) => w.slug)
  const repositories = world.repositories === undefined ? null : world.repositories
  const [listings, admins, writers] = await Promise.all([
    Promise.all(slugs.map((ws) => listMembers(ws, context))),
    Promise.all(slugs.map((ws) => listAdmins(ws, context))),
    repositories === null ? Promise.resolve(null) : Promise.all(repositories.map((r) => listWriters(r, context)))
  ])
  return { listings, admins, repositories: writers, sent: { members: s.requests, admins: s.adminRequests, repositories: s.repositoryRequests } }
}

type Extra = Partial<Omit<VerdictOptions, 'exemptions' | 'today'>>

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

/** Each person as [uuid, admin], by uuid. */
const marks = (list: readonly AccountRecord[]): [string, boolean | null][] =>
  list.map((a): [string, boolean | null] => [a.uuid, a.admin]).sort((a, b) => (a[0] < b[0] ? -1 : 1))
const lines = (list: readonly { line: number }[]): number[] => list.map((e) => e.line)
const ADMIN_EVERYWHERE = [
  { repository: 'acme/app', permission: 'admin' },
  { repository: 'acme/lib', permission: 'admin' }
]

describe('admins marked, from the simulator', QUICK, () => {
  it('marks every person judged as admin or not in workspace scope, an admin outside the member listing included', async () => {
    const v = decide(await gather())
    expect(marks(v.nonCompliant)).toEqual([
      [ADMIN_OFF, true],
      [MEMBER_OFF, false]
    ])
    expect(marks(v.unknown)).toEqual([[ADMIN_UNKNOWN, true]])
    expect(marks(v.notAMember)).toEqual([[OUTSIDE_ADMIN, true]])
    expect(v.notAMember[0]).toMatchObject({ displayName: 'Outside Admin', listed: false, workspaces: ['acme'], grants: [] })
    expect(marks(v.appUsers)).toEqual([[BOT, false]])
    expect(v.adminCount).toBe(4)
    expect([...v.adminUuids].sort()).toEqual([ADMIN_ON, ADMIN_OFF, ADMIN_UNKNOWN, OUTSIDE_ADMIN])
    expect(v.adminsUnknown).toBeNull()
    expect(v.adminsLookedUp).toBe(true)
  })

  it('counts the admin listing in the requests', async () => {
    const g = await gather()
    const v = decide(g)
    expect(g.sent).toEqual({ members: 1, admins: 1, repositories: 0 })
    expect(v.workspaces[0]!.requests).toBe(2)
    expect(requestsOf(v)).toBe(2)
  })

  it('leaves every admin mark null and warns of nothing when admins were not looked up', async () => {
    const g = await gather()
    const v = decideCompliance(g.listings, { exemptions: parseExemptions(ADMIN_OFF), today, failOnUnknown: true })
    expect(marks(v.nonCompliant)).toEqual([[MEMBER_OFF, null]])
    expect(marks(v.exempted.map((e) => e.account))).toEqual([[ADMIN_OFF, null]])
    expect(v.refusedExemptions).toEqual([])
    expect(v.adminsUnknown).toBeNull()
    expect(v.adminsLookedUp).toBe(false)
    expect(v.adminCount).toBeNull()
    expect(v.notAMember).toEqual([])
  })
})

describe('admins in the repository scope', QUICK, () => {
  for (const listsOwners of [false, true]) {
    it(`judges every admin as an admin of each repository of their workspace (listing names them: ${String(listsOwners)})`, async () => {
      const ws = acme()
      ws.repositories = ws.repositories!.map((r) => ({ ...r, listsOwners }))
      const v = decide(await gather({ workspaces: [ws], repositories: [APP, LIB] }))
      expect(v.enabledGrants.get(ADMIN_ON)).toEqual(ADMIN_EVERYWHERE)
      expect(v.enabled.has(ADMIN_ON)).toBe(true)
      expect(v.nonCompliant.map((a) => [a.uuid, a.admin, a.grants])).toEqual([
        [ADMIN_OFF, true, ADMIN_EVERYWHERE],
        [MEMBER_OFF, false, [{ repository: 'acme/app', permission: 'write' }]]
      ])
      expect(v.unknown.map((a) => [a.uuid, a.admin, a.grants])).toEqual([[ADMIN_UNKNOWN, true, ADMIN_EVERYWHERE]])
      expect(v.notAMember.map((a) => [a.uuid, a.admin, a.listed, a.grants])).toEqual([[OUTSIDE_ADMIN, true, false, ADMIN_EVERYWHERE]])
      expect(v.enabledGrants.get(MEMBER_ON)).toEqual([{ repository: 'acme/app', permission: 'write' }])
      // Admins on, off, unknown and outside; the member with 2FA off; the member with 2FA on.
      expect(v.inScopeCount).toBe(6)
      expect(v.outOfScopeCount).toBe(0)
      expect(v.adminCount).toBe(4)
      expect(v.workspaces[0]).toMatchObject({ enabled: 2, nonCompliant: 2, unknown: 1, notAMember: 1, outOfScope: 0, appUsers: 1, requests: 4 })
    })
  }

  it('holds an admin the listing names as a writer to admin', async () => {
    const ws = acme()
    ws.repositories![0]!.grants.push({ uuid: ADMIN_OFF, permission: 'write' })
    const v = decide(await gather({ workspaces: [ws], repositories: [APP] }))
    expect(v.nonCompliant.find((a) => a.uuid === ADMIN_OFF)?.grants).toEqual([{ repository: 'acme/app', permission: 'admin' }])
  })

  it('keeps an admin in scope on a repository nobody else can write to', async () => {
    const ws = acme({ repositories: [{ slug: 'app', grants: [] }] })
    const v = decide(await gather({ workspaces: [ws], repositories: [APP] }))
    expect(marks(v.nonCompliant)).toEqual([[ADMIN_OFF, true]])
    expect(v.inScopeCount).toBe(4)
    // The members without 2FA and with it, and the bot.
    expect(v.outOfScopeCount).toBe(3)
  })
})

describe('who the organization is asked about', QUICK, () => {
  it('includes the admins without proven 2FA, the one outside the member listing too, in workspace scope', async () => {
    const g = await gather()
    expect(unprovenAccountIds(g.listings, { admins: g.admins, repositories: null }).sort()).toEqual(
      [ID.adminOff, ID.memberOff, ID.adminUnknown, ID.outsideAdmin].sort()
    )
  })

  it('includes the admins in repository scope though no listing names them, and leaves out members out of scope', async () => {
    const g = await gather({ repositories: [LIB] })
    expect(unprovenAccountIds(g.listings, { admins: g.admins, repositories: g.repositories }).sort()).toEqual(
      [ID.adminOff, ID.adminUnknown, ID.outsideAdmin].sort()
    )
  })

  it('asks about every unproven member, and nobody outside the member listing, when the admins are unknown', async () => {
    const g = await gather({ repositories: [LIB], faults: [{ endpoint: 'admins', times: Infinity, action: { status: 403, body: '' } }] })
    expect(unprovenAccountIds(g.listings, { admins: g.admins, repositories: g.repositories }).sort()).toEqual(
      [ID.adminOff, ID.memberOff, ID.adminUnknown].sort()
    )
  })
})

describe("an admin's exemption", QUICK, () => {
  const exempt = `${ADMIN_OFF} # travelling\n${ID.outsideAdmin} # contractor\n${ID.memberOff} # new phone\n${ADMIN_UNKNOWN} until 2026-12-05`

  for (const repositories of [null, [APP]] as const) {
    it(`is refused, named with the workspace, unless allowed (${repositories === null ? 'workspace' : 'repository'} scope)`, async () => {
      const v = decide(await gather({ repositories }), exempt)
      expect(v.refusedExemptions.map((r) => [r.exemption.line, r.workspaces])).toEqual([
        [1, ['acme']],
        [2, ['acme']],
        [4, ['acme']]
      ])
      expect(v.refusedExemptions[0]!.exemption).toMatchObject({ id: ADMIN_OFF, reason: 'travelling' })
      expect(marks(v.nonCompliant)).toEqual([[ADMIN_OFF, true]])
      expect(marks(v.notAMember)).toEqual([[OUTSIDE_ADMIN, true]])
      expect(marks(v.unknown)).toEqual([[ADMIN_UNKNOWN, true]])
      // A member's exemption still applies.
      expect(marks(v.exempted.map((e) => e.account))).toEqual([[MEMBER_OFF, false]])
      expect(v.compliant).toBe(false)
      expect(lines(v.matchedExemptions)).toEqual([1, 2, 3, 4])
      expect(v.unmatchedExemptions).toEqual([])
      expect(v.unneededExemptions).toEqual([])
      expect(v.outOfScopeExemptions).toEqual([])
      // A refused line does not end soon for the gate: it is not applied at all.
      expect(v.expiringExemptions).toEqual([])
      expect(v.workspaces[0]).toMatchObject({ exempt: 1, nonCompliant: 1, notAMember: 1, unknown: 1 })
    })

    it(`applies with allow-admin-exemptions (${repositories === null ? 'workspace' : 'repository'} scope)`, async () => {
      const v = decide(await gather({ repositories }), exempt, { allowAdminExemptions: true })
      expect(v.refusedExemptions).toEqual([])
      expect(marks(v.exempted.map((e) => e.account))).toEqual([
        [ADMIN_OFF, true],
        [MEMBER_OFF, false],
        [ADMIN_UNKNOWN, true],
        [OUTSIDE_ADMIN, true]
      ])
      expect(v.nonCompliant).toEqual([])
      expect(v.notAMember).toEqual([])
      expect(v.unknown).toEqual([])
      expect(v.compliant).toBe(true)
      expect(v.allowAdminExemptions).toBe(true)
      // Applied, the dated line now ends soon for the gate.
      expect(lines(v.expiringExemptions)).toEqual([4])
    })
  }

  it('is not needed, never refused, for an admin with 2FA on', async () => {
    const v = decide(await gather(), `${ID.adminOn}\n${ADMIN_ON} until 2026-12-01`)
    expect(v.refusedExemptions).toEqual([])
    expect(lines(v.unneededExemptions)).toEqual([1, 2])
  })

  it('is not needed for an admin who passes by accepted Atlassian 2SV', async () => {
    const v = decide(await gather(), `${ADMIN_OFF}\n${ID.memberOff}\n${ADMIN_UNKNOWN}\n${OUTSIDE_ADMIN}`, {
      secondSource: { accepted: true, states: new Map([[ID.adminOff, 'on' as const]]), requests: 1, warning: null }
    })
    expect(marks(v.atlassian2sv)).toEqual([[ADMIN_OFF, true]])
    expect(lines(v.unneededExemptions)).toEqual([1])
    expect(lines(v.refusedExemptions.map((r) => r.exemption))).toEqual([3, 4])
  })

  it('names only the workspaces the person administers', async () => {
    // The admin without 2FA of acme is a plain member of beta.
    const v = decide(await gather({ workspaces: [acme(), beta()] }), `${ID.adminOff}\n${MEMBER_OFF}`)
    expect(v.refusedExemptions.map((r) => [r.exemption.line, r.workspaces])).toEqual([[1, ['acme']]])
    expect(v.nonCompliant.find((a) => a.uuid === ADMIN_OFF)).toMatchObject({ admin: true, workspaces: ['acme', 'beta'] })
    expect(marks(v.exempted.map((e) => e.account))).toEqual([[MEMBER_OFF, false]])
  })
})

describe('admins that cannot be looked up', QUICK, () => {
  const exempt = [
    `${ADMIN_OFF} # travelling`, // 1: excuses someone (an admin, unknown to the gate)
    ID.memberOff, // 2: excuses someone
    `${ADMIN_UNKNOWN} until 2026-11-01`, // 3: expired
    ID.memberOn, // 4: not needed
    '557058:ghost' // 5: names nobody
  ].join('\n')

  const refused403: FaultRule = { endpoint: 'admins', times: Infinity, action: { status: 403, body: '' } }

  it('keeps the verdict on the member listing when the admin listing answers 403: every admin null, exemptions apply, the lines named', async () => {
    const g = await gather({ faults: [refused403] })
    const v = decide(g, exempt)
    expect(marks(v.exempted.map((e) => e.account))).toEqual([
      [ADMIN_OFF, null],
      [MEMBER_OFF, null]
    ])
    expect(marks(v.unknown)).toEqual([[ADMIN_UNKNOWN, null]])
    expect(v.nonCompliant).toEqual([])
    // Without the admin listing, nobody outside the member listing is known.
    expect(v.notAMember).toEqual([])
    expect(v.refusedExemptions).toEqual([])
    expect(v.adminCount).toBeNull()
    expect(v.adminUuids.size).toBe(0)
    expect(v.adminsLookedUp).toBe(true)
    expect(v.adminsUnknown).not.toBeNull()
    expect(v.adminsUnknown!.workspaces.map((w) => w.workspace)).toEqual(['acme'])
    const reason = v.adminsUnknown!.workspaces[0]!.reason
    expect(reason).toBeInstanceOf(BitbucketHttpError)
    expect(reason).toMatchObject({ status: 403 })
    expect(reason.message).toContain('admin listing of workspace "acme"')
    expect(lines(v.adminsUnknown!.lines)).toEqual([1, 2])
    expect(lines(v.unneededExemptions)).toEqual([4])
    expect(v.unmatchedExemptions.map((u) => u.exemption.line)).toEqual([5])
    // The member listing, and the refused admin listing's one request.
    expect(g.sent.admins).toBe(1)
    expect(v.workspaces[0]!.requests).toBe(2)
    expect(v.compliant).toBe(false)
  })

  it('lets the exemptions decide: compliant once the admin without a flag is exempt too', async () => {
    const v = decide(await gather({ faults: [refused403] }), `${ADMIN_OFF}\n${ID.memberOff}\n${ADMIN_UNKNOWN}`)
    expect(v.compliant).toBe(true)
    expect(lines(v.adminsUnknown!.lines)).toEqual([1, 2, 3])
  })

  it('warns with no lines when no exemption excuses anyone', async () => {
    const v = decide(await gather({ faults: [refused403] }), ID.memberOn)
    expect(v.adminsUnknown!.lines).toEqual([])
    expect(v.adminsUnknown!.workspaces).toHaveLength(1)
  })

  it('does the same on a 401', async () => {
    const v = decide(await gather({ faults: [{ endpoint: 'admins', times: Infinity, action: { status: 401, body: '' } }] }), exempt)
    expect(v.adminsUnknown!.workspaces[0]!.reason).toBeInstanceOf(BitbucketHttpError)
    expect(v.adminsUnknown!.workspaces[0]!.reason).toMatchObject({ status: 401 })
    expect(lines(v.adminsUnknown!.lines)).toEqual([1, 2])
    expect(v.refusedExemptions).toEqual([])
  })

  it('does the same when the admin listing names no owner', async () => {
    const v = decide(await gather({ workspaces: [acme({ owners: [] })] }), exempt)
    expect(v.adminsUnknown!.workspaces[0]!.reason.message).toContain('named no owner')
    expect(marks(v.exempted.map((e) => e.account))).toEqual([
      [ADMIN_OFF, null],
      [MEMBER_OFF, null]
    ])
    expect(v.refusedExemptions).toEqual([])
  })

  it('does the same for an access token, which sends no admin request', async () => {
    const g = await gather({ credentials: { kind: 'access-token', token: ACCESS_TOKEN } })
    const v = decide(g, exempt)
    expect(g.sent.admins).toBe(0)
    expect(v.adminsUnknown!.workspaces[0]!.reason.message).toContain('Access tokens cannot query workspace permissions')
    expect(lines(v.adminsUnknown!.lines)).toEqual([1, 2])
    expect(marks(v.unknown)).toEqual([[ADMIN_UNKNOWN, null]])
    expect(v.workspaces[0]!.requests).toBe(1)
  })

  it('judges every member in repository scope, since any may be an admin, their admin marks null', async () => {
    const g = await gather({ repositories: [APP], faults: [refused403] })
    const v = decide(g, exempt)
    expect(v.scope).toEqual({ kind: 'repository', repositories: [APP], widened: ['acme'] })
    expect(v.exempted.map((e) => [e.account.uuid, e.account.admin, e.account.grants])).toEqual([
      [ADMIN_OFF, null, []],
      [MEMBER_OFF, null, [{ repository: 'acme/app', permission: 'write' }]]
    ])
    expect(marks(v.unknown)).toEqual([[ADMIN_UNKNOWN, null]])
    expect(v.nonCompliant).toEqual([])
    expect([...v.enabled.keys()].sort()).toEqual([ADMIN_ON, MEMBER_ON])
    expect(v.outOfScopeCount).toBe(0)
    expect(v.inScopeCount).toBe(5)
    expect(v.outOfScopeExemptions).toEqual([])
    expect(lines(v.adminsUnknown!.lines)).toEqual([1, 2])
    // members, the refused admin listing, app
    expect(v.workspaces[0]).toMatchObject({ requests: 3, outOfScope: 0 })
    expect(v.compliant).toBe(false)
  })

  it('does not widen the scope when the admins are known', async () => {
    const v = decide(await gather({ repositories: [APP] }))
    expect(v.scope.widened).toEqual([])
  })

  it('marks a person null only where an unknown workspace could make them an admin', async () => {
    // acme's admins are known, beta's are not: the admin of acme stays an admin, the member of both is null.
    const g = await gather({ workspaces: [acme(), beta()], faults: [{ ...refused403, when: (r) => r.workspace === 'beta' }] })
    const v = decide(g, `${ADMIN_OFF}\n${ID.memberOff}`)
    expect(marks(v.nonCompliant)).toEqual([[ADMIN_OFF, true]])
    expect(marks(v.exempted.map((e) => e.account))).toEqual([[MEMBER_OFF, null]])
    expect(v.refusedExemptions.map((r) => [r.exemption.line, r.workspaces])).toEqual([[1, ['acme']]])
    expect(v.adminsUnknown!.workspaces.map((w) => w.workspace)).toEqual(['beta'])
    expect(lines(v.adminsUnknown!.lines)).toEqual([2])
    expect(v.adminCount).toBeNull()
    expect([...v.adminUuids].sort()).toEqual([ADMIN_ON, ADMIN_OFF, ADMIN_UNKNOWN, OUTSIDE_ADMIN])
  })
})

describe('an admin of another workspace than their own member listing', () => {
  // Found by the property test: X is a member of acme and owns beta without being in beta's member listing.
  const ada = member('enabled')
  const x = member('disabled', { displayName: 'X Owner' })
  const bea = member('enabled')
  const known = (workspace: string, owners: Member[]) => ({
    workspace,
    lookup: { known: true as const, admins: new Map(owners.map((o) => [o.uuid, o])) },
    requests: 1
  })
  const decide = (allowAdminExemptions: boolean) =>
    decideCompliance([listing('acme', [ada, x]), listing('beta', [bea])], {
      exemptions: parseExemptions(x.uuid),
      today: '2026-11-26',
      failOnUnknown: true,
      admins: [known('acme', [ada]), known('beta', [x])],
      allowAdminExemptions
    })

  it('is an admin, and their exemption is refused: never a green that hides an admin', () => {
    const verdict = decide(false)
    expect(verdict.compliant).toBe(false)
    expect(verdict.nonCompliant.map((a) => [a.uuid, a.admin])).toEqual([[x.uuid, true]])
    expect(verdict.refusedExemptions.map((r) => [r.exemption.line, r.workspaces])).toEqual([[1, ['beta']]])
    expect(verdict.adminCount).toBe(2)
  })

  it('passes by the exemption only when admin exemptions are allowed', () => {
    const verdict = decide(true)
    expect(verdict.compliant).toBe(true)
    expect(verdict.exempted.map((e) => [e.account.uuid, e.account.admin])).toEqual([[x.uuid, true]])
  })
})

describe('admins across workspaces whose listings disagree', () => {
  const known = (workspace: string, owners: Member[]) => ({
    workspace,
    lookup: { known: true as const, admins: new Map(owners.map((o) => [o.uuid, o])) },
    requests: 1
  })
  const refused = (workspace: string) => ({ workspace, lookup: { known: false as const, reason: new Error('403') }, requests: 1 })

  it('never calls a member "not an admin" while another workspace’s admins are unknown, and names the line that may excuse one', () => {
    const ada = member('enabled')
    const p = member('disabled', { displayName: 'P' })
    const bea = member('enabled')
    const verdict = decideCompliance([listing('acme', [ada, p]), listing('beta', [bea])], {
      exemptions: parseExemptions(p.uuid),
      today: '2026-11-26',
      failOnUnknown: true,
      admins: [known('acme', [ada]), refused('beta')]
    })
    // P may own beta: the exemption applies (admins are unknown), and the warning names its line.
    expect(verdict.exempted.map((e) => [e.account.uuid, e.account.admin])).toEqual([[p.uuid, null]])
    expect(verdict.adminsUnknown?.lines.map((e) => e.line)).toEqual([1])
  })

  it('judges as a person anyone a permission listing names as one, whatever the member listing says', () => {
    const ada = member('enabled')
    const q = member('unknown', { isAppUser: true, displayName: 'Q' })
    const asPerson = { ...q, isAppUser: false }
    const verdict = decideCompliance([listing('acme', [ada, q])], {
      exemptions: [],
      today: '2026-11-26',
      failOnUnknown: true,
      admins: [known('acme', [ada])],
      repositories: [
        {
          repository: { workspace: 'acme', slug: 'app', fullName: 'acme/app' },
          writers: new Map([[q.uuid, { member: asPerson, permission: 'write' as const }]]),
          requests: 1
        }
      ]
    })
    expect(verdict.appUsers).toEqual([])
    expect(verdict.unknown.map((a) => [a.uuid, a.isAppUser])).toEqual([[q.uuid, false]])
    expect(verdict.compliant).toBe(false)
    expect(
      unprovenAccountIds([listing('acme', [ada, q])], {
        admins: [known('acme', [ada])],
        repositories: [
          {
            repository: { workspace: 'acme', slug: 'app', fullName: 'acme/app' },
            writers: new Map([[q.uuid, { member: asPerson, permission: 'write' as const }]]),
            requests: 1
          }
        ]
      })
    ).toEqual([q.accountId])
  })
})

describe('the verdict’s bookkeeping in both scopes', () => {
  const known = (workspace: string, owners: Member[], requests = 1) => ({
    workspace,
    lookup: { known: true as const, admins: new Map(owners.map((o) => [o.uuid, o])) },
    requests
  })
  const refused = (workspace: string) => ({ workspace, lookup: { known: false as const, reason: new Error('403') }, requests: 1 })
  const repo = (workspace: string, slug: string, entries: [Member, 'write' | 'admin'][], requests = 1) => ({
    repository: { workspace, slug, fullName: `${workspace}/${slug}` },
    writers: new Map(entries.map(([m, permission]) => [m.uuid, { member: m, permission }])),
    requests
  })

  it('counts everyone judged, one of each kind, and sorts the people outside the member listing by name', () => {
    const on = member('enabled')
    const off = member('disabled')
    const unknown = member('unknown')
    const exempt = member('disabled')
    const viaOrg = member('disabled', { accountId: '557058:org' })
    const zed = member('unknown', { displayName: 'Zed Outside' })
    const amy = member('unknown', { displayName: 'Amy Outside' })
    const verdict = decideCompliance([listing('acme', [on, off, unknown, exempt, viaOrg])], {
      exemptions: parseExemptions(exempt.uuid),
      today: '2026-11-26',
      failOnUnknown: true,
      // Zed is met first, as a writer in the repository's listing; Amy after, as an admin.
      admins: [known('acme', [on, amy])],
      repositories: [
        repo('acme', 'app', [
          [off, 'write'],
          [unknown, 'write'],
          [exempt, 'write'],
          [viaOrg, 'write'],
          [zed, 'write']
        ])
      ],
      allowAdminExemptions: false,
      secondSource: { accepted: true, states: new Map([['557058:org', 'on']]), requests: 1, warning: null }
    })
    expect(verdict.inScopeCount).toBe(7)
    expect(verdict.notAMember.map((a) => a.displayName)).toEqual(['Amy Outside', 'Zed Outside'])
  })

  it('names in the warning only the lines that may excuse an unknown admin, not an allowed one for a known admin', () => {
    const ada = member('disabled')
    const bob = member('disabled')
    const bea = member('enabled')
    const verdict = decideCompliance([listing('acme', [ada, bob]), listing('beta', [bea])], {
      exemptions: parseExemptions(`${ada.uuid}\n${bob.uuid}`),
      today: '2026-11-26',
      failOnUnknown: true,
      admins: [known('acme', [ada]), refused('beta')],
      allowAdminExemptions: true
    })
    expect(verdict.exempted.map((e) => [e.account.uuid, e.account.admin])).toEqual(
      [
        [ada.uuid, true],
        [bob.uuid, null]
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0])))
    )
    expect(verdict.adminsUnknown?.lines.map((e) => e.line)).toEqual([2])
  })

  it('adds each workspace’s own admin and repository requests to its own count', () => {
    const [a, b] = [member('enabled'), member('enabled')]
    const verdict = decideCompliance([listing('acme', [a], 10), listing('beta', [b], 20)], {
      exemptions: [],
      today: '2026-11-26',
      failOnUnknown: true,
      admins: [known('acme', [a], 2), known('beta', [b], 3)],
      repositories: [repo('acme', 'app', [], 5), repo('beta', 'lib', [], 7)]
    })
    expect(verdict.workspaces.map((w) => [w.workspace, w.requests])).toEqual([
      ['acme', 17],
      ['beta', 30]
    ])
  })

  it('refuses an exemption by account id that an outsider and a member share (two people, one id)', () => {
    const a = member('enabled')
    const m = member('disabled', { accountId: '557058:shared' })
    const outsider = member('unknown', { accountId: '557058:shared' })
    expect(() =>
      decideCompliance([listing('acme', [a, m])], {
        exemptions: parseExemptions('557058:shared'),
        today: '2026-11-26',
        failOnUnknown: true,
        admins: [known('acme', [a, outsider])]
      })
    ).toThrow(/names account_id 557058:shared, which Bitbucket gives to more than one member/)
  })

  it('asks the organization about people only, never an app user or an account without an id', () => {
    const a = member('enabled')
    const bot = member('unknown', { isAppUser: true, accountId: '712020:bot' })
    const noId = member('disabled', { accountId: null })
    const off = member('disabled')
    expect(unprovenAccountIds([listing('acme', [a, bot, noId, off])], { admins: [known('acme', [a])], repositories: null })).toEqual([off.accountId])
  })
})

describe('scopeOf’s lists', () => {
  it('sorts a person’s repositories and an outsider’s workspaces, and calls unknown a workspace never looked up', async () => {
    const { scopeOf } = await import('../../src/gate/scope.js')
    const { AccountSet } = await import('../../src/gate/accounts.js')
    const p = member('disabled')
    const o = member('unknown')
    const merged = AccountSet.of([p])
    const writers = (workspace: string, slug: string, who: Member[]) => ({
      repository: { workspace, slug, fullName: `${workspace}/${slug}` },
      writers: new Map(who.map((m) => [m.uuid, { member: m, permission: 'write' as const }])),
      requests: 1
    })
    const known = (workspace: string) => ({ workspace, lookup: { known: true as const, admins: new Map<string, Member>() }, requests: 1 })
    const scope = scopeOf(
      [listing('acme', [p])],
      merged,
      [known('acme'), known('beta')],
      [writers('beta', 'web', [o]), writers('acme', 'lib', [p, o]), writers('acme', 'app', [p])]
    )
    expect(scope.grantsOf(p.uuid).map((g) => g.repository)).toEqual(['acme/app', 'acme/lib'])
    expect(scope.outsiderWorkspaces(o.uuid)).toEqual(['acme', 'beta'])
    const partly = scopeOf([listing('acme', [p])], merged, [known('acme')], null)
    expect(partly.adminOf(p.uuid, ['acme'])).toBe(false)
    expect(partly.adminOf(p.uuid, ['acme', 'gamma'])).toBeNull()
  })
})
