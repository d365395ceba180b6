import type { Exemption, Repository } from '../gate/types.js'
import type { AtlassianOptions } from './atlassian.js'
import type { Credentials } from './credentials.js'

/** What the engine needs for one check, the same from either door. */
export interface Options {
  /** Workspace slugs or braced uuids (lower-cased), without duplicates, in the order given. */
  readonly workspaces: readonly string[]
  readonly credentials: Credentials
  /** Bitbucket's API base URL; credentials are sent to its origin and nowhere else. */
  readonly apiUrl: URL
  readonly exemptions: readonly Exemption[]
  /** Whether a person whose flag Bitbucket did not give fails the check. */
  readonly failOnUnknown: boolean
  /** The organization to ask about Atlassian-account 2SV; null (the default) sends it nothing. */
  readonly atlassian?: AtlassianOptions | null
  /** The repository scope (`repository`): judge only who can write to these; empty or absent: every member. */
  readonly repositories?: readonly Repository[]
  /** An exemption may excuse a workspace admin (`allow-admin-exemptions`); default false. */
  readonly allowAdminExemptions?: boolean
}
