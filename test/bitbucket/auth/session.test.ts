import { describe, expect, it } from 'vitest'
import { listMembers } from '../../../src/bitbucket/listing/list.js'
import type { Credentials } from '../../../src/config/credentials.js'
import { BitbucketHttpError, errorMessage, GateError } from '../../../src/errors.js'
import type { Transport, WireRequest } from '../../../src/http/transport.js'
import { CONSUMER_KEY, CONSUMER_SECRET, compliantWorkspace, consumerCredential, person } from '../../simulator/fixtures.js'
import type { SimOAuthConsumer } from '../../simulator/server.js'
import { clientContext, membersOf } from '../../support/client.js'
import { simulatorInMemory } from '../../support/simulator.js'
import { QUICK } from '../../support/quick.js'

const start = simulatorInMemory()

const consumer = (tokenUrl: string, secret = CONSUMER_SECRET): Credentials => ({
  kind: 'oauth',
  clientId: CONSUMER_KEY,
  clientSecret: secret,
  tokenUrl: new URL(tokenUrl)
})
const basicOfConsumer = `Basic ${Buffer.from(`${CONSUMER_KEY}:${CONSUMER_SECRET}`).toString('base64')}`

async function startWith(extra: Partial<SimOAuthConsumer> = {}, members = 250) {
  return start({ credentials: [{ ...consumerCredential, ...extra }], workspaces: [compliantWorkspace('acme', members)] })
}

describe('an OAuth consumer', QUICK, () => {
  it('buys one token with Basic id:secret and a form body, then sends it only as Bearer to the API', async () => {
    const s = await startWith()
    const { context, tokens } = clientContext(s, { credentials: consumer(s.tokenUrl) })
    const listing = await listMembers('acme', context)
    expect(membersOf(listing)).toHaveLength(250)
    expect(s.tokenRequests).toBe(1)
    expect(tokens).toHaveLength(1)
    const grants = s.log.filter((entry) => entry.path === '/site/oauth2/access_token')
    const pages = s.log.filter((entry) => entry.path.startsWith('/2.0/'))
    expect(grants).toEqual([{ path: '/site/oauth2/access_token', status: 200, authorization: basicOfConsumer }])
    expect(pages).toHaveLength(3)
    for (const page of pages) expect(page.authorization).toBe(`Bearer ${tokens[0]!}`)
    // The token is never in a URL (Bitbucket accepts it only in the header since May 2026).
    for (const entry of s.log) expect(entry.path).not.toContain('access_token=')
    expect(listing.requests).toBe(3)
  })

  it('asks for the token as JSON, with its user agent and a form body', async () => {
    const s = await startWith({}, 1)
    const sent: WireRequest[] = []
    const inner = s.transport()
    const recording: Transport = (request) => {
      sent.push(request)
      return inner(request)
    }
    await listMembers('acme', clientContext(s, { credentials: consumer(s.tokenUrl), transport: recording }).context)
    const grant = sent.find((request) => request.url.pathname === '/site/oauth2/access_token')
    expect(grant).toMatchObject({
      method: 'POST',
      headers: { Accept: 'application/json', 'User-Agent': 'bitbucket-2fa-gate', Authorization: basicOfConsumer },
      body: { contentType: 'application/x-www-form-urlencoded', text: 'grant_type=client_credentials' }
    })
  })

  it('scrubs the access token it bought from what Bitbucket says back', async () => {
    const s = await startWith()
    s.faults.push({ times: Infinity, action: { status: 400, contentType: 'text/plain', body: (r) => `you sent ${r.headers.authorization ?? ''} here` } })
    const { context, tokens } = clientContext(s, { credentials: consumer(s.tokenUrl) })
    const message = errorMessage(await listMembers('acme', context).catch((e: unknown) => e))
    expect(tokens).toHaveLength(1)
    expect(message).toContain('you sent *** here')
    expect(message).not.toContain(tokens[0]!)
  })

  it('renews an expired token once, shared by every request in flight, and retries each once', async () => {
    const s = await start({
      credentials: [consumerCredential],
      workspaces: [compliantWorkspace('acme', 800)],
      // After page 1, the token "expires" as the next request arrives, while pages 2-8 are in flight.
      faults: [
        {
          when: (r) => r.n === 2,
          action: {
            mutate: (sim) => {
              sim.expireAccessTokens()
            }
          }
        }
      ]
    })
    const { context, tokens } = clientContext(s, { credentials: consumer(s.tokenUrl) })
    const listing = await listMembers('acme', context)
    expect(membersOf(listing)).toHaveLength(800)
    expect(s.tokenRequests).toBe(2)
    expect(tokens).toHaveLength(2)
    const refused = s.log.filter((entry) => entry.status === 401)
    // Several requests were refused at once, and still only one new token was bought.
    expect(refused.length).toBeGreaterThan(1)
    for (const entry of refused) expect(entry.authorization).toBe(`Bearer ${tokens[0]!}`)
    const served = s.log.filter((entry) => entry.path.startsWith('/2.0/') && entry.status === 200)
    expect(served).toHaveLength(8)
    // Every request refused with the old token was sent again once with the new one, no more.
    expect(s.log.filter((entry) => entry.path.startsWith('/2.0/'))).toHaveLength(8 + refused.length)
    expect(listing.requests).toBe(8 + refused.length)
  })

  it('stops after the one renewal when the new token is refused too', async () => {
    const s = await start({
      credentials: [consumerCredential],
      workspaces: [compliantWorkspace('acme', 300)],
      faults: [
        {
          times: 10,
          action: {
            mutate: (sim) => {
              sim.expireAccessTokens()
            }
          }
        }
      ]
    })
    const { context } = clientContext(s, { credentials: consumer(s.tokenUrl) })
    const error = await listMembers('acme', context).then(
      () => null,
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(BitbucketHttpError)
    expect((error as Error).message).toMatch(/401 Unauthorized for workspace "acme" with an OAuth consumer's access token/)
    expect((error as Error).message).toMatch(/also after one renewal/)
    expect(s.tokenRequests).toBe(2)
  })

  it('renews once per run, not once per expiry: a second expiry fails the run', async () => {
    const expire = {
      mutate: (sim: { expireAccessTokens: () => void }) => {
        sim.expireAccessTokens()
      }
    }
    const s = await start({
      credentials: [consumerCredential],
      workspaces: [compliantWorkspace('acme', 300)],
      includeSize: false,
      faults: [
        { when: (r) => r.n === 2, action: expire },
        { when: (r) => r.n === 4, action: expire }
      ]
    })
    const error = await listMembers('acme', clientContext(s, { credentials: consumer(s.tokenUrl) }).context).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BitbucketHttpError)
    expect((error as BitbucketHttpError).message).toMatch(/401 Unauthorized/)
    expect(s.tokenRequests).toBe(2)
  })

  it('says a wrong secret in the admin words and never sends the listing anything', async () => {
    const s = await startWith()
    const { context } = clientContext(s, { credentials: consumer(s.tokenUrl, 'wrong-secret-value') })
    const error = await listMembers('acme', context).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BitbucketHttpError)
    expect((error as Error).message).toMatch(
      /\(HTTP 400, invalid_client\): `oauth-client-id` \(the consumer's Key\) or `oauth-client-secret` \(its Secret\) is wrong/
    )
    expect((error as Error).message).not.toContain('wrong-secret-value')
    expect(s.requests).toBe(0)
  })

  it('says a consumer that is not private may not use client credentials', async () => {
    const s = await startWith({ private: false })
    const error = await listMembers('acme', clientContext(s, { credentials: consumer(s.tokenUrl) }).context).catch((e: unknown) => e)
    expect((error as Error).message).toMatch(/unauthorized_client\): only a private consumer may use them/)
  })

  it('says a missing account scope before reading a page', async () => {
    const s = await startWith({ scopes: ['repository'] })
    const error = await listMembers('acme', clientContext(s, { credentials: consumer(s.tokenUrl) }).context).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GateError)
    expect((error as Error).message).toMatch(/has no `account` scope/)
    expect(s.requests).toBe(0)
  })

  it('when the grant leaves scopes out, the 403 of the listing names the permission to give', async () => {
    const s = await startWith({ scopes: ['repository'], omitScopes: true })
    const error = await listMembers('acme', clientContext(s, { credentials: consumer(s.tokenUrl) }).context).catch((e: unknown) => e)
    expect((error as Error).message).toMatch(/403 Forbidden.*give the consumer the permission Account: Read; its owner must be an admin/)
  })

  it('retries a token endpoint outage within the budget, then gets the token', async () => {
    const s = await start({
      credentials: [consumerCredential],
      workspaces: [{ ...compliantWorkspace('acme', 1), members: [person(1, true)] }],
      faults: [{ endpoint: 'token', times: 2, action: { status: 503, contentType: 'text/plain', body: 'unavailable' } }]
    })
    const { context, waits } = clientContext(s, { credentials: consumer(s.tokenUrl) })
    expect(membersOf(await listMembers('acme', context))).toHaveLength(1)
    expect(s.tokenRequests).toBe(3)
    expect(waits).toEqual([750, 1500])
  })

  it('names the token endpoint when it never answers', async () => {
    const s = await startWith()
    const { context } = clientContext(s, { credentials: consumer('http://127.0.0.1:1/site/oauth2/access_token') })
    const failure = await listMembers('acme', context).catch((e: unknown) => e)
    expect((failure as Error).message).toMatch(
      /^Could not get an answer from Bitbucket's token endpoint at http:\/\/127\.0\.0\.1:1 for a token: ECONNREFUSED, after 6 attempts\. Check `oauth-token-url`/
    )
    expect(s.requests).toBe(0)
  })
})
