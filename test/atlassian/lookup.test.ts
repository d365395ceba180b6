import { beforeEach, describe, expect, it } from 'vitest'
import { lookUpSecondFactor, MAX_PAGES_PER_BATCH, type LookupContext } from '../../src/atlassian/lookup.js'
import { errorMessage, GateError } from '../../src/errors.js'
import { Limiter } from '../../src/http/limiter.js'
import { DEFAULT_RETRY_POLICY, WaitBudget } from '../../src/http/retry.js'
import { AtlassianOrgSimulator } from '../simulator/atlassian.js'
import { QUICK } from '../support/quick.js'

/** Served in memory: no socket, the same handler. */
const org = new AtlassianOrgSimulator('org-1', 'org-key-123456', [])
beforeEach(() => {
  org.users.length = 0
  org.log.length = 0
  org.faults.length = 0
  org.rewrite = null
  org.pageSize = 50
})

function context(): LookupContext {
  return {
    organization: { orgId: 'org-1', apiKey: 'org-key-123456', apiUrl: new URL(org.apiUrl), accept: true },
    retry: {
      transport: org.transport(),
      clock: { sleep: () => Promise.resolve() },
      random: () => 0.5,
      now: () => Date.now(),
      policy: DEFAULT_RETRY_POLICY,
      budget: new WaitBudget(DEFAULT_RETRY_POLICY.totalWaitMs)
    },
    limiter: new Limiter(8),
    scrub: (text) => text.split('org-key-123456').join('***')
  }
}

describe('lookUpSecondFactor', QUICK, () => {
  it('asks nothing for nobody', async () => {
    expect(await lookUpSecondFactor([], context())).toEqual({ states: new Map(), requests: 0 })
    expect(org.log).toEqual([])
  })

  it('gives every id asked a state: unknown when the organization does not return it', async () => {
    org.users.push({ accountId: 'a', mfaEnabled: true }, { accountId: 'b', mfaEnabled: false })
    const result = await lookUpSecondFactor(['a', 'b', 'c', 'a'], context())
    expect(Object.fromEntries(result.states)).toEqual({ a: 'on', b: 'off', c: 'unknown' })
    expect(result.requests).toBe(1)
    expect((org.log[0]!.body as { accountIds: string[] }).accountIds).toEqual(['a', 'b', 'c'])
  })

  it('ignores accounts it did not ask about, even when the search returns them', async () => {
    org.users.push({ accountId: 'a', mfaEnabled: false })
    org.rewrite = (body) => ({ ...body, data: [...(body.data as unknown[]), { accountId: 'intruder', mfaEnabled: true }] })
    const result = await lookUpSecondFactor(['a'], context())
    expect(Object.fromEntries(result.states)).toEqual({ a: 'off' })
  })

  it('refuses a cursor that repeats, or pages without end', async () => {
    org.users.push({ accountId: 'a', mfaEnabled: true })
    const same = Buffer.from('offset:0').toString('base64url')
    org.rewrite = (body) => ({ ...body, links: { next: same } })
    const error = await lookUpSecondFactor(['a'], context()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GateError)
    expect((error as Error).message).toContain('returned the same cursor twice')
    let n = 0
    org.rewrite = (body) => ({ ...body, links: { next: Buffer.from(`offset:0;${++n}`).toString('base64url') } })
    const endless = await lookUpSecondFactor(['a'], context()).catch((e: unknown) => e)
    expect((endless as Error).message).toContain(`after ${MAX_PAGES_PER_BATCH} pages`)
    expect(org.log.length).toBe(2 + MAX_PAGES_PER_BATCH)
  })

  it('retries a 5xx within the budget and counts every request', async () => {
    org.users.push({ accountId: 'a', mfaEnabled: true })
    org.faults.push({ times: 2, status: 502 })
    const result = await lookUpSecondFactor(['a'], context())
    expect(result.states.get('a')).toBe('on')
    expect(result.requests).toBe(3)
  })

  it('names the API and the input to check when nothing answers', async () => {
    const ctx = context()
    const error = await lookUpSecondFactor(['a'], { ...ctx, organization: { ...ctx.organization, apiUrl: new URL('http://127.0.0.1:1') } }).catch(
      (e: unknown) => e
    )
    expect((error as Error).message).toMatch(
      /^Could not get an answer from the Atlassian organization API at http:\/\/127\.0\.0\.1:1 for page 1 of batch 1: ECONNREFUSED, after 6 attempts\. Check `atlassian-api-url`/
    )
  })

  it('quotes the organization message scrubbed of the key', async () => {
    org.faults.push({ times: 1, status: 401, body: JSON.stringify({ errors: [{ title: 'Unauthorized', detail: 'key org-key-123456 gone' }] }) })
    const error = await lookUpSecondFactor(['a'], context()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GateError)
    expect((error as Error).message).not.toContain('gone')
    expect(errorMessage(error)).toBe(`${(error as Error).message} The organization API says: \`key *** gone\`.`)
    expect(errorMessage(error)).not.toContain('org-key-123456')
  })
})
