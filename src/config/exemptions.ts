import { InputError } from '../errors.js'
import type { Exemption } from '../gate/types.js'
import { describeStrayCharacter, printable } from '../text.js'
import { say } from '../sentence.js'
import { code } from './catalogue.js'

const UUID = /^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$/i
// Atlassian account ids are `557058:3f2a…` or 24 hex characters; allow the shape, not a nickname's spaces.
const ACCOUNT_ID = /^[A-Za-z0-9][A-Za-z0-9:_-]{0,127}$/
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

export function isBracedUuid(text: string): boolean {
  return UUID.test(text)
}

/** The shape of an Atlassian account id, in words, for a message that must not quote the id. */
export const ACCOUNT_ID_RULE = 'a letter or digit, then up to 127 letters, digits, `:`, `_` or `-`'

/** Whether `text` has the shape of an Atlassian account id: the one rule for the exemptions, listings and the organization. */
export function isAccountId(text: string): boolean {
  return ACCOUNT_ID.test(text)
}

/**
 * Parses the `exempt` input: one `<account_id or {uuid}> [until YYYY-MM-DD] [# reason]` a line.
 * Blank lines and lines that start with `#` are ignored.
 */
export function parseExemptions(text: string): Exemption[] {
  const exemptions: Exemption[] = []
  // The line each account was first exempted on.
  const seen = new Map<string, number>()
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1
    const hash = raw.indexOf('#')
    const body = (hash === -1 ? raw : raw.slice(0, hash)).trim()
    const reason = hash === -1 ? '' : raw.slice(hash + 1).trim()
    if (body === '') return
    const where = say`${code('exempt')} line ${line}`
    // Ids copied from a web page can carry characters no eye sees; everything before `#` is ASCII.
    const stray = describeStrayCharacter(hash === -1 ? raw : raw.slice(0, hash))
    if (stray !== null) throw new InputError(say`${where} ${stray}.`)
    const words = body.split(/\s+/)
    const [id = '', keyword, date, ...rest] = words
    let idKind: Exemption['idKind']
    if (UUID.test(id)) idKind = 'uuid'
    else if (ACCOUNT_ID.test(id)) idKind = 'account_id'
    else {
      // The text may be a nickname or a mistyped id of a person without 2FA: a public log says only where.
      const fix = 'Write `<account_id or {uuid}> [until YYYY-MM-DD] [# reason]`; nicknames are not identities.'
      throw new InputError(
        say`${where}: "${printable(id)}" is not an Atlassian account_id or a braced {uuid}. ${fix}`,
        say`${where}: its first word is not an Atlassian account_id or a braced {uuid} (not quoted, as names are withheld). ${fix}`
      )
    }
    let until: string | null = null
    if (keyword !== undefined) {
      if (keyword !== 'until' || date === undefined || rest.length > 0) {
        throw new InputError(say`${where}: expected \`<account_id or {uuid}> [until YYYY-MM-DD] [# reason]\`; put free text after a \`#\`.`)
      }
      if (!isRealDate(date)) {
        throw new InputError(say`${where}: "${printable(date)}" is not a date; write it as YYYY-MM-DD (for example 2027-01-31).`)
      }
      until = date
    }
    const key = idKind === 'uuid' ? id.toLowerCase() : id
    const first = seen.get(key)
    if (first !== undefined) {
      throw new InputError(
        say`${where}: ${key} is exempted twice; keep one line per account.`,
        say`${where} exempts the same account as line ${first}; keep one line per account.`
      )
    }
    seen.set(key, line)
    exemptions.push({ id: key, idKind, until, reason, line })
  })
  return exemptions
}

/** Today's date in UTC as YYYY-MM-DD. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10)
}

function isRealDate(text: string): boolean {
  const match = DATE.exec(text)
  if (!match) return false
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  // A day that does not exist (2027-02-30) rolls over into another, and years 0000-0099 are read as
  // 1900-1999: either way the day written back is not the day that was matched.
  return utcDay(new Date(Date.UTC(year, month - 1, day))) === match[0]
}
