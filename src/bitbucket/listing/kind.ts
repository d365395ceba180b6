import type { GateError } from '../../errors.js'
import type { HttpResponse } from '../../http/transport.js'
import type { ItemReader } from '../api/page.js'

/** Where the items of one read are gathered: unique by uuid, in whatever form the listing keeps them. */
export interface ItemSet<Item> {
  add(item: Item): void
  /** Unique items so far, to compare with the listing's `size`. */
  readonly size: number
}

/**
 * One kind of Bitbucket listing (the members of a workspace, its admins, the writers of a repository):
 * what the shared reader needs to page it. Every kind goes through the same limiter, retries, `next`
 * checks and completeness rules; only the URL, the items and the words differ.
 */
export interface ListingKind<Item, Set extends ItemSet<Item>> {
  /** The workspace the listing belongs to (its `next` links keep this path segment, in any case). */
  readonly workspace: string
  /** The listing in words: `member listing of workspace "acme"`, `admin listing of workspace "acme"`. */
  readonly title: string
  /** Page N of it in words: `page 2 of workspace "acme"`. */
  readonly where: (pageNo: number) => string
  /** Page 1's URL. */
  readonly url: string
  /** Index of the workspace among the URL's decoded path segments. */
  readonly workspaceSegment: number
  /** What one item is called in a count (members, entries). */
  readonly noun: string
  readonly readItem: ItemReader<Item>
  readonly uuidOf: (item: Item) => string
  readonly newSet: () => Set
  /** A non-200 answer as the error to throw. */
  readonly failure: (response: HttpResponse, pageNo: number, attempts: number) => GateError
  /** Whether reading a page is progress a terminal shows (the member listings are). */
  readonly progress: boolean
}
