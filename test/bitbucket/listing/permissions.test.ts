import { describe, expect, it } from 'vitest'
import { listAdmins, listWriters } from '../../../src/bitbucket/listing/permissions.js'
import { BitbucketHttpError, GateError, ListingError } from '../../../src/errors.js'
import type { Credentials } from '../../../src/config/credentials.js'
import type { Repository, WorkspaceAdmins } from '../../../src/gate/types.js'
import {
  ACCESS_TOKEN,
  ADMIN_EMAIL,
  adminCredential,
  bot,
  CONSUMER_KEY,
  CONSUMER_SECRET,
  consumerCredential,
  person,
  REPO_ADMIN_TOKEN,
  REPO_CONSUMER_KEY,
  REPO_CONSUMER_SECRET,
  repoAdminCredential,
  repoConsumerCredential,
  uuidFor
} from '../../simulator/fixtures.js'
import type { BitbucketSimulator, FaultRule, PageBody, SimCredential, SimWorkspace } from '../../simulator/server.js'
import { clientContext } from '../../support/client.js'
import { QUICK } from '../../support/quick.js'
import { simulatorInMemory } from '../../support/simulator.js'

/**
 * The two permission listings the gate reads, against the simulator in memory: the workspace's admins
 * (only `owner` counts, and a listing that cannot be read for want of rights makes them unknown) and
 * a repository's writers (only `write` and `admin`, the higher level kept, a refusal is no verdict).
 */

const start = simulatorInMemory()

// person(n) has these uuids; written out so the expectations do not come from code.
const P1 = '{aaaaaaaa-0000-4000-8000-000000000001}'
const P2 = '{aaaaaaaa-0000-4000-8000-000000000002}'
const P3 = '{aaaaaaaa-0000-4000-8000-000000000003}'
const P4 = '{aaaaaaaa-0000-4000-8000-000000000004}'
const BOT5 = '{bbbbbbbb-0000-4000-8000-000000000005}'
const OUTSIDER = '{aaaaaaaa-0000-4000-8000-00000000005a}'

const NON_ADMIN_TOKEN = 'ATATT3xFfGF0-simulated-non-admin-token-6e1f'
const nonAdminCredential: SimCredential = {
  kind: 'api-token',
  email: 'member@example.com',
  token: NON_ADMIN_TOKEN,
  scopes: ['read:workspace:bitbucket', 'read:repository:bitbucket'],
  adminOf: []
}
const SIM_CREDENTIALS: SimCredential[] = [
  adminCredential,
  repoAdminCredential,
  consumerCredential,
  repoConsumerCredential,
  nonAdminCredential,
  { kind: 'access-token', token: ACCESS_TOKEN, workspace: 'acme', seesFlags: true }
]

const asRepoAdmin: Credentials = { kind: 'api-token', email: ADMIN_EMAIL, token: REPO_ADMIN_TOKEN }
const asNonAdmin: Credentials = { kind: 'api-token', email: 'member@example.com', token: NON_ADMIN_TOKEN }
const asAccessToken: Credentials = { kind: 'access-token', token: ACCESS_TOKEN }
const consumer = (key: string, secret: string, sim: BitbucketSimulator): Credentials => ({
  kind: 'oauth',
  clientId: key,
  clientSecret: secret,
  tokenUrl: new URL(sim.tokenUrl)
})

function simulator(workspace: SimWorkspace, extra: { faults?: FaultRule[]; ignoreQuery?: boolean; includeSize?: boolean } = {}) {
  return start({ workspaces: [workspace], credentials: SIM_CREDENTIALS, ...extra })
}

/** acme: four people and a bot; P1 and P2 own it, P3 is a collaborator. */
function acme(extra: Partial<SimWorkspace> = {}): SimWorkspace {
  return {
    slug: 'acme',
    uuid: '{acacacac-1111-4111-8111-111111111111}',
    members: [person(1, true), person(2, false), person(3, null), person(4, true), bot(5)],
    owners: [P1, P2],
    collaborators: [P3],
    ...extra
  }
}

/** `count` people with 2FA on, all of them owners. */
function ownedBy(count: number): SimWorkspace {
  const members = Array.from({ length: count }, (_, i) => person(i + 1, true))
  return { slug: 'acme', uuid: '{acacacac-1111-4111-8111-111111111111}', members, owners: members.map((m) => m.uuid) }
}

const knownAdmins = (result: WorkspaceAdmins): string[] => {
  if (!result.lookup.known) throw new Error(`admins unknown: ${result.lookup.reason.message}`)
  return [...result.lookup.admins.keys()].sort()
}
const reasonOf = (result: WorkspaceAdmins): Error => {
  if (result.lookup.known) throw new Error('admins known')
  return result.lookup.reason
}

/** A fault on every request to `endpoint` that records what the server served, and serves it unchanged. */
function spy(endpoint: 'admins' | 'repository', served: string[]): FaultRule {
  return {
    endpoint,
    times: Infinity,
    action: {
      rewrite: (body: PageBody) => {
        for (const value of body.values) served.push((value as { permission: string }).permission)
        return body
      }
    }
  }
}

const onPage = (endpoint: 'admins' | 'repository', page: number, times = 1): Pick<FaultRule, 'endpoint' | 'when' | 'times'> => ({
  endpoint,
  when: (r) => r.page === page,
  times
})

describe('listAdmins', QUICK, () => {
  it('asks for the owners with q=permission="owner" and lists only them, named, their 2FA flag not read', async () => {
    const s = await simulator(acme())
    const result = await listAdmins('acme', clientContext(s).context)
    expect(s.log.map((entry) => entry.path)).toEqual(['/2.0/workspaces/acme/permissions?pagelen=100&q=permission%3D%22owner%22'])
    expect(result.workspace).toBe('acme')
    expect(knownAdmins(result)).toEqual([P1, P2])
    expect(result.lookup.known && result.lookup.admins.get(P2)).toMatchObject({ uuid: P2, displayName: 'Person 2', nickname: 'person2', twoFactor: 'unknown' })
    expect(result.lookup.known && result.lookup.admins.get(P1)?.twoFactor).toBe('unknown')
    expect(result.requests).toBe(1)
    expect(s.adminRequests).toBe(1)
    expect(s.requests).toBe(0)
  })

  it('counts only owner entries when the server ignores q and returns members and collaborators too', async () => {
    const served: string[] = []
    const s = await simulator(acme(), { ignoreQuery: true, faults: [spy('admins', served)] })
    const result = await listAdmins('acme', clientContext(s).context)
    expect(served.sort()).toEqual(['collaborator', 'member', 'member', 'owner', 'owner'])
    expect(knownAdmins(result)).toEqual([P1, P2])
    expect(result.requests).toBe(1)
  })

  it('counts only owner entries when a page names members, collaborators and owners at once', async () => {
    const s = await simulator(acme(), {
      faults: [
        {
          endpoint: 'admins',
          action: {
            rewrite: (body) => ({
              ...body,
              size: 3,
              values: [
                { type: 'workspace_membership', permission: 'member', user: { type: 'user', uuid: P3, display_name: 'Person 3' } },
                { type: 'workspace_membership', permission: 'owner', user: { type: 'user', uuid: P4, display_name: 'Person 4' } },
                { type: 'workspace_membership', permission: 'collaborator', user: { type: 'user', uuid: P2, display_name: 'Person 2' } }
              ]
            })
          }
        }
      ]
    })
    expect(knownAdmins(await listAdmins('acme', clientContext(s).context))).toEqual([P4])
  })

  it('keys the admins by lower-cased uuid', async () => {
    const upper = person(1, true, { uuid: P1.toUpperCase() })
    const s = await simulator({ ...acme(), members: [upper, person(2, false)], owners: [upper.uuid] })
    expect(knownAdmins(await listAdmins('acme', clientContext(s).context))).toEqual([P1])
  })

  it('names an outsider who owns the workspace as an admin', async () => {
    const outsider = person(90, undefined, { display_name: 'Outside Owner' })
    const s = await simulator(acme({ outsiders: [outsider], owners: [P1, OUTSIDER] }))
    const result = await listAdmins('acme', clientContext(s).context)
    expect(knownAdmins(result)).toEqual([P1, OUTSIDER])
    expect(result.lookup.known && result.lookup.admins.get(OUTSIDER)).toMatchObject({ displayName: 'Outside Owner', twoFactor: 'unknown', isAppUser: false })
  })

  for (const [owners, requests] of [
    [100, 1],
    [101, 2],
    [250, 3],
    [801, 9]
  ] as const) {
    it(`reads ${owners} owners in exactly ${requests} requests`, async () => {
      const s = await simulator(ownedBy(owners))
      const { context, planned } = clientContext(s)
      const result = await listAdmins('acme', context)
      expect(knownAdmins(result)).toHaveLength(owners)
      expect(new Set(knownAdmins(result))).toEqual(new Set(Array.from({ length: owners }, (_, i) => uuidFor(i + 1))))
      expect(result.requests).toBe(requests)
      expect(s.adminRequests).toBe(requests)
      expect(planned).toEqual([requests - 1])
    })
  }

  it('pages over the whole unfiltered listing when the server ignores q: ceil(entries / 100) requests', async () => {
    const ws = ownedBy(250)
    const s = await simulator({ ...ws, owners: ws.members.slice(0, 120).map((m) => m.uuid) }, { ignoreQuery: true })
    const result = await listAdmins('acme', clientContext(s).context)
    expect(knownAdmins(result)).toHaveLength(120)
    expect(knownAdmins(result)).toContain(uuidFor(120))
    expect(knownAdmins(result)).not.toContain(uuidFor(121))
    expect(result.requests).toBe(3)
  })

  it('counts an owner listed on two pages once, and needs no second read', async () => {
    const s = await simulator(ownedBy(150))
    let firstPage: unknown[] = []
    s.faults.push(
      { ...onPage('admins', 1), action: { rewrite: (body) => ((firstPage = body.values), body) } },
      { ...onPage('admins', 2), action: { rewrite: (body) => ({ ...body, values: [...body.values, firstPage[0]] }) } }
    )
    const result = await listAdmins('acme', clientContext(s).context)
    expect(knownAdmins(result)).toHaveLength(150)
    expect(result.requests).toBe(2)
  })

  it('reads again when a page disagrees with size, and is still right', async () => {
    const s = await simulator(ownedBy(250), { faults: [{ ...onPage('admins', 2), action: { rewrite: (body) => ({ ...body, size: 251 }) } }] })
    const result = await listAdmins('acme', clientContext(s).context)
    expect(knownAdmins(result)).toHaveLength(250)
    // One parallel read of 3 pages, then one sequential read of 3.
    expect(result.requests).toBe(6)
    expect(s.adminRequests).toBe(6)
  })

  it('reads again when an owner leaves between pages, and lists who owns it now', async () => {
    const s = await simulator(ownedBy(250), {
      faults: [
        {
          ...onPage('admins', 2),
          action: {
            mutate: (sim) => {
              const ws = sim.workspaces[0]!
              ws.owners = ws.owners!.filter((uuid) => uuid !== uuidFor(7))
            }
          }
        }
      ]
    })
    const result = await listAdmins('acme', clientContext(s).context)
    expect(knownAdmins(result)).toHaveLength(249)
    expect(knownAdmins(result)).not.toContain(uuidFor(7))
  })

  it('throws when the listing keeps changing, naming the admin listing', async () => {
    const s = await simulator(ownedBy(150), { faults: [{ endpoint: 'admins', times: Infinity, action: { rewrite: (body) => ({ ...body, size: 155 }) } }] })
    const reason = 'Bitbucket reported 155 entries but listed 150 different ones'
    const error: unknown = await listAdmins('acme', clientContext(s).context).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ListingError)
    expect((error as Error).message).toBe(
      `The admin listing of workspace "acme" kept changing while it was read (${Array.from({ length: 5 }, () => reason).join('; ')}). ` +
        'The gate will not judge an incomplete listing: run the gate again once permission changes have settled.'
    )
  })

  it('throws on a next link that leaves the admin listing', async () => {
    const s = await simulator(ownedBy(150), {
      includeSize: false,
      faults: [{ ...onPage('admins', 1, Infinity), action: { rewrite: (body) => ({ ...body, next: body.next!.replace('/permissions', '/members') }) } }]
    })
    const error: unknown = await listAdmins('acme', clientContext(s).context).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ListingError)
    expect((error as Error).message).toContain('`next` link on page 1 of the admin listing of workspace "acme" is not the next page of this listing')
    expect(s.requests).toBe(0)
  })

  it('makes the admins unknown on a 401, counting the request and naming the admin listing', async () => {
    const s = await simulator(acme(), { faults: [{ endpoint: 'admins', times: Infinity, action: { status: 401, body: '' } }] })
    const result = await listAdmins('acme', clientContext(s).context)
    const reason = reasonOf(result)
    expect(reason).toBeInstanceOf(BitbucketHttpError)
    expect(reason).toMatchObject({ status: 401 })
    expect(reason.message).toContain('Bitbucket answered 401 Unauthorized for the admin listing of workspace "acme"')
    expect(result.workspace).toBe('acme')
    expect(result.requests).toBe(1)
    expect(s.adminRequests).toBe(1)
  })

  it('makes the admins unknown on a 403 for a caller who is not a workspace admin', async () => {
    const s = await simulator(acme())
    const result = await listAdmins('acme', clientContext(s, { credentials: asNonAdmin }).context)
    const reason = reasonOf(result)
    expect(reason).toBeInstanceOf(BitbucketHttpError)
    expect(reason).toMatchObject({ status: 403 })
    expect(reason.message).toContain('Bitbucket answered 403 Forbidden for the admin listing of workspace "acme"')
    expect(result.requests).toBe(1)
    expect(s.adminRequests).toBe(1)
  })

  it('makes the admins unknown for an access token without sending a request', async () => {
    const s = await simulator(acme())
    const result = await listAdmins('acme', clientContext(s, { credentials: asAccessToken }).context)
    const reason = reasonOf(result)
    expect(reason).toBeInstanceOf(GateError)
    expect(reason.message).toContain('Access tokens cannot query workspace permissions')
    expect(reason.message).toContain('workspace "acme"')
    expect(result.requests).toBe(0)
    expect(s.adminRequests).toBe(0)
    expect(s.log).toEqual([])
  })

  it('makes the admins unknown when the complete listing names no owner', async () => {
    const s = await simulator(acme({ owners: [] }))
    const result = await listAdmins('acme', clientContext(s).context)
    expect(reasonOf(result).message).toContain('admin listing of workspace "acme" named no owner')
    expect(result.requests).toBe(1)
  })

  it('makes the admins unknown when the server ignores q and lists members and collaborators but no owner', async () => {
    const served: string[] = []
    const s = await simulator(acme({ owners: [] }), { ignoreQuery: true, faults: [spy('admins', served)] })
    const result = await listAdmins('acme', clientContext(s).context)
    expect(served).toHaveLength(5)
    expect(reasonOf(result).message).toContain('named no owner')
  })

  it('throws a 503 that persists after its retries, counting every attempt', async () => {
    const s = await simulator(acme(), { faults: [{ endpoint: 'admins', times: Infinity, action: { status: 503, body: 'busy' } }] })
    const error: unknown = await listAdmins('acme', clientContext(s).context).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BitbucketHttpError)
    expect((error as BitbucketHttpError).status).toBe(503)
    expect((error as Error).message).toContain('Bitbucket answered 503 on page 1 of the admin listing of workspace "acme" after 6 attempts')
    expect(s.adminRequests).toBe(6)
  })

  it('recovers from a 503 that passes', async () => {
    const s = await simulator(acme(), { faults: [{ endpoint: 'admins', times: 2, action: { status: 503, body: 'busy' } }] })
    const result = await listAdmins('acme', clientContext(s).context)
    expect(knownAdmins(result)).toEqual([P1, P2])
    expect(result.requests).toBe(3)
  })

  it('throws on any other status, e.g. 404', async () => {
    const s = await simulator(acme())
    const error: unknown = await listAdmins('nowhere', clientContext(s).context).catch((e: unknown) => e)
    expect((error as BitbucketHttpError).status).toBe(404)
  })

  for (const [what, value, problem] of [
    ['an unknown permission', { permission: 'superadmin', user: { type: 'user', uuid: P1, display_name: 'x' } }, 'values[0].permission is not one of'],
    ['a permission in another case', { permission: 'Owner', user: { type: 'user', uuid: P1, display_name: 'x' } }, 'values[0].permission is not one of'],
    ['no permission', { user: { type: 'user', uuid: P1, display_name: 'x' } }, 'values[0].permission is not one of'],
    ['a user without uuid', { permission: 'owner', user: { type: 'user', display_name: 'no uuid' } }, 'values[0].user has no uuid'],
    ['no user', { permission: 'owner' }, 'values[0] has no `user` object']
  ] as const) {
    it(`throws on a page with ${what}, never skipping the entry`, async () => {
      const s = await simulator(acme(), {
        faults: [{ endpoint: 'admins', action: { rewrite: (body) => ({ ...body, values: [value, ...body.values.slice(1)] }) } }]
      })
      const error: unknown = await listAdmins('acme', clientContext(s).context).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ListingError)
      expect((error as Error).message).toContain(`Bitbucket answered 200 on page 1 of the admin listing of workspace "acme", but ${problem}`)
    })
  }

  it('throws on a truncated page', async () => {
    const s = await simulator(acme(), { faults: [{ endpoint: 'admins', action: { truncate: true } }] })
    await expect(listAdmins('acme', clientContext(s).context)).rejects.toThrow(ListingError)
  })
})

const APP: Repository = { workspace: 'acme', slug: 'app', fullName: 'acme/app' }

/** acme with repository app: P2 write, P3 read, P4 admin, the bot write, P1 none, and an outsider with write. */
function withApp(extra: Partial<SimWorkspace> = {}): SimWorkspace {
  return acme({
    outsiders: [person(90, undefined, { display_name: 'Outside Writer' })],
    repositories: [
      {
        slug: 'app',
        grants: [
          { uuid: P2, permission: 'write' },
          { uuid: P3, permission: 'read' },
          { uuid: P4, permission: 'admin' },
          { uuid: BOT5, permission: 'write' },
          { uuid: P1, permission: 'none' },
          { uuid: OUTSIDER, permission: 'write' }
        ]
      }
    ],
    ...extra
  })
}

/** `count` people with write on app. */
function writtenBy(count: number): SimWorkspace {
  const ws = ownedBy(count)
  return { ...ws, owners: [uuidFor(1)], repositories: [{ slug: 'app', grants: ws.members.map((m) => ({ uuid: m.uuid, permission: 'write' as const })) }] }
}

const levels = (writers: Awaited<ReturnType<typeof listWriters>>['writers']): [string, string][] =>
  [...writers].map(([uuid, w]): [string, string] => [uuid, w.permission]).sort((a, b) => (a[0] < b[0] ? -1 : 1))

describe('listWriters', QUICK, () => {
  it('asks with q=permission>"read" and lists write and admin, outsiders and app users included', async () => {
    const s = await simulator(withApp())
    const result = await listWriters(APP, clientContext(s, { credentials: asRepoAdmin }).context)
    expect(s.log.map((entry) => entry.path)).toEqual(['/2.0/workspaces/acme/permissions/repositories/app?pagelen=100&q=permission%3E%22read%22'])
    expect(result.repository).toBe(APP)
    expect(levels(result.writers)).toEqual([
      [P2, 'write'],
      [P4, 'admin'],
      [OUTSIDER, 'write'],
      [BOT5, 'write']
    ])
    expect(result.writers.get(OUTSIDER)?.member).toMatchObject({ displayName: 'Outside Writer', twoFactor: 'unknown', isAppUser: false })
    expect(result.writers.get(BOT5)?.member.isAppUser).toBe(true)
    expect(result.writers.get(P2)?.member.twoFactor).toBe('unknown')
    expect(result.requests).toBe(1)
    expect(s.repositoryRequests).toBe(1)
    expect(s.adminRequests).toBe(0)
  })

  it('ignores read and none entries when the server ignores q', async () => {
    const served: string[] = []
    const s = await simulator(withApp(), { ignoreQuery: true, faults: [spy('repository', served)] })
    const result = await listWriters(APP, clientContext(s, { credentials: asRepoAdmin }).context)
    expect(served).toEqual(['write', 'read', 'admin', 'write', 'none', 'write'])
    expect(levels(result.writers)).toEqual([
      [P2, 'write'],
      [P4, 'admin'],
      [OUTSIDER, 'write'],
      [BOT5, 'write']
    ])
  })

  for (const [first, second, kept] of [
    ['write', 'admin', 'admin'],
    ['admin', 'write', 'admin'],
    ['read', 'write', 'write'],
    ['write', 'read', 'write'],
    ['admin', 'none', 'admin']
  ] as const) {
    it(`keeps ${kept} for a uuid listed with ${first}, then ${second}`, async () => {
      const s = await simulator(
        withApp({
          repositories: [
            {
              slug: 'app',
              grants: [
                { uuid: P2, permission: first },
                { uuid: P3, permission: 'write' },
                { uuid: P2, permission: second }
              ]
            }
          ]
        }),
        {
          ignoreQuery: true,
          // Without size the listing is confirmed by two reads that agree, repeats included.
          includeSize: false
        }
      )
      const result = await listWriters(APP, clientContext(s, { credentials: asRepoAdmin }).context)
      expect(levels(result.writers)).toEqual([
        [P2, kept],
        [P3, 'write']
      ])
    })
  }

  it('refuses a listing that names a uuid twice while its size counts both lines: it does not add up', async () => {
    const s = await simulator(
      withApp({
        repositories: [
          {
            slug: 'app',
            grants: [
              { uuid: P2, permission: 'write' },
              { uuid: P2, permission: 'admin' }
            ]
          }
        ]
      })
    )
    await expect(listWriters(APP, clientContext(s, { credentials: asRepoAdmin }).context)).rejects.toThrow(
      'The permissions of repository acme/app kept changing while it was read (Bitbucket reported 2 entries but listed 1 different ones;'
    )
  })

  it('keeps the higher level for a uuid listed on two pages', async () => {
    const s = await simulator(writtenBy(150))
    let firstPage: { permission: string }[] = []
    s.faults.push(
      { ...onPage('repository', 1), action: { rewrite: (body) => ((firstPage = body.values as { permission: string }[]), body) } },
      { ...onPage('repository', 2), action: { rewrite: (body) => ({ ...body, values: [...body.values, { ...firstPage[4], permission: 'admin' }] }) } }
    )
    const result = await listWriters(APP, clientContext(s, { credentials: asRepoAdmin }).context)
    expect(result.writers.size).toBe(150)
    expect(result.writers.get(uuidFor(5))?.permission).toBe('admin')
    expect(result.writers.get(uuidFor(4))?.permission).toBe('write')
    expect(result.requests).toBe(2)
  })

  for (const [writers, requests] of [
    [100, 1],
    [101, 2],
    [250, 3]
  ] as const) {
    it(`reads ${writers} writers in exactly ${requests} requests`, async () => {
      const s = await simulator(writtenBy(writers))
      const result = await listWriters(APP, clientContext(s, { credentials: asRepoAdmin }).context)
      expect(result.writers.size).toBe(writers)
      expect(result.requests).toBe(requests)
      expect(s.repositoryRequests).toBe(requests)
    })
  }

  it('reads an empty listing in one request', async () => {
    const s = await simulator(withApp({ repositories: [{ slug: 'app', grants: [{ uuid: P3, permission: 'read' }] }] }))
    const result = await listWriters(APP, clientContext(s, { credentials: asRepoAdmin }).context)
    expect(result.writers.size).toBe(0)
    expect(result.requests).toBe(1)
  })

  it('reads again when a page disagrees with size', async () => {
    const s = await simulator(writtenBy(250), { faults: [{ ...onPage('repository', 3), action: { rewrite: (body) => ({ ...body, size: 300 }) } }] })
    const result = await listWriters(APP, clientContext(s, { credentials: asRepoAdmin }).context)
    expect(result.writers.size).toBe(250)
    expect(result.requests).toBe(6)
  })

  it('throws when the listing keeps changing, naming the repository', async () => {
    const s = await simulator(writtenBy(150), {
      faults: [{ endpoint: 'repository', times: Infinity, action: { rewrite: (body) => ({ ...body, size: 151 }) } }]
    })
    await expect(listWriters(APP, clientContext(s, { credentials: asRepoAdmin }).context)).rejects.toThrow(
      /^The permissions of repository acme\/app kept changing while it was read \(Bitbucket reported 151 entries but listed 150 different ones;/
    )
  })

  it('throws on an unknown permission', async () => {
    const s = await simulator(withApp(), {
      faults: [{ endpoint: 'repository', action: { rewrite: (body) => ({ ...body, values: [{ ...(body.values[0] as object), permission: 'maintain' }] }) } }]
    })
    await expect(listWriters(APP, clientContext(s, { credentials: asRepoAdmin }).context)).rejects.toThrow(
      'Bitbucket answered 200 on page 1 of the permissions of repository acme/app, but values[0].permission is not one of none, read, write, admin'
    )
  })

  it('answers a repository that does not exist with a 404 naming it and the repository input', async () => {
    const s = await simulator(withApp())
    const error: unknown = await listWriters(
      { workspace: 'acme', slug: 'nope', fullName: 'acme/nope' },
      clientContext(s, { credentials: asRepoAdmin }).context
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BitbucketHttpError)
    expect((error as BitbucketHttpError).status).toBe(404)
    expect((error as Error).message).toBe(
      'Bitbucket answered 404 for repository acme/nope: it does not exist or these credentials cannot see it. Check `repository` (workspace/repo_slug, as in bitbucket.org/acme/nope) and that the credentials belong to an admin of the repository.'
    )
  })

  it('says an API token without read:repository:bitbucket needs that scope, and that there is no verdict', async () => {
    const s = await simulator(withApp())
    const error: unknown = await listWriters(APP, clientContext(s).context).catch((e: unknown) => e)
    expect((error as BitbucketHttpError).status).toBe(403)
    expect((error as Error).message).toBe(
      'Bitbucket answered 403 Forbidden for the permissions of repository acme/app: only a repository admin may read them, with scope `read:repository:bitbucket`. ' +
        'Use an Atlassian API token (with `email`) of an admin of the repository, created with the scopes `read:repository:bitbucket` and `read:workspace:bitbucket`. ' +
        'The gate scoped to `repository` cannot judge who can push without that listing, so there is no verdict.'
    )
    expect(s.repositoryRequests).toBe(1)
  })

  it('says an OAuth consumer without the repository permission needs Repositories: Read', async () => {
    const s = await simulator(withApp())
    const error: unknown = await listWriters(APP, clientContext(s, { credentials: consumer(CONSUMER_KEY, CONSUMER_SECRET, s) }).context).catch(
      (e: unknown) => e
    )
    expect((error as BitbucketHttpError).status).toBe(403)
    const message = (error as Error).message
    expect(message).toContain(
      'Bitbucket answered 403 Forbidden for the permissions of repository acme/app: only a repository admin may read them, with the permission Repositories: Read.'
    )
    expect(message).toContain('give the consumer the permissions Repositories: Read and Account: Read; its owner must be an admin of the repository.')
    expect(message).toContain('so there is no verdict')
    expect(message).not.toContain('read:repository:bitbucket')
  })

  it('reads with an OAuth consumer that has the repository permission', async () => {
    const s = await simulator(withApp())
    const result = await listWriters(APP, clientContext(s, { credentials: consumer(REPO_CONSUMER_KEY, REPO_CONSUMER_SECRET, s) }).context)
    expect(levels(result.writers).map(([uuid]) => uuid)).toEqual([P2, P4, OUTSIDER, BOT5])
  })

  it('says a caller who is not an admin of the repository must be one', async () => {
    const s = await simulator(withApp())
    const error: unknown = await listWriters(APP, clientContext(s, { credentials: asNonAdmin }).context).catch((e: unknown) => e)
    expect((error as BitbucketHttpError).status).toBe(403)
    expect((error as Error).message).toContain('only a repository admin may read them')
    expect((error as Error).message).toContain('of an admin of the repository')
    expect(s.repositoryRequests).toBe(1)
  })

  it('refuses an access token with no verdict, advising an API token', async () => {
    const s = await simulator(withApp())
    const error: unknown = await listWriters(APP, clientContext(s, { credentials: asAccessToken }).context).catch((e: unknown) => e)
    expect((error as BitbucketHttpError).status).toBe(403)
    expect((error as Error).message).toContain('Use an Atlassian API token (with `email`) of an admin of the repository')
    expect((error as Error).message).toContain('so there is no verdict')
  })

  it('throws a 503 that persists after its retries, naming the repository', async () => {
    const s = await simulator(withApp(), { faults: [{ endpoint: 'repository', times: Infinity, action: { status: 503, body: '' } }] })
    const error: unknown = await listWriters(APP, clientContext(s, { credentials: asRepoAdmin }).context).catch((e: unknown) => e)
    expect((error as BitbucketHttpError).status).toBe(503)
    expect((error as Error).message).toContain('Bitbucket answered 503 on page 1 of repository acme/app after 6 attempts')
    expect(s.repositoryRequests).toBe(6)
  })

  it('reads two repositories at once, each with its own count', async () => {
    const ws = writtenBy(150)
    ws.repositories!.push({ slug: 'lib', grants: [{ uuid: P1, permission: 'admin' }] })
    const s = await simulator(ws)
    const { context } = clientContext(s, { credentials: asRepoAdmin })
    const [app, lib] = await Promise.all([listWriters(APP, context), listWriters({ workspace: 'acme', slug: 'lib', fullName: 'acme/lib' }, context)])
    expect([app.writers.size, lib.writers.size]).toEqual([150, 1])
    expect([app.requests, lib.requests]).toEqual([2, 1])
    expect(lib.writers.get(P1)?.permission).toBe('admin')
    expect(s.repositoryRequests).toBe(3)
  })
})

describe('listWriters, the rules the member listing has too', QUICK, () => {
  /** 150 writers on two pages, one of them replaced while page 2 of the first read is served. */
  function churning(includeSize: boolean) {
    const members = Array.from({ length: 151 }, (_, i) => person(i + 1, true))
    const workspace: SimWorkspace = {
      slug: 'acme',
      uuid: '{acacacac-1111-4111-8111-111111111111}',
      members,
      repositories: [{ slug: 'app', grants: members.slice(0, 150).map((m) => ({ uuid: m.uuid, permission: 'write' as const })) }]
    }
    const swap: FaultRule = {
      endpoint: 'repository',
      when: (request) => request.n === 2,
      action: {
        mutate: (sim) => {
          const grants = sim.workspaces[0]!.repositories![0]!.grants
          grants[0] = { uuid: members[150]!.uuid, permission: 'write' }
        }
      }
    }
    return simulator(workspace, { faults: [swap], includeSize })
  }

  it('without size, reads until two reads list the same people in the same order', async () => {
    const s = await churning(false)
    const result = await listWriters(APP, clientContext(s, { credentials: asRepoAdmin }).context)
    // Read 1 saw page 1 before the change and page 2 after; reads 2 and 3 agree: 6 requests, not 4.
    expect(result.requests).toBe(6)
    expect(result.writers.has(uuidFor(151))).toBe(true)
    expect(result.writers.has(uuidFor(1))).toBe(false)
  })

  it('says which repository answered 400, and what to check', async () => {
    const s = await simulator(withApp(), {
      faults: [{ endpoint: 'repository', action: { status: 400, body: '{"type":"error","error":{"message":"Invalid query"}}' } }]
    })
    const error: unknown = await listWriters(APP, clientContext(s, { credentials: asRepoAdmin }).context).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BitbucketHttpError)
    expect((error as Error).message).toMatch(/^Bitbucket answered 400 on page 1 of the permissions of repository acme\/app: it refused the request/)
  })

  it('merges two sightings of one uuid: a person in either is a person, whatever the order', async () => {
    for (const order of [
      ['app_user', 'user'],
      ['user', 'app_user']
    ] as const) {
      const s = await simulator(withApp(), {
        includeSize: false,
        faults: [
          {
            endpoint: 'repository',
            times: Infinity,
            action: {
              rewrite: (body) => {
                const entry = (type: string, permission: string) => ({
                  type: 'repository_permission',
                  permission,
                  user: { type, uuid: P2, display_name: 'Twice' }
                })
                return { ...body, values: [entry(order[0], 'write'), entry(order[1], 'admin')] }
              }
            }
          }
        ]
      })
      const result = await listWriters(APP, clientContext(s, { credentials: asRepoAdmin }).context)
      expect(result.writers.get(P2)).toMatchObject({ permission: 'admin', member: { isAppUser: false } })
    }
  })
})
