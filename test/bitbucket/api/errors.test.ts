import { describe, expect, it } from 'vitest'
import { listMembers } from '../../../src/bitbucket/listing/list.js'
import { membersUrl } from '../../../src/bitbucket/listing/reader.js'
import { BitbucketHttpError, errorMessage, GateError, ListingError } from '../../../src/errors.js'
import { ACCESS_TOKEN, adminCredential, bot, compliantWorkspace, person } from '../../simulator/fixtures.js'
import { clientContext, membersOf } from '../../support/client.js'
import { simulatorPerTest } from '../../support/simulator.js'

const start = simulatorPerTest()

describe('listMembers against the simulator', () => {
  it('asks for the 2FA flag with %2B, pagelen 100, and never a bare whitelist', () => {
    const url = membersUrl(new URL('https://api.bitbucket.org/2.0'), '{aaaaaaaa-1111-4111-8111-111111111111}')
    expect(url).toBe(
      'https://api.bitbucket.org/2.0/workspaces/%7Baaaaaaaa-1111-4111-8111-111111111111%7D/members?pagelen=100&fields=%2Bvalues.user.has_2fa_enabled,-values.links,-values.workspace,-values.user.links'
    )
    expect(membersUrl(new URL('https://bb.example/proxy/2.0'), 'acme')).toMatch(/^https:\/\/bb\.example\/proxy\/2\.0\/workspaces\/acme\/members\?/)
  })

  it('reads every page, in exactly ceil(members / 100) requests', async () => {
    const ws = compliantWorkspace('acme', 250)
    ws.members[120] = person(121, false)
    ws.members[249] = person(250, null)
    ws.members.push(bot(1))
    const s = await start({ workspaces: [ws] })
    const result = await listMembers('acme', clientContext(s.apiUrl).context)
    expect(membersOf(result)).toHaveLength(251)
    expect(new Set(membersOf(result).map((m) => m.uuid)).size).toBe(251)
    expect(result.requests).toBe(3)
    expect(s.requests).toBe(3)
    const byState = (state: string) => membersOf(result).filter((m) => !m.isAppUser && m.twoFactor === state).length
    expect([byState('enabled'), byState('disabled'), byState('unknown')]).toEqual([248, 1, 1])
    expect(membersOf(result).filter((m) => m.isAppUser)).toHaveLength(1)
  })

  it('finds a workspace by braced uuid', async () => {
    const ws = compliantWorkspace('acme', 3)
    const s = await start({ workspaces: [ws] })
    const result = await listMembers(ws.uuid, clientContext(s.apiUrl).context)
    expect(membersOf(result)).toHaveLength(3)
  })

  it('follows next one by one when Bitbucket leaves out size, and confirms with a second read', async () => {
    const s = await start({ workspaces: [compliantWorkspace('acme', 230)], includeSize: false })
    const result = await listMembers('acme', clientContext(s.apiUrl).context)
    expect(membersOf(result)).toHaveLength(230)
    expect(result.requests).toBe(6)
  })

  it('sees only null flags without admin rights', async () => {
    const s = await start({
      workspaces: [compliantWorkspace('acme', 3)],
      credentials: [{ ...adminCredential, adminOf: [] }]
    })
    const result = await listMembers('acme', clientContext(s.apiUrl).context)
    expect(membersOf(result).every((m) => m.twoFactor === 'unknown')).toBe(true)
  })

  it('reads with a Bearer access token', async () => {
    const s = await start({
      workspaces: [compliantWorkspace('acme', 3)],
      credentials: [{ kind: 'access-token', token: ACCESS_TOKEN, workspace: 'acme', seesFlags: true }]
    })
    const { context } = clientContext(s.apiUrl, { credentials: { kind: 'access-token', token: ACCESS_TOKEN } })
    expect(membersOf(await listMembers('acme', context))).toHaveLength(3)
  })

  describe('errors a Bitbucket admin can act on', () => {
    const failure = async (promise: Promise<unknown>): Promise<BitbucketHttpError> => {
      const error: unknown = await promise.catch((e: unknown) => e)
      expect(error).toBeInstanceOf(BitbucketHttpError)
      return error as BitbucketHttpError
    }

    it('401 names the credential kind and the fix', async () => {
      const s = await start({ workspaces: [compliantWorkspace('acme', 1)] })
      const { context } = clientContext(s.apiUrl, { credentials: { kind: 'api-token', email: 'admin@example.com', token: 'ATATT-wrong' } })
      const error = await failure(listMembers('acme', context))
      expect(error.status).toBe(401)
      expect(error.message).toMatch(/401 Unauthorized for workspace "acme" with an Atlassian API token with `email` \(HTTP Basic\)/)
      expect(error.message).toContain('App passwords were removed on 28 Jul 2026')
      expect(error.message).not.toContain('ATATT-wrong')
    })

    it('401 for an API token sent as Bearer says to pass email', async () => {
      const s = await start({ workspaces: [compliantWorkspace('acme', 1)] })
      const { context } = clientContext(s.apiUrl, { credentials: { kind: 'access-token', token: 'ATATT-as-bearer' } })
      const error = await failure(listMembers('acme', context))
      // Bitbucket's words travel beside the gate's, and only the door joins them.
      expect(error.message).not.toContain('Token is invalid')
      expect(errorMessage(error)).toContain('Bitbucket says: `Token is invalid, expired, or not supported for this endpoint.`.')
      expect(error.message).toContain('pass it with `email`')
      expect(errorMessage(error, true)).not.toContain('Token is invalid')
      expect(errorMessage(error, true)).toMatch(/Bitbucket's answer \(application\/json, \d+ bytes\) is not quoted in redact mode\.$/)
    })

    it('403 names the missing scope from detail.required', async () => {
      const s = await start({ workspaces: [compliantWorkspace('acme', 1)], credentials: [{ ...adminCredential, scopes: ['read:repository:bitbucket'] }] })
      const error = await failure(listMembers('acme', clientContext(s.apiUrl).context))
      expect(error.status).toBe(403)
      expect(error.message).toContain('required: read:workspace:bitbucket')
      expect(errorMessage(error)).toContain('Bitbucket says: `Your credentials lack one or more required privilege scopes.`')
      expect(errorMessage(error, true)).not.toContain('Your credentials')
    })

    it('404 names the workspace', async () => {
      const s = await start({ workspaces: [compliantWorkspace('acme', 1)] })
      const error = await failure(listMembers('nope', clientContext(s.apiUrl).context))
      expect(error.status).toBe(404)
      expect(error.message).toContain('workspace "nope": the workspace does not exist or these credentials cannot see it')
      expect(error.message).not.toContain('api-url')
      const { context } = clientContext(s.apiUrl.replace(/\/2\.0$/, ''))
      const wrongBase = await failure(listMembers('acme', context))
      expect(wrongBase.message).toContain("Bitbucket Cloud's API lives under /2.0")
    })

    it("410 passes on Bitbucket's message and announcement", async () => {
      const body = JSON.stringify({
        type: 'error',
        error: { message: 'CHANGE-2770 this API was removed', data: { announcement_url: 'https://developer.atlassian.com/changelog/#CHANGE-2770' } }
      })
      const s = await start({ workspaces: [compliantWorkspace('acme', 1)], faults: [{ action: { status: 410, body } }] })
      const error = await failure(listMembers('acme', clientContext(s.apiUrl).context))
      expect(error.message).toContain('410 Gone')
      expect(errorMessage(error)).toContain('Bitbucket says: `CHANGE-2770 this API was removed — See https://developer.atlassian.com/changelog/#CHANGE-2770`')
      expect(errorMessage(error, true)).not.toContain('CHANGE-2770')
    })

    it('400 Invalid pagelen is reported with the status', async () => {
      const body = JSON.stringify({ type: 'error', error: { message: 'Invalid pagelen' } })
      const s = await start({ workspaces: [compliantWorkspace('acme', 1)], faults: [{ action: { status: 400, body } }] })
      const error = await failure(listMembers('acme', clientContext(s.apiUrl).context))
      expect(errorMessage(error)).toMatch(/answered 400 .*Bitbucket says: `Invalid pagelen`/)
    })
  })

  it('refuses a next link to another origin, naming the host', async () => {
    const s = await start({
      workspaces: [compliantWorkspace('acme', 150)],
      faults: [{ action: { rewrite: (body) => ({ ...body, next: 'https://evil.example/2.0/workspaces/acme/members?page=2' }) } }]
    })
    const error: unknown = await listMembers('acme', clientContext(s.apiUrl).context).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ListingError)
    expect((error as Error).message).toContain('it points to another origin than http://127.0.0.1:')
    expect(errorMessage(error)).toContain('The link: `https://evil.example/2.0/workspaces/acme/members?page=2`.')
    expect(errorMessage(error, true)).not.toContain('evil.example')
    expect(s.log.every((entry) => entry.path.startsWith('/2.0/'))).toBe(true)
  })

  it('reports a dead server as a network error after the retries', async () => {
    const s = await start({ workspaces: [compliantWorkspace('acme', 1)] })
    const url = s.apiUrl
    await s.stop()
    const { context, waits } = clientContext(url)
    const error: unknown = await listMembers('acme', context).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GateError)
    expect((error as Error).message).toMatch(
      /Could not get an answer from Bitbucket at http:\/\/127\.0\.0\.1:\d+ for page 1 of workspace "acme": ECONNREFUSED, after 6 attempts/
    )
    expect(waits).toHaveLength(5)
  })
})
