import { ListingError } from '../errors.js'
import type { Member, TwoFactorState } from '../model.js'
import { bodySnippet } from './http-errors.js'
import type { HttpResponse } from './transport.js'

/** One page of `paginated_workspace_memberships`, checked. */
export interface MembersPage {
  readonly members: readonly Member[]
  readonly next: string | null
  readonly size: number | null
  readonly page: number | null
  readonly pagelen: number | null
}

/**
 * Reads a 200 answer as a members page. Anything that is not the expected JSON (HTML, plain text,
 * truncated JSON, `values` missing or not an array, a member without uuid) is a ListingError: a page we
 * cannot read is never taken as an empty one.
 */
export function parseMembersPage(response: HttpResponse, where: string): MembersPage {
  const broken = (what: string): ListingError =>
    new ListingError(
      `Bitbucket answered ${response.status} on ${where}, but ${what}.${bodySnippet(response)} ` +
        'The gate cannot vouch for a listing it could not read: re-run the job; if this persists, check `api-url` and any proxy in between.'
    )
  let body: unknown
  try {
    body = JSON.parse(response.body)
  } catch {
    throw broken('the body is not valid JSON')
  }
  if (!isRecord(body)) throw broken('the body is not a JSON object')
  const { values, next, size, page, pagelen } = body
  if (!Array.isArray(values)) throw broken('it has no `values` array')
  if (next !== undefined && next !== null && typeof next !== 'string') throw broken('its `next` is not a URL')
  if (size !== undefined && size !== null && !isCount(size)) throw broken('its `size` is not a count')
  if (page !== undefined && page !== null && !isCount(page)) throw broken('its `page` is not a number')
  const members = values.map((value: unknown, index) => {
    const member = readMember(value)
    if (member === null) throw broken(`member ${index + 1} on the page has no user with a uuid`)
    return member
  })
  return {
    members,
    next: typeof next === 'string' && next !== '' ? next : null,
    size: isCount(size) ? size : null,
    page: isCount(page) ? page : null,
    pagelen: isCount(pagelen) && pagelen > 0 ? pagelen : null
  }
}

function readMember(value: unknown): Member | null {
  if (!isRecord(value) || !isRecord(value.user)) return null
  const user = value.user
  if (typeof user.uuid !== 'string' || user.uuid.trim() === '') return null
  const isAppUser = user.type === 'app_user'
  const twoFactor = twoFactorOf(user.has_2fa_enabled)
  // A person with 2FA on is only counted, never named in a report: keep no names for them, so a
  // listing of 100,000 members stays small in memory.
  const named = isAppUser || twoFactor !== 'enabled'
  return {
    uuid: user.uuid.trim().toLowerCase(),
    accountId: typeof user.account_id === 'string' && user.account_id !== '' ? user.account_id : null,
    displayName: named && typeof user.display_name === 'string' ? user.display_name : '',
    nickname: named && typeof user.nickname === 'string' ? user.nickname : '',
    // Only an explicit app_user is a bot; any other or missing type is judged as a person.
    isAppUser,
    twoFactor
  }
}

/** Only `true` proves 2FA; `null`, absent or anything else is unknown. */
function twoFactorOf(flag: unknown): TwoFactorState {
  if (flag === true) return 'enabled'
  if (flag === false) return 'disabled'
  return 'unknown'
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}
