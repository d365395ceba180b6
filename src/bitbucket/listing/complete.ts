import type { ListingPage } from '../api/page.js'
import type { ItemSet } from './kind.js'
import type { PageReader } from './reader.js'
import type { ReadOutcome, ReadPage } from './types.js'

/**
 * The completeness rules, applied to a stream of pages as they come: every page is the one asked for
 * and reports page 1's `size`; with a known page count, only the last page ends the listing; the
 * unique members add up to `size`. The first page that breaks a rule ends the read (the stream stops
 * fetching). Without `size`, the read keeps the order of the uuids it saw, for the caller to compare
 * two reads.
 */
export async function collect<Item, Set extends ItemSet<Item>>(
  reader: PageReader<Item, Set>,
  pages: AsyncIterable<ReadPage<Item>>,
  lastPage: number | null
): Promise<ReadOutcome<Set>> {
  const members = reader.newSet()
  const sequence: string[] = []
  let size: number | null = null
  for await (const { pageNo, page } of pages) {
    if (pageNo === 1) size = page.size
    const problem = (lastPage === null ? null : endMismatch(page, pageNo, lastPage)) ?? pageMismatch(page, pageNo, size)
    if (problem !== null) return { ok: false, reason: problem }
    for (const item of page.values) {
      members.add(item)
      if (size === null) sequence.push(reader.kind.uuidOf(item))
    }
  }
  if (size !== null && members.size !== size) {
    return {
      ok: false,
      reason: `Bitbucket reported ${size.toLocaleString('en')} ${reader.kind.noun} but listed ${members.size.toLocaleString('en')} different ones`
    }
  }
  return { ok: true, members, sizeKnown: size !== null, sequence }
}

/** Two reads without `size` agree only when they list the same uuids in the same order, repeats included. */
export function sameSequence(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((uuid, index) => uuid === b[index])
}

/** A page that is not the one asked for, or reports another `size` than page 1: the listing moved. */
function pageMismatch(page: ListingPage<unknown>, pageNo: number, size: number | null): string | null {
  if (page.page !== null && page.page !== pageNo) return `page ${pageNo} answered as page ${page.page}`
  if (page.size !== size) return `its size changed from ${String(size)} to ${String(page.size)}`
  return null
}

/** With a known page count, `next` is present on every page but the last. */
function endMismatch(page: ListingPage<unknown>, pageNo: number, lastPage: number): string | null {
  if ((page.next === null) === (pageNo === lastPage)) return null
  return `page ${pageNo} of ${lastPage} ${page.next === null ? 'ended the listing early' : 'pointed past the end'}`
}
