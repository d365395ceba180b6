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

/**
 * Atlassian-account two-step verification as the organization admin API reports it: `on` only for an
 * account it returned with `mfaEnabled: true` (and, if given, `claimStatus: managed`).
 */
export type SecondFactor = 'on' | 'off' | 'unknown'

/** A member as seen across all workspaces read in this run. */
export interface AccountRecord extends Member {
  readonly workspaces: readonly string[]
  /** Present when the organization was asked about this person. */
  readonly secondFactor?: SecondFactor
}

/** What the organization said, for the verdict: accepted as proof, or information only. */
export interface SecondSource {
  /** `accept-atlassian-2sv`: people with Atlassian 2SV on pass. */
  readonly accepted: boolean
  /** account id → state, for the people Bitbucket does not prove. Empty when the organization was not asked or failed. */
  readonly states: ReadonlyMap<string, SecondFactor>
  /** Requests sent to the organization API, retries included. */
  readonly requests: number
  /**
   * Why the organization could not be used (only when not accepted: then the Bitbucket verdict stands).
   * An error, not a string: it may carry what the organization said, which only a door may show.
   */
  readonly warning: Error | null
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
