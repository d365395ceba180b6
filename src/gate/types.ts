/** The gate's domain types. This module imports nothing. */

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

/** A member as seen across all workspaces read in this run. */
export interface AccountRecord extends Member {
  readonly workspaces: readonly string[]
}

/** One line of the `exempt` input, as parsed by config/exemptions. */
export interface Exemption {
  /** The account id as written, or a braced uuid lower-cased. */
  readonly id: string
  readonly idKind: 'account_id' | 'uuid'
  /** Last day (UTC, inclusive) the exemption applies, as YYYY-MM-DD. */
  readonly until: string | null
  readonly reason: string
  /** 1-based line in the `exempt` input, for messages. */
  readonly line: number
}
