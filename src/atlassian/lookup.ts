import type { AtlassianOptions } from '../config/atlassian.js'
import { GateError } from '../errors.js'
import type { SecondFactor } from '../gate/types.js'
import type { Limiter } from '../http/limiter.js'
import { Credential, NoAnswerError } from '../http/request.js'
import { requestWithRetry, type RetryContext } from '../http/retry.js'
import { describeOrganizationFailure, ORGANIZATION_API } from './errors.js'
import { BATCH_SIZE, combine, parseSearchPage, searchBody, searchUrl } from './search.js'

/** The organization API key, for `atlassian-api-url`'s origin only. */
export function organizationCredential(organization: AtlassianOptions): Credential {
  return Credential.lockedTo(organization.apiUrl, 'atlassian-api-url', 'the organization API key', `Bearer ${organization.apiKey}`)
}

/** Pages per batch of 100 ids: far more than 100 users can fill; a cursor that never ends is refused. */
export const MAX_PAGES_PER_BATCH = 20

export interface LookupContext {
  readonly organization: AtlassianOptions
  readonly retry: RetryContext
  readonly limiter: Limiter
  readonly scrub: (text: string) => string
  readonly onResponse?: (info: { method: string; url: string; status: number; attempts: number }) => void
}

export interface LookupResult {
  /** Every account id asked about → its state; an id the organization did not return is `unknown`. */
  readonly states: Map<string, SecondFactor>
  /** Requests sent, retries included. */
  readonly requests: number
}

/**
 * Asks the organization about these account ids only: batches of at most 100, each followed through
 * its cursor, under the run's limiter and wait budget. The key goes to `atlassian-api-url`'s origin
 * only. Throws a GateError naming the input to check when the organization cannot be read.
 */
export async function lookUpSecondFactor(accountIds: readonly string[], context: LookupContext): Promise<LookupResult> {
  const unique = [...new Set(accountIds)]
  const states = new Map<string, SecondFactor>(unique.map((id) => [id, 'unknown']))
  const counter = { requests: 0 }
  const batches: string[][] = []
  for (let i = 0; i < unique.length; i += BATCH_SIZE) batches.push(unique.slice(i, i + BATCH_SIZE))
  await Promise.all(
    batches.map(async (batch, index) => {
      const asked = new Set(batch)
      const seen = new Set<string>()
      let cursor: string | null = null
      for (let page = 1; ; page++) {
        if (page > MAX_PAGES_PER_BATCH) {
          throw new GateError(
            `The Atlassian organization API kept giving a next page for batch ${index + 1} after ${MAX_PAGES_PER_BATCH} pages; the gate stops rather than loop.`
          )
        }
        const result = await searchPage(batch, cursor, `page ${page} of batch ${index + 1}`, context, counter)
        // Only the ids asked about count: a search that ignores the filter proves nothing about others.
        for (const [id, state] of result.users) {
          if (!asked.has(id)) continue
          states.set(id, seen.has(id) ? combine(states.get(id) ?? 'unknown', state) : state)
          seen.add(id)
        }
        if (result.next === null) break
        if (result.next === cursor)
          throw new GateError(`The Atlassian organization API returned the same cursor twice (batch ${index + 1}); the gate stops rather than loop.`)
        cursor = result.next
      }
    })
  )
  return { states, requests: counter.requests }
}

async function searchPage(batch: readonly string[], cursor: string | null, where: string, context: LookupContext, counter: { requests: number }) {
  const { organization } = context
  const url = searchUrl(organization.apiUrl, organization.orgId)
  const request = {
    method: 'POST' as const,
    url,
    headers: { Accept: 'application/json', 'User-Agent': 'bitbucket-2fa-gate' },
    body: searchBody(batch, cursor),
    credential: organizationCredential(organization),
    service: ORGANIZATION_API
  }
  const answer = await context.limiter.run(async () => {
    try {
      const result = await requestWithRetry(request, context.retry, where)
      counter.requests += result.attempts
      return result
    } catch (error) {
      if (error instanceof NoAnswerError) counter.requests += error.attempts
      throw error
    }
  }, context.retry.signal)
  context.onResponse?.({ method: 'POST', url, status: answer.response.status, attempts: answer.attempts })
  if (answer.response.status !== 200)
    throw describeOrganizationFailure(answer.response, { orgId: organization.orgId, attempts: answer.attempts, scrub: context.scrub })
  return parseSearchPage(answer.response, where)
}
