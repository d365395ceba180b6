import type { AccountRecord } from '../gate/types.js'

/** Names as people sort them: `Person 2` before `Person 10`, case and accents aside; the same in every locale. */
const NAME_ORDER = new Intl.Collator('en', { numeric: true, sensitivity: 'base' })

/** By name as people expect, then by uuid, so that the order never depends on Bitbucket's. */
export function byName(a: Pick<AccountRecord, 'displayName' | 'uuid'>, b: Pick<AccountRecord, 'displayName' | 'uuid'>): number {
  return NAME_ORDER.compare(a.displayName, b.displayName) || (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0)
}

/** Admins first (an admin without 2FA costs the most), then by name: the order of every list of people. */
export function adminsFirst(a: Pick<AccountRecord, 'displayName' | 'uuid' | 'admin'>, b: Pick<AccountRecord, 'displayName' | 'uuid' | 'admin'>): number {
  return Number(b.admin === true) - Number(a.admin === true) || byName(a, b)
}
