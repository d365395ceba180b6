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

/** Two sightings of one account: `disabled` anywhere wins, then `enabled`, then unknown. */
export function mergeTwoFactor(a: TwoFactorState, b: TwoFactorState): TwoFactorState {
  if (a === 'disabled' || b === 'disabled') return 'disabled'
  if (a === 'enabled' || b === 'enabled') return 'enabled'
  return 'unknown'
}
