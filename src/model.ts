import type { AccountSet } from './accounts.js'

/** What the gate knows about one account, after reading the member listings. */
export type TwoFactorState = 'enabled' | 'disabled' | 'unknown'

export interface Member {
  /** Bitbucket's `uuid`, with braces, lower-cased: the identity used for dedupe and exemptions. */
  readonly uuid: string
  readonly accountId: string | null
  readonly displayName: string
  readonly nickname: string
  /** `app_user` accounts are bots; two-step verification does not apply to them. */
  readonly isAppUser: boolean
  readonly twoFactor: TwoFactorState
}

/** One workspace's listing, complete and consistent, as returned by the client. */
export interface WorkspaceListing {
  readonly workspace: string
  readonly accounts: AccountSet
  /** API requests spent on this workspace, retries included. */
  readonly requests: number
}

/** A member as seen across all workspaces read in this run. */
export interface AccountRecord extends Member {
  readonly workspaces: readonly string[]
}

/**
 * Two sightings of one uuid (two workspaces, or a page repeated), merged the same way in any order.
 * A person anywhere is a person: an `app_user` sighting neither makes them a bot nor adds to their
 * flag. Between two person sightings `disabled` wins, then `enabled`, then unknown; the names come
 * with the deciding sighting. Two different account ids keep the smaller one (AccountSet records the
 * conflict).
 */
export function mergeSightings(a: Member, b: Member): Member {
  const accountId = a.accountId === null || b.accountId === null ? (a.accountId ?? b.accountId) : a.accountId < b.accountId ? a.accountId : b.accountId
  if (a.isAppUser !== b.isAppUser) return { ...(a.isAppUser ? b : a), accountId }
  const twoFactor = mergeTwoFactor(a.twoFactor, b.twoFactor)
  const deciding = [a, b].filter((m) => m.twoFactor === twoFactor)
  const [first = a, second] = deciding
  const names = second === undefined || nameKey(first) <= nameKey(second) ? first : second
  return { ...names, accountId, twoFactor }
}

function nameKey(member: Member): string {
  return `${member.displayName}\u0000${member.nickname}`
}

/** Two flags of one person: `disabled` anywhere wins, then `enabled`, then unknown. */
export function mergeTwoFactor(a: TwoFactorState, b: TwoFactorState): TwoFactorState {
  if (a === 'disabled' || b === 'disabled') return 'disabled'
  if (a === 'enabled' || b === 'enabled') return 'enabled'
  return 'unknown'
}
