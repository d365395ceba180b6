import type { Credentials } from '../../config/credentials.js'
import type { AuthSession } from '../auth/session.js'
import type { KeepAccountIds } from '../../gate/accounts.js'
import type { ListingPage } from '../api/page.js'
import type { Limiter } from '../../http/limiter.js'
import type { RetryContext } from '../../http/retry.js'

/** The client's wiring for one run: every workspace shares the limiter and the retry budget. */
export interface ClientContext {
  /** Base URL from `api-url`; credentials go to its origin and nowhere else. */
  readonly apiUrl: URL
  /** Where the `Authorization` header comes from (renewed once after a 401 for an OAuth consumer). */
  readonly session: AuthSession
  readonly credentials: Credentials
  readonly retry: RetryContext
  /** Shared by all workspaces: the cap on requests in flight. */
  readonly limiter: Limiter
  /** Account ids worth keeping for people with 2FA on (the exempted ones); default all. */
  readonly keepAccountIds?: KeepAccountIds
  /** Removes every secret from text that came from a server; applied before any text is cut short. */
  readonly scrub: (text: string) => string
  /** The run's deadline: how many more requests it plans, as page 1 of a listing tells. */
  readonly plan?: (requests: number) => void
  /** Called with each final answer, for the debug log. */
  readonly onResponse?: (info: { method: string; url: string; status: number; attempts: number }) => void
  /** Called after each page of a workspace is read, for progress on a terminal. */
  readonly onPage?: (info: { workspace: string; pageNo: number; pages: number | null }) => void
}

/** One page of a listing as it was read: its place in the listing and its checked content. */
export interface ReadPage<Item> {
  readonly pageNo: number
  readonly page: ListingPage<Item>
}

/** What one read of a listing came to: its members, or why they cannot be trusted. */
export type ReadOutcome<Set> =
  | { readonly ok: true; readonly members: Set; readonly sizeKnown: boolean; readonly sequence: readonly string[] }
  | { readonly ok: false; readonly reason: string }
