import { describe, expect, it } from 'vitest'
import { MEMBER_FIELDS, membersKind, membersUrl, PAGELEN, PageReader } from '../../../src/bitbucket/listing/reader.js'
import type { ClientContext } from '../../../src/bitbucket/listing/types.js'
import type { Credentials } from '../../../src/config/credentials.js'
import { BitbucketHttpError, errorMessage, GateError, ListingError } from '../../../src/errors.js'
import { NoAnswerError } from '../../../src/http/request.js'
import type { Transport, WireRequest } from '../../../src/http/transport.js'
import { ADMIN_EMAIL, ADMIN_TOKEN, compliantWorkspace, CONSUMER_KEY, CONSUMER_SECRET, consumerCredential, person } from '../../simulator/fixtures.js'
import { BitbucketSimulator } from '../../simulator/server.js'
import { clientContext } from '../../support/client.js'
import { deferred } from '../../support/listing.js'
import { thrown } from '../../support/members.js'
import { QUICK } from '../../support/quick.js'

const BASIC = `Basic ${Buffer.from(`${ADMIN_EMAIL}:${ADMIN_TOKEN}`).toString('base64')}`
const FIELDS = '%2Bvalues.user.has_2fa_enabled,-values.links,-values.workspace,-values.user.links'

function simulator(members = 250) {
  const acme = compliantWorkspace('acme', members)
  acme.members[1] = person(2, false, { display_name: 'Ada Off' })
  return new BitbucketSimulator({ workspaces: [acme], credentials: [{ kind: 'api-token', email: ADMIN_EMAIL, token: ADMIN_TOKEN }, consumerCredential] })
}

/** The transport, with every request it carried written down. */
function recording(transport: Transport) {
  const sent: WireRequest[] = []
  const wrapped: Transport = (request) => {
    sent.push(request)
    return transport(request)
  }
  return { sent, transport: wrapped }
}

/** A reader of acme on `sim`, in memory, with what its context reports. */
function readerOn(sim: BitbucketSimulator, options: { credentials?: Credentials; transport?: Transport; extra?: Partial<ClientContext> } = {}) {
  const recorded = recording(options.transport ?? sim.transport())
  const client = clientContext(sim, { transport: recorded.transport, ...(options.credentials ? { credentials: options.credentials } : {}) })
  const responses: string[] = []
  const pages: string[] = []
  const context: ClientContext = {
    ...client.context,
    onResponse: ({ url, status, attempts }) => responses.push(`${status} ×${attempts} ${url}`),
    onPage: ({ workspace, pageNo, pages: total }) => pages.push(`${workspace} ${pageNo}/${String(total)}`),
    ...options.extra
  }
  return { reader: new PageReader(membersKind('acme', context), context), sent: recorded.sent, responses, pages, waits: client.waits, tokens: client.tokens }
}

describe('membersUrl', QUICK, () => {
  it('asks for 100 members a page, the 2FA flag as %2B, and trims what the gate never reads', () => {
    expect(PAGELEN).toBe(100)
    expect(MEMBER_FIELDS).toBe(FIELDS)
    expect(membersUrl(new URL('https://api.bitbucket.org/2.0'), 'acme')).toBe(
      `https://api.bitbucket.org/2.0/workspaces/acme/members?pagelen=100&fields=${FIELDS}`
    )
  })

  it('drops trailing slashes of api-url and encodes the workspace', () => {
    expect(membersUrl(new URL('https://bb.example/proxy/2.0/'), 'acme')).toBe(
      `https://bb.example/proxy/2.0/workspaces/acme/members?pagelen=100&fields=${FIELDS}`
    )
    expect(membersUrl(new URL('https://bb.example/2.0///'), '{a b}/c')).toBe(
      `https://bb.example/2.0/workspaces/%7Ba%20b%7D%2Fc/members?pagelen=100&fields=${FIELDS}`
    )
  })
})

describe('PageReader', QUICK, () => {
  it('GETs a page with the credential, JSON accept and its user agent, and reads it', async () => {
    const sim = simulator()
    const { reader, sent, responses } = readerOn(sim)
    expect(reader.firstUrl).toBe(`http://bitbucket.test/2.0/workspaces/acme/members?pagelen=100&fields=${FIELDS}`)
    const page = await reader.fetch(reader.firstUrl, 1)
    expect(page.values).toHaveLength(100)
    expect(page.values[1]).toMatchObject({ displayName: 'Ada Off', twoFactor: 'disabled' })
    expect(page.size).toBe(250)
    expect(page.next).toBe(`${reader.firstUrl}&page=2`)
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatchObject({
      method: 'GET',
      headers: { Accept: 'application/json', 'User-Agent': 'bitbucket-2fa-gate', Authorization: BASIC }
    })
    expect(sent[0]!.url.href).toBe(reader.firstUrl)
    expect(reader.requests).toBe(1)
    expect(responses).toEqual([`200 ×1 ${reader.firstUrl}`])
  })

  it('counts every attempt, retries included', async () => {
    const sim = simulator()
    sim.faults.push({ times: 2, action: { status: 503, body: 'busy' } })
    const { reader, responses, waits } = readerOn(sim)
    await reader.fetch(reader.firstUrl, 1)
    expect(reader.requests).toBe(3)
    expect(waits).toEqual([750, 1500])
    expect(responses).toEqual([`200 ×3 ${reader.firstUrl}`])
  })

  it('counts the attempts of a request that never got an answer, and says so', async () => {
    const sim = simulator()
    sim.faults.push({ times: Infinity, action: { reset: true } })
    const { reader, responses } = readerOn(sim)
    const error: unknown = await reader.fetch(`${reader.firstUrl}&page=2`, 2).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NoAnswerError)
    expect((error as Error).message).toMatch(
      /^Could not get an answer from Bitbucket at http:\/\/bitbucket\.test for page 2 of workspace "acme": ECONNRESET, after 6 attempts\./
    )
    expect(reader.requests).toBe(6)
    expect(responses).toEqual([])
  })

  it('does not count a request the core refused to send', async () => {
    const sim = simulator()
    const { reader, sent } = readerOn(sim)
    const error: unknown = await reader.fetch('http://elsewhere.test/2.0/workspaces/acme/members', 1).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GateError)
    expect(error).not.toBeInstanceOf(NoAnswerError)
    expect(sent).toEqual([])
    expect(reader.requests).toBe(0)
  })

  it('turns a status other than 200 into the admin sentence for that status and page', async () => {
    const sim = simulator()
    sim.faults.push({ times: Infinity, action: { status: 404, body: JSON.stringify({ type: 'error', error: { message: 'No such workspace' } }) } })
    const { reader, responses } = readerOn(sim)
    const error: unknown = await reader.fetch(reader.firstUrl, 1).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BitbucketHttpError)
    expect((error as BitbucketHttpError).status).toBe(404)
    expect((error as Error).message).toMatch(/^Bitbucket answered 404 for workspace "acme": /)
    expect(errorMessage(error)).toMatch(/ Bitbucket says: `No such workspace`\.$/)
    expect(responses).toEqual([`404 ×1 ${reader.firstUrl}`])
    sim.faults.length = 0
    sim.faults.push({ action: { status: 418, body: '' } })
    const teapot: unknown = await reader.fetch(`${reader.firstUrl}&page=3`, 3).catch((e: unknown) => e)
    expect((teapot as Error).message).toMatch(/^Bitbucket answered 418 on page 3 of workspace "acme" \(empty body\)\./)
  })

  it('gives up on a 401 for a token the run was given, after one request, naming its kind', async () => {
    const sim = simulator()
    sim.faults.push({ times: Infinity, action: { status: 401, body: '' } })
    const { reader, sent } = readerOn(sim)
    const error: unknown = await reader.fetch(reader.firstUrl, 1).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BitbucketHttpError)
    expect((error as Error).message).toMatch(
      /^Bitbucket answered 401 Unauthorized for workspace "acme" with an Atlassian API token with `email` \(HTTP Basic\) \(empty body\)\. Check that `email`/
    )
    expect(sent).toHaveLength(1)
    expect(reader.requests).toBe(1)
    const bearer = readerOn(sim, { credentials: { kind: 'access-token', token: 'ATCTT3xFfGF0-some-access-token' } })
    const refused: unknown = await bearer.reader.fetch(bearer.reader.firstUrl, 1).catch((e: unknown) => e)
    expect((refused as Error).message).toMatch(
      /^Bitbucket answered 401 Unauthorized for workspace "acme" with an access token \(HTTP Bearer\) \(empty body\)\./
    )
    expect(bearer.sent).toHaveLength(1)
  })

  it('names the page in what it says of a page it cannot read', async () => {
    const sim = simulator()
    sim.faults.push({ action: { status: 200, body: '{"values":{}}' } })
    const { reader } = readerOn(sim)
    await expect(reader.fetch(`${reader.firstUrl}&page=2`, 2)).rejects.toThrow(
      'Bitbucket answered 200 on page 2 of workspace "acme", but it has no `values` array.'
    )
  })

  it('keeps the account ids of people with 2FA on only as the context asks', () => {
    const sim = simulator(3)
    const kept = person(3, true).account_id!
    const all = readerOn(sim).reader.newSet()
    const some = readerOn(sim, { extra: { keepAccountIds: new Set([kept]) } }).reader.newSet()
    for (const set of [all, some]) {
      set.add({ uuid: '{aaaaaaaa-0000-4000-8000-000000000001}', accountId: 'other', displayName: '', nickname: '', isAppUser: false, twoFactor: 'enabled' })
      set.add({ uuid: '{aaaaaaaa-0000-4000-8000-000000000003}', accountId: kept, displayName: '', nickname: '', isAppUser: false, twoFactor: 'enabled' })
    }
    expect([...all.enabledAccounts().values()]).toEqual(['other', kept])
    expect([...some.enabledAccounts().values()]).toEqual([null, kept])
  })

  it('reports progress for its workspace', () => {
    const { reader, pages } = readerOn(simulator())
    reader.pageRead(2, 3)
    reader.pageRead(1, null)
    expect(pages).toEqual(['acme 2/3', 'acme 1/null'])
  })

  describe('with skip', () => {
    it('sends nothing when skip says so once a slot is free', async () => {
      const sim = simulator()
      const { reader, sent, responses } = readerOn(sim)
      expect(await reader.fetch(reader.firstUrl, 1, () => true)).toBeNull()
      expect(sent).toEqual([])
      expect(responses).toEqual([])
      expect(reader.requests).toBe(0)
      expect((await reader.fetch(reader.firstUrl, 1, () => false))?.values).toHaveLength(100)
    })

    it('asks skip only when its turn comes', async () => {
      const gate = deferred<undefined>()
      const sim = simulator()
      const inner = sim.transport()
      const held: Transport = async (request) => {
        await gate.promise
        return inner(request)
      }
      const client = clientContext(sim, { transport: held, maxInFlight: 1 })
      const reader = new PageReader(membersKind('acme', client.context), client.context)
      let stop = false
      const first = reader.fetch(reader.firstUrl, 1)
      const second = reader.fetch(`${reader.firstUrl}&page=2`, 2, () => stop)
      stop = true
      gate.resolve(undefined)
      expect((await first).values).toHaveLength(100)
      expect(await second).toBeNull()
      expect(reader.requests).toBe(1)
    })
  })

  it('waits for a slot under the run deadline: a queued fetch ends when the deadline passes', async () => {
    const sim = simulator()
    const gate = deferred<undefined>()
    const inner = sim.transport()
    const held: Transport = async (request) => {
      await gate.promise
      return inner(request)
    }
    const deadline = new AbortController()
    const client = clientContext(sim, { transport: held, maxInFlight: 1, signal: deadline.signal })
    const reader = new PageReader(membersKind('acme', client.context), client.context)
    const first = reader.fetch(reader.firstUrl, 1).catch((e: unknown) => e)
    const queued = reader.fetch(`${reader.firstUrl}&page=2`, 2).catch((e: unknown) => e)
    const reason = new GateError('past the deadline')
    deadline.abort(reason)
    expect(await queued).toBe(reason)
    gate.resolve(undefined)
    await first
    expect(sim.requests).toBeLessThanOrEqual(1)
  })

  describe('an OAuth consumer', () => {
    const consumer: Credentials = {
      kind: 'oauth',
      clientId: CONSUMER_KEY,
      clientSecret: CONSUMER_SECRET,
      tokenUrl: new URL('http://bitbucket.test/site/oauth2/access_token')
    }

    it('sends a page again once with a renewed token after a 401', async () => {
      const sim = simulator()
      const { reader, sent, tokens } = readerOn(sim, { credentials: consumer })
      await reader.fetch(reader.firstUrl, 1)
      sim.expireAccessTokens()
      const page = await reader.fetch(`${reader.firstUrl}&page=2`, 2)
      expect(page.values).toHaveLength(100)
      expect(tokens).toHaveLength(2)
      const pages = sent.filter((request) => request.url.pathname.startsWith('/2.0/'))
      expect(pages.map((request) => request.headers.Authorization)).toEqual([`Bearer ${tokens[0]!}`, `Bearer ${tokens[0]!}`, `Bearer ${tokens[1]!}`])
      expect(reader.requests).toBe(3)
    })

    it('gives up on a 401 when there is nothing new to try', async () => {
      const sim = simulator()
      sim.faults.push({ times: Infinity, action: { status: 401, body: '' } })
      const { reader, tokens } = readerOn(sim, { credentials: consumer })
      const error: unknown = await reader.fetch(reader.firstUrl, 1).catch((e: unknown) => e)
      expect((error as BitbucketHttpError).status).toBe(401)
      expect(tokens).toHaveLength(2)
      expect(reader.requests).toBe(2)
      const again: unknown = await reader.fetch(reader.firstUrl, 1).catch((e: unknown) => e)
      expect((again as BitbucketHttpError).status).toBe(401)
      expect(tokens).toHaveLength(2)
      expect(reader.requests).toBe(3)
    })
  })

  describe('checkNext', () => {
    // Built per test, not while the file is collected (see grant.test.ts).
    const reader = () => readerOn(simulator()).reader
    const FIRST_URL = `http://bitbucket.test/2.0/workspaces/acme/members?pagelen=100&fields=${FIELDS}`

    it('resolves a link to the next page of this listing', () => {
      expect(reader().checkNext(`${FIRST_URL}&page=3`, `${FIRST_URL}&page=2`, 2)).toBe(`${FIRST_URL}&page=3`)
      expect(reader().checkNext('?pagelen=100&fields=' + FIELDS + '&page=2', FIRST_URL, 1)).toBe(`${FIRST_URL}&page=2`)
    })

    it('compares the workspace without case, and no other part of the path', () => {
      expect(reader().checkNext(`${FIRST_URL.replace('/acme/', '/ACME/')}&page=2`, FIRST_URL, 1)).toBe(`${FIRST_URL.replace('/acme/', '/ACME/')}&page=2`)
      expect(() => reader().checkNext(`${FIRST_URL.replace('/members', '/MEMBERS')}&page=2`, FIRST_URL, 1)).toThrow('it leaves the path of this listing')
      expect(() => reader().checkNext(`${FIRST_URL.replace('/workspaces/', '/Workspaces/')}&page=2`, FIRST_URL, 1)).toThrow(
        'it leaves the path of this listing'
      )
    })

    it('fails closed, naming the page, the workspace, the problem and where credentials go; the link apart, scrubbed', () => {
      const link = `https://evil.example/2.0/workspaces/acme/members?auth=${ADMIN_TOKEN}&page=4`
      const error = thrown(() => reader().checkNext(link, FIRST_URL, 3))
      expect(error).toBeInstanceOf(ListingError)
      expect((error as Error).message).toBe(
        'Bitbucket\'s `next` link on page 3 of workspace "acme" is not the next page of this listing: it points to another origin than http://bitbucket.test, ' +
          'where the credentials go. The gate sends credentials only to http://bitbucket.test and reads only the listing it asked for, so it stops rather ' +
          'than miss members. Check `api-url` and any proxy that rewrites links; if it persists, report it to Atlassian support.'
      )
      expect(errorMessage(error)).toBe(`${(error as Error).message} The link: \`https://evil.example/2.0/workspaces/acme/members?auth=***&page=4\`.`)
      expect(errorMessage(error, true)).toMatch(/ Bitbucket's link \(application\/json, \d+ bytes\) is not quoted in redact mode\.$/)
    })
  })
})
