import { describe, expect, it } from 'vitest'
import { NetworkError, type HttpResponse } from '../../src/http/transport.js'
import {
  ACCESS_TOKEN,
  ADMIN_EMAIL,
  ADMIN_TOKEN,
  adminCredential,
  bot,
  CONSUMER_KEY,
  CONSUMER_SECRET,
  consumerCredential,
  MEMBER_TOKEN,
  person,
  REPO_ADMIN_TOKEN,
  REPO_CONSUMER_KEY,
  REPO_CONSUMER_SECRET,
  repoAdminCredential,
  repoConsumerCredential
} from './fixtures.js'
import { BitbucketSimulator, type FaultAction, type FaultRule, type SimCredential, type SimRequest, type SimWorkspace } from './server.js'

/**
 * The simulator's permission listings (../shared/bitbucket-api/REFERENCE.md, "Permissions"): the
 * workspace's roles and a repository's effective permissions, paged, filtered by BBQL `permission`,
 * refused to access tokens, missing scopes and non-admins, and faulted per endpoint. Plain GETs through
 * the in-memory transport.
 */

// person(n) and bot(n) have these uuids; written out so the expectations do not come from code.
const OWNER = '{aaaaaaaa-0000-4000-8000-000000000001}'
const NO_2FA = '{aaaaaaaa-0000-4000-8000-000000000002}'
const UNKNOWN_2FA = '{aaaaaaaa-0000-4000-8000-000000000003}'
const BOT = '{bbbbbbbb-0000-4000-8000-000000000004}'
const COLLABORATOR = '{aaaaaaaa-0000-4000-8000-000000000005}'
const OUTSIDER = '{aaaaaaaa-0000-4000-8000-00000000005a}'
const OUTSIDE_OWNER = '{aaaaaaaa-0000-4000-8000-00000000005b}'
const APP_UUID = '{85d08b4e-0000-4000-8000-0000000000a1}'
const WORKSPACE_UUID = '{acacacac-1111-4111-8111-111111111111}'

/** A fresh workspace: five members (the first the default owner), two outsiders, three repositories. */
function acme(extra: Partial<SimWorkspace> = {}): SimWorkspace {
  return {
    slug: 'acme',
    uuid: WORKSPACE_UUID,
    // A member without 2FA comes first: the default owner is the first person with 2FA on.
    members: [person(2, false), person(1, true), person(3, null), bot(4), person(5, true)],
    collaborators: [COLLABORATOR],
    outsiders: [person(90, undefined, { display_name: 'Outside Writer' }), person(91, true, { display_name: 'Outside Owner' })],
    repositories: [
      {
        slug: 'app',
        uuid: APP_UUID,
        grants: [
          { uuid: NO_2FA, permission: 'write' },
          { uuid: OUTSIDER, permission: 'write' },
          { uuid: UNKNOWN_2FA, permission: 'read' },
          { uuid: COLLABORATOR, permission: 'admin' },
          { uuid: BOT, permission: 'none' }
        ]
      },
      { slug: 'lib', listsOwners: true, grants: [{ uuid: NO_2FA, permission: 'admin' }] },
      { slug: 'docs', listsOwners: true, grants: [{ uuid: OWNER, permission: 'read' }] }
    ],
    ...extra
  }
}

const NON_ADMIN_EMAIL = 'member@example.com'
const WORKSPACE_ONLY_TOKEN = 'ATATT3xFfGF0-simulated-workspace-only-token-3d1'
const REPOSITORY_ONLY_TOKEN = 'ATATT3xFfGF0-simulated-repository-only-token-8a2'
const OUTSIDE_TOKEN = 'ATATT3xFfGF0-simulated-outside-token-44c'
const credentials: SimCredential[] = [
  adminCredential,
  repoAdminCredential,
  consumerCredential,
  repoConsumerCredential,
  { kind: 'access-token', token: ACCESS_TOKEN, workspace: 'acme', seesFlags: true },
  { kind: 'api-token', email: NON_ADMIN_EMAIL, token: MEMBER_TOKEN, scopes: ['read:workspace:bitbucket', 'read:repository:bitbucket'], adminOf: [] },
  { kind: 'api-token', email: NON_ADMIN_EMAIL, token: WORKSPACE_ONLY_TOKEN, scopes: ['read:workspace:bitbucket'] },
  { kind: 'api-token', email: NON_ADMIN_EMAIL, token: REPOSITORY_ONLY_TOKEN, scopes: ['read:repository:bitbucket'] },
  { kind: 'api-token', email: NON_ADMIN_EMAIL, token: OUTSIDE_TOKEN, scopes: ['read:workspace:bitbucket', 'read:repository:bitbucket'], memberOf: [] }
]

function simulator(options: { workspace?: SimWorkspace; faults?: FaultRule[]; ignoreQuery?: boolean; rateLimit?: number } = {}): BitbucketSimulator {
  return new BitbucketSimulator({ workspaces: [options.workspace ?? acme()], credentials, ...options })
}

const basic = (email: string, token: string): string => `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}`
const REPO_ADMIN = basic(ADMIN_EMAIL, REPO_ADMIN_TOKEN)
const q = (query: string): string => `q=${encodeURIComponent(query)}`

/** GET `path` (under /2.0, or an absolute URL such as a `next`), as the repository admin unless told. */
function get(sim: BitbucketSimulator, path: string, authorization = REPO_ADMIN): Promise<HttpResponse> {
  const url = new URL(path.startsWith('http') ? path : `${sim.apiUrl}${path}`)
  return sim.transport()({ method: 'GET', url, headers: { Authorization: authorization, Accept: 'application/json' } })
}

interface Item {
  type: string
  permission?: string
  user: Record<string, unknown> & { uuid: string }
  [key: string]: unknown
}
interface Page {
  pagelen: number
  values: Item[]
  size?: number
  page?: number
  next?: string
}

async function page(sim: BitbucketSimulator, path: string, authorization = REPO_ADMIN): Promise<Page> {
  const response = await get(sim, path, authorization)
  expect(response.status, response.body).toBe(200)
  return JSON.parse(response.body) as Page
}

/** Each item as `uuid permission`. */
const lines = (body: Page): string[] => body.values.map((item) => `${item.user.uuid} ${item.permission ?? '-'}`)

async function error(sim: BitbucketSimulator, path: string, authorization = REPO_ADMIN): Promise<{ status: number; body: unknown }> {
  const response = await get(sim, path, authorization)
  return { status: response.status, body: JSON.parse(response.body) as unknown }
}

/** An access token for an OAuth consumer, bought at the simulator's token endpoint. */
async function oauth(sim: BitbucketSimulator, key: string, secret: string): Promise<string> {
  const response = await sim.transport()({
    method: 'POST',
    url: new URL(sim.tokenUrl),
    headers: { Authorization: basic(key, secret) },
    body: { contentType: 'application/x-www-form-urlencoded', text: 'grant_type=client_credentials' }
  })
  return `Bearer ${(JSON.parse(response.body) as { access_token: string }).access_token}`
}

const WORKSPACE_PERMISSIONS = '/workspaces/acme/permissions'
const APP = '/workspaces/acme/permissions/repositories/app'

describe('GET /2.0/workspaces/{ws}/permissions', () => {
  it('lists every member with their role, the first person with 2FA on as the owner by default', async () => {
    const body = await page(simulator(), `${WORKSPACE_PERMISSIONS}?pagelen=100`)
    expect(lines(body)).toEqual([`${NO_2FA} member`, `${OWNER} owner`, `${UNKNOWN_2FA} member`, `${BOT} member`, `${COLLABORATOR} collaborator`])
    expect(body).toMatchObject({ pagelen: 100, size: 5, page: 1 })
    expect(body.next).toBeUndefined()
    expect(body.values[1]).toEqual({
      type: 'workspace_membership',
      permission: 'owner',
      user: {
        type: 'user',
        uuid: OWNER,
        display_name: 'Person 1',
        account_id: '557058:00000001-0000-0000-0000-000000000000',
        nickname: 'person1',
        links: {
          self: { href: 'http://bitbucket.test/2.0/users/%7Baaaaaaaa-0000-4000-8000-000000000001%7D' },
          avatar: { href: 'https://avatar.example/a.png' }
        }
      },
      workspace: { type: 'workspace', uuid: WORKSPACE_UUID, slug: 'acme', name: 'acme' },
      links: { self: { href: 'http://bitbucket.test/2.0/workspaces/acme/members/%7Baaaaaaaa-0000-4000-8000-000000000001%7D' } }
    })
    expect(body.values[3]?.user).toMatchObject({ type: 'app_user', kind: 'integration' })
  })

  it('has no owner by default when no person has 2FA on', async () => {
    const workspace = acme({ members: [person(2, false), bot(4)] })
    expect(lines(await page(simulator({ workspace }), WORKSPACE_PERMISSIONS))).toEqual([`${NO_2FA} member`, `${BOT} member`])
  })

  it('lists explicit owners, members first and then outsiders who own the workspace; never other outsiders', async () => {
    const workspace = acme({ owners: [OUTSIDE_OWNER, NO_2FA, COLLABORATOR] })
    expect(lines(await page(simulator({ workspace }), WORKSPACE_PERMISSIONS))).toEqual([
      `${NO_2FA} owner`,
      `${OWNER} member`,
      `${UNKNOWN_2FA} member`,
      `${BOT} member`,
      `${COLLABORATOR} owner`,
      `${OUTSIDE_OWNER} owner`
    ])
  })

  it('filters by permission: ="owner", !="member", <"owner", with or without spaces', async () => {
    const sim = simulator()
    expect(lines(await page(sim, `${WORKSPACE_PERMISSIONS}?${q('permission="owner"')}`))).toEqual([`${OWNER} owner`])
    expect(lines(await page(sim, `${WORKSPACE_PERMISSIONS}?${q('permission != "member"')}`))).toEqual([`${OWNER} owner`, `${COLLABORATOR} collaborator`])
    const below = await page(sim, `${WORKSPACE_PERMISSIONS}?${q('permission<"owner"')}&pagelen=2`)
    expect(lines(below)).toEqual([`${NO_2FA} member`, `${UNKNOWN_2FA} member`])
    expect(below.size).toBe(4)
    expect(below.next).toBe('http://bitbucket.test/2.0/workspaces/acme/permissions?q=permission%3C%22owner%22&pagelen=2&page=2')
    expect(lines(await page(sim, below.next!))).toEqual([`${BOT} member`, `${COLLABORATOR} collaborator`])
  })

  it('with ignoreQuery lists everyone whatever `q` says', async () => {
    const sim = simulator({ ignoreQuery: true })
    const body = await page(sim, `${WORKSPACE_PERMISSIONS}?${q('permission="owner"')}`)
    expect(body.values).toHaveLength(5)
    expect(body.size).toBe(5)
    sim.ignoreQuery = false
    expect((await page(sim, `${WORKSPACE_PERMISSIONS}?${q('permission="owner"')}`)).size).toBe(1)
  })
})

describe('GET /2.0/workspaces/{ws}/permissions/repositories/{repo_slug}', () => {
  it('lists one effective permission per grant, in grant order, outsiders included', async () => {
    const body = await page(simulator(), APP)
    expect(lines(body)).toEqual([`${NO_2FA} write`, `${OUTSIDER} write`, `${UNKNOWN_2FA} read`, `${COLLABORATOR} admin`, `${BOT} none`])
    expect(body.values[1]).toEqual({
      type: 'repository_permission',
      permission: 'write',
      user: {
        type: 'user',
        uuid: OUTSIDER,
        display_name: 'Outside Writer',
        account_id: '557058:0000005a-0000-0000-0000-000000000000',
        nickname: 'person90',
        links: {
          self: { href: 'http://bitbucket.test/2.0/users/%7Baaaaaaaa-0000-4000-8000-00000000005a%7D' },
          avatar: { href: 'https://avatar.example/a.png' }
        }
      },
      repository: { type: 'repository', name: 'app', full_name: 'acme/app', uuid: APP_UUID },
      links: {
        self: { href: 'http://bitbucket.test/2.0/repositories/acme/app/permissions-config/users/%7Baaaaaaaa-0000-4000-8000-00000000005a%7D' }
      }
    })
  })

  it('answers for the workspace named by its uuid, and gives a repository without one a stable braced uuid', async () => {
    const sim = simulator()
    const byUuid = await page(sim, `/workspaces/${encodeURIComponent(WORKSPACE_UUID)}/permissions/repositories/app`)
    expect(byUuid.values[0]?.repository).toEqual({ type: 'repository', name: 'app', full_name: 'acme/app', uuid: APP_UUID })
    const lib = (await page(sim, '/workspaces/acme/permissions/repositories/lib')).values[0]?.repository as { uuid: string }
    expect(lib.uuid).toMatch(/^\{[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}\}$/)
    expect((await page(sim, '/workspaces/acme/permissions/repositories/lib')).values[0]?.repository).toEqual(
      (await page(sim, '/workspaces/acme/permissions/repositories/lib')).values[0]?.repository
    )
  })

  it('names the owners as admin only when listsOwners is set, and never twice', async () => {
    const sim = simulator()
    expect(lines(await page(sim, '/workspaces/acme/permissions/repositories/lib'))).toEqual([`${NO_2FA} admin`, `${OWNER} admin`])
    expect(lines(await page(sim, '/workspaces/acme/permissions/repositories/docs'))).toEqual([`${OWNER} read`])
    // app does not set listsOwners: the owner holds no grant there and is not listed.
    expect(lines(await page(sim, APP))).not.toContain(`${OWNER} admin`)
  })

  it('filters by permission: >"read" is write and admin only, >= and <= too', async () => {
    const sim = simulator()
    expect(lines(await page(sim, `${APP}?${q('permission>"read"')}`))).toEqual([`${NO_2FA} write`, `${OUTSIDER} write`, `${COLLABORATOR} admin`])
    expect(lines(await page(sim, `${APP}?${q('permission >= "admin"')}`))).toEqual([`${COLLABORATOR} admin`])
    expect(lines(await page(sim, `${APP}?${q('permission<="read"')}`))).toEqual([`${UNKNOWN_2FA} read`, `${BOT} none`])
    expect(lines(await page(sim, `${APP}?${q('permission="none"')}`))).toEqual([`${BOT} none`])
  })

  it('with ignoreQuery lists every grant whatever `q` says', async () => {
    const body = await page(simulator({ ignoreQuery: true }), `${APP}?${q('permission>"read"')}`)
    expect(lines(body)).toEqual([`${NO_2FA} write`, `${OUTSIDER} write`, `${UNKNOWN_2FA} read`, `${COLLABORATOR} admin`, `${BOT} none`])
    expect(body.size).toBe(5)
  })

  it('pages with pagelen 2: size, page and next, the filter kept in next and size counted after it', async () => {
    const sim = simulator()
    const first = await page(sim, `${APP}?pagelen=2`)
    expect(first).toMatchObject({
      pagelen: 2,
      size: 5,
      page: 1,
      next: 'http://bitbucket.test/2.0/workspaces/acme/permissions/repositories/app?pagelen=2&page=2'
    })
    expect(lines(first)).toEqual([`${NO_2FA} write`, `${OUTSIDER} write`])
    const second = await page(sim, first.next!)
    expect(lines(second)).toEqual([`${UNKNOWN_2FA} read`, `${COLLABORATOR} admin`])
    const third = await page(sim, second.next!)
    expect(lines(third)).toEqual([`${BOT} none`])
    expect(third).toMatchObject({ size: 5, page: 3 })
    expect(third.next).toBeUndefined()

    const filtered = await page(sim, `${APP}?${q('permission>"read"')}&pagelen=2`)
    expect(filtered.size).toBe(3)
    expect(filtered.next).toBe('http://bitbucket.test/2.0/workspaces/acme/permissions/repositories/app?q=permission%3E%22read%22&pagelen=2&page=2')
    const rest = await page(sim, filtered.next!)
    expect(lines(rest)).toEqual([`${COLLABORATOR} admin`])
    expect(rest.next).toBeUndefined()
  })

  it('refuses a pagelen over 100 as the member listing does', async () => {
    expect(await error(simulator(), `${APP}?pagelen=101`)).toEqual({ status: 400, body: { type: 'error', error: { message: 'Invalid pagelen' } } })
  })
})

describe('the people the listings show', () => {
  it('lists outsiders on repositories (and owning ones on /permissions), never on /members', async () => {
    const sim = simulator({ workspace: acme({ owners: [OWNER, OUTSIDE_OWNER] }) })
    const members = await page(sim, '/workspaces/acme/members?pagelen=100')
    expect(members.values.map((m) => m.user.uuid)).toEqual([NO_2FA, OWNER, UNKNOWN_2FA, BOT, COLLABORATOR])
    expect(members.size).toBe(5)
    expect(lines(await page(sim, `${WORKSPACE_PERMISSIONS}?${q('permission="owner"')}`))).toEqual([`${OWNER} owner`, `${OUTSIDE_OWNER} owner`])
    expect(lines(await page(sim, APP))).toContain(`${OUTSIDER} write`)
  })

  it('never sends has_2fa_enabled in the permission listings, even when asked for', async () => {
    const sim = simulator({ workspace: acme({ repositories: [{ slug: 'app', listsOwners: true, grants: [{ uuid: NO_2FA, permission: 'write' }] }] }) })
    const asked = 'fields=%2Bvalues.user.has_2fa_enabled'
    const members = await page(sim, `/workspaces/acme/members?${asked}`)
    expect(members.values.map((m) => m.user.has_2fa_enabled)).toEqual([false, true, null, undefined, true])
    for (const path of [`${WORKSPACE_PERMISSIONS}?${asked}`, `${APP}?${asked}`, `${APP}?fields=values.user.has_2fa_enabled,values.user.uuid`]) {
      const body = await page(sim, path)
      expect(body.values.length).toBeGreaterThan(0)
      for (const item of body.values) expect(item.user).not.toHaveProperty('has_2fa_enabled')
    }
  })

  it('applies fields as the member listing does', async () => {
    const body = await page(simulator(), `${APP}?pagelen=1&fields=-values.links,-values.user.links,-values.repository`)
    expect(body.values).toEqual([
      {
        type: 'repository_permission',
        permission: 'write',
        user: { type: 'user', uuid: NO_2FA, display_name: 'Person 2', account_id: '557058:00000002-0000-0000-0000-000000000000', nickname: 'person2' }
      }
    ])
    expect(body.next).toBe(
      'http://bitbucket.test/2.0/workspaces/acme/permissions/repositories/app?pagelen=1&fields=-values.links,-values.user.links,-values.repository&page=2'
    )
  })
})

describe('who may read the permission listings', () => {
  const scopeError = (required: string[], granted: string[]) => ({
    status: 403,
    body: { type: 'error', error: { message: 'Your credentials lack one or more required privilege scopes.', detail: { required, granted } } }
  })

  it('refuses access tokens on both endpoints', async () => {
    const sim = simulator()
    const refusal = { status: 403, body: { type: 'error', error: { message: "You can't use an access token to query permissions." } } }
    expect(await error(sim, WORKSPACE_PERMISSIONS, `Bearer ${ACCESS_TOKEN}`)).toEqual(refusal)
    expect(await error(sim, APP, `Bearer ${ACCESS_TOKEN}`)).toEqual(refusal)
    expect((await get(sim, '/workspaces/acme/members', `Bearer ${ACCESS_TOKEN}`)).status).toBe(200)
  })

  it('asks an API token for read:workspace:bitbucket on /permissions and read:repository:bitbucket on a repository', async () => {
    const sim = simulator()
    expect(await error(sim, WORKSPACE_PERMISSIONS, basic(NON_ADMIN_EMAIL, REPOSITORY_ONLY_TOKEN))).toEqual(
      scopeError(['read:workspace:bitbucket'], ['read:repository:bitbucket'])
    )
    expect(await error(sim, APP, basic(NON_ADMIN_EMAIL, WORKSPACE_ONLY_TOKEN))).toEqual(scopeError(['read:repository:bitbucket'], ['read:workspace:bitbucket']))
    // The plain admin fixture keeps reading /permissions; a repository needs repoAdminCredential.
    const admin = basic(ADMIN_EMAIL, ADMIN_TOKEN)
    expect((await get(sim, WORKSPACE_PERMISSIONS, admin)).status).toBe(200)
    expect(await error(sim, APP, admin)).toEqual(scopeError(['read:repository:bitbucket'], ['read:workspace:bitbucket']))
  })

  it('asks an OAuth consumer for repository on a repository, and account on /permissions', async () => {
    const sim = simulator()
    const plain = await oauth(sim, CONSUMER_KEY, CONSUMER_SECRET)
    expect((await get(sim, WORKSPACE_PERMISSIONS, plain)).status).toBe(200)
    expect(await error(sim, APP, plain)).toEqual(scopeError(['repository'], ['account']))
    const withRepository = await oauth(sim, REPO_CONSUMER_KEY, REPO_CONSUMER_SECRET)
    expect(lines(await page(sim, `${APP}?${q('permission="admin"')}`, withRepository))).toEqual([`${COLLABORATOR} admin`])
    expect(lines(await page(sim, `${WORKSPACE_PERMISSIONS}?${q('permission="owner"')}`, withRepository))).toEqual([`${OWNER} owner`])
  })

  it('refuses a caller who is not an admin of the workspace', async () => {
    const sim = simulator()
    const member = basic(NON_ADMIN_EMAIL, MEMBER_TOKEN)
    expect(await error(sim, WORKSPACE_PERMISSIONS, member)).toEqual({
      status: 403,
      body: { type: 'error', error: { message: 'You must be an administrator of this workspace to view its permissions.' } }
    })
    expect(await error(sim, APP, member)).toEqual({
      status: 403,
      body: { type: 'error', error: { message: 'You do not have admin access to this repository.' } }
    })
    expect((await get(sim, '/workspaces/acme/members', member)).status).toBe(200)
  })

  it('answers 404 for an unknown repository, and for any repository of a workspace the caller cannot see', async () => {
    const sim = simulator()
    expect(await error(sim, '/workspaces/acme/permissions/repositories/nope')).toEqual({
      status: 404,
      body: { type: 'error', error: { message: 'Repository acme/nope not found' } }
    })
    expect(await error(sim, APP, basic(NON_ADMIN_EMAIL, OUTSIDE_TOKEN))).toEqual({
      status: 404,
      body: { type: 'error', error: { message: 'Repository acme/app not found' } }
    })
    expect(await error(sim, '/workspaces/initech/permissions/repositories/app')).toEqual({
      status: 404,
      body: { type: 'error', error: { message: 'Repository initech/app not found' } }
    })
    expect(await error(sim, '/workspaces/initech/permissions')).toEqual({
      status: 404,
      body: { type: 'error', error: { message: "No workspace with identifier 'initech'." } }
    })
  })

  it('refuses a token in the query string and a bad credential as the member listing does', async () => {
    const sim = simulator()
    expect((await error(sim, `${APP}?access_token=x`)).status).toBe(401)
    expect((await error(sim, WORKSPACE_PERMISSIONS, basic(ADMIN_EMAIL, 'wrong'))).status).toBe(401)
  })

  it('counts the permission listings against the same rate limit', async () => {
    const sim = simulator({ rateLimit: 2 })
    expect((await get(sim, WORKSPACE_PERMISSIONS)).status).toBe(200)
    expect((await get(sim, APP)).status).toBe(200)
    const limited = await get(sim, '/workspaces/acme/members')
    expect(limited.status).toBe(429)
    expect(limited.body).toBe('Rate limit for this resource has been exceeded')
  })
})

describe('BBQL the simulator does not understand', () => {
  it.each([
    'user.uuid="{aaaaaaaa-0000-4000-8000-000000000001}"',
    'permission=owner',
    'permission="owner" AND permission="member"',
    'permission ~ "own"',
    'permission="superuser"',
    ''
  ])('answers 400 Invalid query to q=%s', async (query) => {
    const sim = simulator()
    const invalid = { status: 400, body: { type: 'error', error: { message: 'Invalid query' } } }
    expect(await error(sim, `${WORKSPACE_PERMISSIONS}?${q(query)}`)).toEqual(invalid)
    expect(await error(sim, `${APP}?${q(query)}`)).toEqual(invalid)
  })

  it('compares workspace values on the workspace listing only: "write" is not a role', async () => {
    const sim = simulator()
    expect((await error(sim, `${WORKSPACE_PERMISSIONS}?${q('permission="write"')}`)).status).toBe(400)
    expect((await error(sim, `${APP}?${q('permission="owner"')}`)).status).toBe(400)
  })
})

describe('faults, counters and the log on the permission listings', () => {
  const busy: FaultAction = { status: 503, contentType: 'text/plain', body: 'busy' }

  it("answers a fault for 'admins' on /permissions only", async () => {
    const sim = simulator({ faults: [{ endpoint: 'admins', action: busy }] })
    expect((await get(sim, APP)).status).toBe(200)
    expect((await get(sim, '/workspaces/acme/members')).status).toBe(200)
    const faulted = await get(sim, WORKSPACE_PERMISSIONS)
    expect([faulted.status, faulted.body]).toEqual([503, 'busy'])
    expect((await get(sim, WORKSPACE_PERMISSIONS)).status).toBe(200)
  })

  it("answers a fault for 'repository' on a repository's permissions only, with the slug in the request", async () => {
    const seen: SimRequest[] = []
    const sim = simulator({
      faults: [
        {
          endpoint: 'repository',
          when: (r) => {
            seen.push(r)
            return r.repository === 'app'
          },
          action: busy
        }
      ]
    })
    expect((await get(sim, WORKSPACE_PERMISSIONS)).status).toBe(200)
    expect((await get(sim, '/workspaces/acme/permissions/repositories/lib')).status).toBe(200)
    expect((await get(sim, `${APP}?pagelen=2&page=2`)).status).toBe(503)
    expect((await get(sim, APP)).status).toBe(200)
    expect(seen.map((r) => [r.endpoint, r.workspace, r.repository, r.page, r.n])).toEqual([
      ['repository', 'acme', 'lib', 1, 1],
      ['repository', 'acme', 'app', 2, 2]
    ])
  })

  it('keeps a fault without an endpoint for the member listing', async () => {
    const sim = simulator({ faults: [{ action: busy }] })
    expect((await get(sim, WORKSPACE_PERMISSIONS)).status).toBe(200)
    expect((await get(sim, APP)).status).toBe(200)
    expect((await get(sim, '/workspaces/acme/members')).status).toBe(503)
  })

  it.each<[string, FaultAction, string]>([
    ['reset', { reset: true }, 'ECONNRESET'],
    ['cut', { cut: true }, 'ECONNRESET'],
    ['hang', { hang: true }, 'ETIMEDOUT']
  ])('fails a %s on both listings as a network error', async (_, action, code) => {
    const sim = simulator({
      faults: [
        { endpoint: 'admins', action },
        { endpoint: 'repository', action }
      ]
    })
    for (const path of [WORKSPACE_PERMISSIONS, APP]) {
      const failed: unknown = await get(sim, path).catch((e: unknown) => e)
      expect(failed).toBeInstanceOf(NetworkError)
      expect((failed as NetworkError).code).toBe(code)
    }
  })

  it('truncates, rewrites, delays and mutates on the permission listings', async () => {
    const sim = simulator({
      faults: [
        { endpoint: 'repository', action: { truncate: true } },
        { endpoint: 'repository', action: { rewrite: (body, request) => ({ ...body, values: [], seen: request.repository }) } },
        { endpoint: 'admins', action: { delayMs: 5 } },
        {
          endpoint: 'admins',
          action: {
            mutate: (s) => {
              s.workspaces[0]!.members.pop()
            }
          }
        }
      ]
    })
    const truncated = await get(sim, APP)
    expect(truncated.status).toBe(200)
    expect(() => JSON.parse(truncated.body) as unknown).toThrow()
    expect(await page(sim, APP)).toMatchObject({ values: [], seen: 'app', size: 5 })
    expect((await page(sim, WORKSPACE_PERMISSIONS)).size).toBe(5)
    expect((await page(sim, WORKSPACE_PERMISSIONS)).size).toBe(4)
    // The grant of the member who left is gone from the repository too.
    expect(lines(await page(sim, APP))).not.toContain(`${COLLABORATOR} admin`)
  })

  it('counts each endpoint apart, logs them all, includes them in the in-flight peak, and resets', async () => {
    const sim = simulator()
    await Promise.all([get(sim, WORKSPACE_PERMISSIONS), get(sim, APP), get(sim, `${APP}?page=2`), get(sim, '/workspaces/acme/members')])
    expect([sim.requests, sim.adminRequests, sim.repositoryRequests]).toEqual([1, 1, 2])
    expect(sim.maxInFlight).toBe(4)
    expect(sim.log.map((entry) => [entry.path, entry.status])).toEqual([
      ['/2.0/workspaces/acme/permissions', 200],
      ['/2.0/workspaces/acme/permissions/repositories/app', 200],
      ['/2.0/workspaces/acme/permissions/repositories/app?page=2', 200],
      ['/2.0/workspaces/acme/members', 200]
    ])
    sim.resetStats()
    expect([sim.requests, sim.adminRequests, sim.repositoryRequests, sim.maxInFlight, sim.log.length]).toEqual([0, 0, 0, 0, 0])
    await Promise.all([get(sim, WORKSPACE_PERMISSIONS), get(sim, WORKSPACE_PERMISSIONS)])
    expect([sim.requests, sim.adminRequests, sim.repositoryRequests, sim.maxInFlight]).toEqual([0, 2, 0, 2])
  })

  it('answers neither a POST nor the all-repositories listing', async () => {
    const sim = simulator()
    const post = await sim.transport()({ method: 'POST', url: new URL(`${sim.apiUrl}${WORKSPACE_PERMISSIONS}`), headers: { Authorization: REPO_ADMIN } })
    expect(post.status).toBe(404)
    expect((await get(sim, '/workspaces/acme/permissions/repositories')).status).toBe(404)
    expect([sim.adminRequests, sim.repositoryRequests]).toEqual([0, 0])
  })
})
