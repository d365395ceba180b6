import type { Member, TwoFactorState } from './types.js'

/**
 * Two sightings of one uuid (two workspaces, or a page repeated), merged the same way in any order.
 * A person anywhere is a person: an `app_user` sighting neither makes them a bot nor adds to their
 * flag. Between two person sightings `disabled` wins, then `enabled`, then unknown; the names come
 * with the deciding sighting. Two different account ids keep the smaller one (AccountSet records the
 * conflict).
 */
export function mergeSightings(a: Member, b: Member): Member {
  const [accountId = null] = [a.accountId, b.accountId].filter((id) => id !== null).sort()
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
