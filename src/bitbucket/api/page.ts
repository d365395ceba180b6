import { ACCOUNT_ID_RULE, isAccountId, isBracedUuid } from '../../config/exemptions.js'
import { ListingError } from '../../errors.js'
import type { Member, TwoFactorState } from '../../gate/types.js'
import type { HttpResponse } from '../../http/transport.js'
import { isRecord } from '../../json.js'
import { answerShape } from '../../text.js'
import { say } from '../../sentence.js'
import { code } from '../../config/catalogue.js'

/** One page of a Bitbucket listing, checked: its `values` read as items of one kind. */
export interface ListingPage<Item> {
  readonly values: readonly Item[]
  readonly next: string | null
  readonly size: number | null
  readonly page: number | null
  readonly pagelen: number | null
}

/** One page of `paginated_workspace_memberships`, checked. */
export type MembersPage = ListingPage<Member>

/** Reads one item of `values`: the item, or what is wrong with its shape (to follow `values[i]` in a message). */
export type ItemReader<Item> = (value: unknown, scrub: (text: string) => string) => Item | string

/**
 * Reads a 200 answer as a members page. Anything that is not the expected JSON (HTML, plain text,
 * truncated JSON, `values` missing or not an array, a member without uuid, a uuid that is not a braced
 * uuid, an `account_id` that is not an Atlassian account id, a 2FA flag that is not `true`, `false` or
 * `null`) is a ListingError: a page we cannot read is never taken as an empty one,
 * and a flag we cannot read is never taken as "unknown", which `fail-on-unknown: false` would pass.
 *
 * The error describes the shape, never the content: the body holds member names, which must not reach
 * a public log. Member text is passed through `scrub` as it enters, before anything can cut it short.
 * Identifiers are checked before they are trusted: later they are compared, counted, written into the
 * tracking issue's hidden state and printed, so one that could close a comment or mention a team never
 * gets that far; and one that holds a secret is refused rather than kept scrubbed (and so broken).
 */
export function parseMembersPage(response: HttpResponse, where: string, scrub: (text: string) => string): MembersPage {
  return parsePage(response, where, scrub, readMember)
}

/** Reads a 200 answer as a page of any listing, by the rules of parseMembersPage, each item by `readItem`. */
export function parsePage<Item>(response: HttpResponse, where: string, scrub: (text: string) => string, readItem: ItemReader<Item>): ListingPage<Item> {
  const broken = (what: string): ListingError =>
    new ListingError(
      say`Bitbucket answered ${response.status} on ${where}, but ${what}. The gate cannot vouch for a listing it could not read: run the gate again; if this persists, check ${code('api-url')} and any proxy in between.`
    )
  let body: unknown
  try {
    body = JSON.parse(response.body)
  } catch {
    throw broken(`the body is not valid JSON (${answerShape(response)})`)
  }
  if (!isRecord(body)) throw broken('the body is not a JSON object')
  const { values, next, size, page, pagelen } = body
  if (!Array.isArray(values)) throw broken('it has no `values` array')
  if (!isAbsent(next) && typeof next !== 'string') throw broken('its `next` is not a URL')
  if (!isAbsent(size) && !isCount(size)) throw broken('its `size` is not a count')
  if (!isAbsent(page) && !isCount(page)) throw broken('its `page` is not a number')
  if (!isAbsent(pagelen) && !(isCount(pagelen) && pagelen > 0)) throw broken('its `pagelen` is not a positive number')
  const items = values.map((value: unknown, index) => {
    const item = readItem(value, scrub)
    if (typeof item === 'string') throw broken(`values[${index}]${item}`)
    return item
  })
  return {
    values: items,
    next: typeof next === 'string' && next !== '' ? next : null,
    size: isCount(size) ? size : null,
    page: isCount(page) ? page : null,
    pagelen: isCount(pagelen) ? pagelen : null
  }
}

/** A member, or what is wrong with its shape (to follow `values[i]` in a message). */
export function readMember(value: unknown, scrub: (text: string) => string): Member | string {
  if (!isRecord(value)) return ' is not an object'
  return readUser(value.user, scrub, true)
}

/**
 * An item's `user`, checked by the member listing's rules, or what is wrong with it (after `values[i]`).
 * With `withFlag` false its `has_2fa_enabled` is not read: the permission listings may or may not fill
 * it in (the reference does not know), so the gate takes the flag from the member listing alone, and
 * such a user is `unknown` here.
 */
export function readUser(user: unknown, scrub: (text: string) => string, withFlag: boolean): Member | string {
  if (!isRecord(user)) return ' has no `user` object'
  if (typeof user.uuid !== 'string' || user.uuid === '') return '.user has no uuid'
  if (!isBracedUuid(user.uuid)) return `.user.uuid ${NOT_A_UUID}`
  if (!isAbsent(user.type) && typeof user.type !== 'string') return '.user.type is not a string'
  if (!isAbsent(user.account_id) && typeof user.account_id !== 'string') return '.user.account_id is not a string'
  const accountId = typeof user.account_id === 'string' && user.account_id !== '' ? user.account_id : null
  // Stryker disable next-line ConditionalExpression: equivalent when true (isAccountId(null) tests the text "null", which keeps the rule); when false, the same as the block's {} mutant
  if (accountId !== null) {
    if (!isAccountId(accountId)) return `.user.account_id ${NOT_AN_ACCOUNT_ID}`
  }
  const twoFactor = withFlag ? twoFactorOf(user.has_2fa_enabled) : 'unknown'
  if (twoFactor === null) return '.user.has_2fa_enabled is not true, false or null'
  const uuid = user.uuid.toLowerCase()
  if (scrub(uuid) !== uuid) return '.user.uuid holds a secret the gate was given'
  if (accountId !== null && scrub(accountId) !== accountId) return '.user.account_id holds a secret the gate was given'
  const isAppUser = user.type === 'app_user'
  // A person with 2FA on is only counted, never named in a report: keep no names for them, so a
  // listing of 100,000 members stays small in memory.
  const named = isAppUser || twoFactor !== 'enabled'
  return {
    uuid,
    accountId,
    displayName: named && typeof user.display_name === 'string' ? scrub(user.display_name) : '',
    nickname: named && typeof user.nickname === 'string' ? scrub(user.nickname) : '',
    // Only an explicit app_user is a bot; any other or missing type is judged as a person.
    isAppUser,
    twoFactor
  }
}

/** The rules, as a message states them (never the value that broke them). */
const NOT_A_UUID = 'is not a braced uuid ({8-4-4-4-12 hex})'
const NOT_AN_ACCOUNT_ID = `is not an Atlassian account id (${ACCOUNT_ID_RULE})`

/** `true` proves 2FA, `false` disproves it, `null` or absent is unknown; any other value is malformed (null). */
function twoFactorOf(flag: unknown): TwoFactorState | null {
  if (flag === true) return 'enabled'
  if (flag === false) return 'disabled'
  if (isAbsent(flag)) return 'unknown'
  return null
}

function isAbsent(value: unknown): value is null | undefined {
  return value === undefined || value === null
}

function isCount(value: unknown): value is number {
  // Number.isSafeInteger is false for anything but a number.
  return Number.isSafeInteger(value) && (value as number) >= 0
}
