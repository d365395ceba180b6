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
  /** An admin of one of their workspaces; null when the admins of a workspace of theirs could not be looked up. */
  readonly admin: boolean | null
  /** Not in any member listing: only the admin or a repository listing named them, so Bitbucket's flag is not visible. */
  readonly listed: boolean
  /** In repository scope, what puts them in it: each listed repository they can write to, and how; empty in workspace scope. */
  readonly grants: readonly Grant[]
}

/** A person's write access to one repository of the scope. */
export interface Grant {
  /** `workspace/slug`. */
  readonly repository: string
  readonly permission: WritePermission
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

/** A Bitbucket repository the gate is scoped to (`repository`). */
export interface Repository {
  /** The workspace slug or braced uuid (lower-cased), as `workspace` takes it. */
  readonly workspace: string
  readonly slug: string
  /** `workspace/slug`, as the admin wrote it. */
  readonly fullName: string
}

/** A repository permission that can push or administer: the only ones the repository scope judges. */
export type WritePermission = 'write' | 'admin'

/** The admins of one workspace, or why the gate could not learn them. */
export type AdminLookup =
  | { readonly known: true; readonly admins: ReadonlyMap<string, Member> }
  /** `reason` is a GateError: it may carry what Bitbucket said, which only a door may show. */
  | { readonly known: false; readonly reason: Error }

export interface WorkspaceAdmins {
  readonly workspace: string
  /** uuid → the admin as the admin listing named them (2FA unknown: the flag comes from the member listing). */
  readonly lookup: AdminLookup
  /** Requests sent for the admin listing, retries included (0 when skipped). */
  readonly requests: number
}

/** Everyone who can push to or administer one repository, by the effective permission listing. */
export interface RepositoryWriters {
  readonly repository: Repository
  /** uuid → the user and the highest level the listing gives them (write or admin). */
  readonly writers: ReadonlyMap<string, { readonly member: Member; readonly permission: WritePermission }>
  readonly requests: number
}
