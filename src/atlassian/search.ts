import { ACCOUNT_ID_RULE, isAccountId } from '../config/exemptions.js'
import { GateError } from '../errors.js'
import type { SecondFactor } from '../gate/types.js'
import type { HttpResponse, RequestBody } from '../http/transport.js'
import { isRecord } from '../json.js'
import { answerShape } from '../text.js'

/** Account ids per search, and users per page: the reference's safe bounds (100 or less). */
export const BATCH_SIZE = 100
export const PAGE_LIMIT = 100

/** POST …/admin/v2/orgs/{orgId}/directories/-/users/search: `-` is every directory the key may manage. */
export function searchUrl(apiUrl: URL, orgId: string): string {
  return `${apiUrl.href.replace(/\/+$/, '')}/admin/v2/orgs/${encodeURIComponent(orgId)}/directories/-/users/search`
}

export function searchBody(accountIds: readonly string[], cursor: string | null): RequestBody {
  return { contentType: 'application/json', text: JSON.stringify({ accountIds, limit: PAGE_LIMIT, ...(cursor === null ? {} : { cursor }) }) }
}

export interface SearchPage {
  /** account id → what the organization says of its 2SV. */
  readonly users: ReadonlyMap<string, SecondFactor>
  readonly next: string | null
}

/**
 * A users-search page, read strictly where it matters for paging (`data` a list of objects with an
 * `accountId`, `links.next` a cursor or null) and conservatively for each user: 2SV counts as `on`
 * only for `mfaEnabled: true` with no `claimStatus` or `managed`; `false` is `off`, anything else
 * `unknown`. An `accountId` that is not an Atlassian account id is malformed: ids are checked before
 * they are trusted. Throws a GateError naming the problem (the field and the rule), never quoting the body.
 */
export function parseSearchPage(response: HttpResponse, where: string): SearchPage {
  const malformed = (problem: string): never => {
    throw new GateError(`The Atlassian organization API's answer to ${where} is not the users search it asked for: ${problem}.`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(response.body)
  } catch {
    return malformed(`the body (${answerShape(response)}) is not JSON`)
  }
  if (!isRecord(parsed)) return malformed('the body is not an object')
  const { data, links } = parsed
  if (!Array.isArray(data)) return malformed('`data` is not a list')
  const users = new Map<string, SecondFactor>()
  data.forEach((user: unknown, index) => {
    if (!isRecord(user) || typeof user.accountId !== 'string' || user.accountId === '') return malformed(`data[${index}] has no accountId`)
    if (!isAccountId(user.accountId)) return malformed(`data[${index}].accountId ${NOT_AN_ACCOUNT_ID}`)
    const state = secondFactorOf(user)
    const before = users.get(user.accountId)
    users.set(user.accountId, before === undefined ? state : combine(before, state))
    return undefined
  })
  let next: string | null = null
  if (links !== undefined && links !== null) {
    if (!isRecord(links)) return malformed('`links` is not an object')
    const value = links.next
    if (value !== undefined && value !== null && (typeof value !== 'string' || value === '')) return malformed('`links.next` is not a cursor')
    next = typeof value === 'string' ? value : null
  }
  return { users, next }
}

/** The rule, as a message states it (never the value that broke it). */
const NOT_AN_ACCOUNT_ID = `is not an Atlassian account id (${ACCOUNT_ID_RULE})`

/** The same account seen twice: `on` only if both say so; otherwise the one that is not `on`. */
export function combine(a: SecondFactor, b: SecondFactor): SecondFactor {
  if (a === b) return a
  if (a === 'on') return b
  if (b === 'on') return a
  return 'unknown'
}

function secondFactorOf(user: Record<string, unknown>): SecondFactor {
  const { mfaEnabled, claimStatus } = user
  if (mfaEnabled === true && (claimStatus === undefined || claimStatus === 'managed')) return 'on'
  if (mfaEnabled === false) return 'off'
  return 'unknown'
}
