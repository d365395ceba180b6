import { ListingError } from '../../errors.js'
import type { WorkspaceListing } from '../../gate/accounts.js'
import type { ListingPage } from '../api/page.js'
import { collect, sameSequence } from './complete.js'
import type { ItemSet, ListingKind } from './kind.js'
import { fetchPlanned, followNext, MAX_PAGES } from './pages.js'
import { planParallel } from './plan.js'
import { membersKind, PAGELEN, PageReader } from './reader.js'
import type { ClientContext } from './types.js'

/** Reads of one listing before a listing that keeps changing is given up on. */
const MAX_READS = 4

/** One listing, read completely and consistently, and what it cost. */
export interface ReadListing<Set> {
  readonly items: Set
  /** Requests sent for it, retries included. */
  readonly requests: number
}

/** Lists every member of one workspace, completely and consistently, or throws a GateError (readListing). */
export async function listMembers(workspace: string, context: ClientContext): Promise<WorkspaceListing> {
  const { items, requests } = await readListing(membersKind(workspace, context), context)
  return { workspace, accounts: items, requests }
}

/**
 * Reads one listing of any kind, completely and consistently, or throws a GateError. Page 1 decides
 * the plan: all further pages at once when it allows it, else one at a time. Either way the pages
 * stream through the same completeness rules; a read that breaks them is followed by sequential reads.
 * With `size` one read that adds up is enough; without it, two reads must agree.
 */
export async function readListing<Item, Set extends ItemSet<Item>>(
  kind: ListingKind<Item, Set>,
  context: ClientContext,
  // A caller that must know what a failed read cost passes its own reader.
  reader: PageReader<Item, Set> = new PageReader(kind, context)
): Promise<ReadListing<Set>> {
  const first = await reader.fetch(reader.firstUrl, 1)
  // The run's deadline grows with what page 1 says is left to read: in pages of the length asked for,
  // never past the pages any read would fetch, whatever `size` and `pagelen` a server claims.
  if (first.size !== null) context.plan?.(Math.min(MAX_PAGES, Math.ceil(first.size / PAGELEN)) - 1)
  const problems: string[] = []
  const plan = planParallel(reader, first)
  if (plan !== null) {
    const outcome = await collect(reader, fetchPlanned(reader, first, plan), plan.length + 1)
    if (outcome.ok) return { items: outcome.members, requests: reader.requests }
    problems.push(outcome.reason)
  }
  const items = await readSequentially(reader, plan === null ? first : null, problems)
  return { items, requests: reader.requests }
}

async function readSequentially<Item, Set extends ItemSet<Item>>(
  reader: PageReader<Item, Set>,
  first: ListingPage<Item> | null,
  problems: string[]
): Promise<Set> {
  let previous: readonly string[] | null = null
  let reuse = first
  for (let read = 1; read <= MAX_READS; read++) {
    const outcome = await collect(reader, followNext(reader, reuse), null)
    reuse = null
    if (!outcome.ok) {
      problems.push(outcome.reason)
      continue
    }
    if (outcome.sizeKnown) return outcome.members
    // Without `size` an item joining or leaving mid-read shifts items unseen: only two reads that
    // list the same accounts in the same order, repeats included, count.
    if (previous !== null && sameSequence(previous, outcome.sequence)) return outcome.members
    if (previous !== null) problems.push(`two reads without \`size\` listed different ${reader.kind.noun}`)
    previous = outcome.sequence
  }
  const title = reader.kind.title
  throw new ListingError(
    `The ${title} kept changing while it was read (${problems.join('; ')}). ` +
      `The gate will not judge an incomplete listing: run the gate again once ${title.startsWith('member') ? 'membership' : 'permission'} changes have settled.`
  )
}
