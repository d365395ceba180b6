import { ListingError } from '../../errors.js'
import type { WorkspaceListing } from '../../gate/accounts.js'
import type { MembersPage } from '../api/page.js'
import { collect, sameSequence } from './complete.js'
import { fetchPlanned, followNext, MAX_PAGES } from './pages.js'
import { planParallel } from './plan.js'
import { PAGELEN, PageReader } from './reader.js'
import type { ClientContext } from './types.js'

/** Reads of one workspace before a listing that keeps changing is given up on. */
const MAX_READS = 4

/**
 * Lists every member of one workspace, completely and consistently, or throws a GateError. Page 1
 * decides the plan: all further pages at once when it allows it, else one at a time. Either way the
 * pages stream through the same completeness rules; a read that breaks them is followed by sequential
 * reads. With `size` one read that adds up is enough; without it, two reads must agree.
 */
export async function listMembers(workspace: string, context: ClientContext): Promise<WorkspaceListing> {
  const reader = new PageReader(workspace, context)
  const first = await reader.fetch(reader.firstUrl, 1)
  // The run's deadline grows with what page 1 says is left to read: in pages of the length asked for,
  // never past the pages any read would fetch, whatever `size` and `pagelen` a server claims.
  if (first.size !== null) context.plan?.(Math.min(MAX_PAGES, Math.ceil(first.size / PAGELEN)) - 1)
  const problems: string[] = []
  const plan = planParallel(reader, first)
  if (plan !== null) {
    const outcome = await collect(reader, fetchPlanned(reader, first, plan), plan.length + 1)
    if (outcome.ok) return { workspace, accounts: outcome.members, requests: reader.requests }
    problems.push(outcome.reason)
  }
  const accounts = await readSequentially(reader, plan === null ? first : null, problems)
  return { workspace, accounts, requests: reader.requests }
}

async function readSequentially(reader: PageReader, first: MembersPage | null, problems: string[]): Promise<WorkspaceListing['accounts']> {
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
    // Without `size` a member joining or leaving mid-read shifts items unseen: only two reads that
    // list the same accounts in the same order, repeats included, count.
    if (previous !== null && sameSequence(previous, outcome.sequence)) return outcome.members
    if (previous !== null) problems.push('two reads without `size` listed different members')
    previous = outcome.sequence
  }
  throw new ListingError(
    `The member listing of workspace "${reader.workspace}" kept changing while it was read (${problems.join('; ')}). ` +
      'The gate will not judge an incomplete listing: run the gate again once membership changes have settled.'
  )
}
