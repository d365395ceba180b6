import { describe, expect, it } from 'vitest'
import type { MembersPage } from '../../../src/bitbucket/api/page.js'
import { fetchPlanned, followNext, MAX_PAGES } from '../../../src/bitbucket/listing/pages.js'
import { ListingError } from '../../../src/errors.js'
import { deferred, drain, FIRST, membersPage, pageUrl, people, ScriptedReader } from '../../support/listing.js'
import { QUICK } from '../../support/quick.js'

/** A listing of `total` members, 100 a page, each page linking to the next; `size` on every page unless left out. */
function listing(total: number, options: { size?: boolean } = {}) {
  const pages = Math.max(1, Math.ceil(total / 100))
  return (_: string, pageNo: number): MembersPage =>
    membersPage(people(Math.min(100, total - (pageNo - 1) * 100), (pageNo - 1) * 100 + 1), {
      size: options.size === false ? null : total,
      next: pageNo < pages ? pageUrl(pageNo + 1) : null
    })
}

/**
 * A listing whose pages always link on, never ending. Asked for a page past `bound`, it throws: a read
 * that no cap stops fails at once instead of running on.
 */
const endless =
  (size: number | null, perPage = 100, bound = MAX_PAGES) =>
  (_: string, pageNo: number) => {
    if (pageNo > bound) throw new Error(`page ${pageNo} was asked for, past every cap`)
    return membersPage(people(pageNo === 1 ? perPage : 0), { size, next: pageUrl(pageNo + 1) })
  }

const pageNos = (items: readonly { pageNo: number }[]) => items.map((item) => item.pageNo)

describe('followNext', QUICK, () => {
  it('reads page 1 itself, then follows every link, each checked, to the last page', async () => {
    const reader = new ScriptedReader(listing(250))
    const { items, error } = await drain(followNext(reader, null))
    expect(error).toBeNull()
    expect(pageNos(items)).toEqual([1, 2, 3])
    expect(items.map((item) => item.page.values.length)).toEqual([100, 100, 50])
    expect(reader.fetched.map((f) => [f.url, f.pageNo])).toEqual([
      [FIRST, 1],
      [pageUrl(2), 2],
      [pageUrl(3), 3]
    ])
  })

  it('starts from page 1 when it was read already, without reading it again', async () => {
    const script = listing(150)
    const reader = new ScriptedReader(script)
    const { items } = await drain(followNext(reader, script(FIRST, 1)))
    expect(pageNos(items)).toEqual([1, 2])
    expect(reader.fetched.map((f) => f.pageNo)).toEqual([2])
  })

  it('ends on a page without next, even page 1', async () => {
    const reader = new ScriptedReader(listing(30))
    const { items } = await drain(followNext(reader, null))
    expect(pageNos(items)).toEqual([1])
    expect(reader.fetched).toHaveLength(1)
  })

  it('tells the page count from size, or none without it', async () => {
    const withSize = new ScriptedReader(listing(300))
    await drain(followNext(withSize, null))
    expect(withSize.progress).toEqual(['acme 1/3', 'acme 2/3', 'acme 3/3'])
    const without = new ScriptedReader(listing(300, { size: false }))
    await drain(followNext(without, null))
    expect(without.progress).toEqual(['acme 1/null', 'acme 2/null', 'acme 3/null'])
  })

  it('fails closed on a link that is not the next page, before reading it', async () => {
    const reader = new ScriptedReader((url, pageNo) => membersPage(people(100), { size: 300, next: pageNo === 2 ? pageUrl(2) : pageUrl(pageNo + 1) }))
    const { items, error } = await drain(followNext(reader, null))
    expect(pageNos(items)).toEqual([1, 2])
    expect(error).toBeInstanceOf(ListingError)
    expect((error as Error).message).toContain(
      '`next` link on page 2 of workspace "acme" is not the next page of this listing: it leads to page 2, not to page 3'
    )
    expect(reader.fetched).toHaveLength(2)
  })

  it('stops two pages past what size allows: exactly that many pages read', async () => {
    const reader = new ScriptedReader(endless(150, 100, 5))
    const { items, error } = await drain(followNext(reader, null))
    // ⌈150 / 100⌉ + 2 = 4 pages, then the fifth is refused.
    expect(pageNos(items)).toEqual([1, 2, 3, 4])
    expect(reader.fetched).toHaveLength(4)
    expect(error).toBeInstanceOf(ListingError)
    expect((error as Error).message).toBe(
      'The member listing of workspace "acme" went past 4 pages although Bitbucket reported 150 members. ' +
        'The gate stops rather than read forever: run the gate again; if it persists, report it to Atlassian support.'
    )
  })

  it('counts an empty page 1 as one member a page for that bound', async () => {
    const reader = new ScriptedReader(endless(3, 0, 6))
    const { items, error } = await drain(followNext(reader, null))
    expect(pageNos(items)).toHaveLength(5)
    expect((error as Error).message).toContain('went past 5 pages although Bitbucket reported 3 members')
  })

  it(`never reads past ${MAX_PAGES} pages without size`, async () => {
    const unsized = new ScriptedReader(endless(null))
    const { items, error } = await drain(followNext(unsized, null))
    expect(items).toHaveLength(MAX_PAGES)
    expect((error as Error).message).toBe(
      `The member listing of workspace "acme" went past ${MAX_PAGES} pages. ` +
        'The gate stops rather than read forever: run the gate again; if it persists, report it to Atlassian support.'
    )
    expect(MAX_PAGES).toBe(5000)
  })

  it('passes a fetch error on to the consumer', async () => {
    const failure = new ListingError('page 2 broke')
    const reader = new ScriptedReader((url, pageNo) => {
      if (pageNo === 2) throw failure
      return listing(300)(url, pageNo)
    })
    const { items, error } = await drain(followNext(reader, null))
    expect(pageNos(items)).toEqual([1])
    expect(error).toBe(failure)
  })
})

describe('fetchPlanned', QUICK, () => {
  const urls = [pageUrl(2), pageUrl(3), pageUrl(4)]
  const first = membersPage(people(100), { size: 400, next: pageUrl(2) })

  it('yields page 1, then every planned page as it arrives, each with its number', async () => {
    const pending = new Map([2, 3, 4].map((n) => [n, deferred<MembersPage | null>()]))
    const reader = new ScriptedReader((_, pageNo) => pending.get(pageNo)!.promise)
    const pages = fetchPlanned(reader, first, urls)
    expect((await pages.next()).value).toEqual({ pageNo: 1, page: first })
    expect(reader.progress).toEqual(['acme 1/4'])
    // All planned pages are asked for at once (the limiter, not the stream, caps them).
    const third = membersPage(people(100, 201))
    const next = pages.next()
    await Promise.resolve()
    expect(reader.fetched.map((f) => [f.url, f.pageNo])).toEqual([
      [pageUrl(2), 2],
      [pageUrl(3), 3],
      [pageUrl(4), 4]
    ])
    pending.get(3)!.resolve(third)
    expect((await next).value).toEqual({ pageNo: 3, page: third })
    pending.get(4)!.resolve(membersPage(people(100, 301)))
    pending.get(2)!.resolve(membersPage(people(100, 101)))
    const rest = await drain({ [Symbol.asyncIterator]: () => pages })
    expect(pageNos(rest.items)).toEqual([4, 2])
    expect(rest.error).toBeNull()
    expect(reader.progress).toEqual(['acme 1/4', 'acme 3/4', 'acme 4/4', 'acme 2/4'])
  })

  it('yields pages that arrived before they were asked for, without waiting', async () => {
    const reader = new ScriptedReader((_, pageNo) => membersPage(people(100, pageNo * 100)))
    const pages = fetchPlanned(reader, first, urls)
    await pages.next()
    await new Promise((resolve) => setImmediate(resolve))
    const { items, error } = await drain({ [Symbol.asyncIterator]: () => pages })
    expect(error).toBeNull()
    expect(pageNos(items)).toEqual([2, 3, 4])
  })

  it('skips a page whose fetch was dropped, and still ends', async () => {
    const reader = new ScriptedReader((_, pageNo) => (pageNo === 3 ? null : membersPage(people(100, pageNo * 100))))
    const { items, error } = await drain(fetchPlanned(reader, first, urls))
    expect(error).toBeNull()
    expect(pageNos(items)).toEqual([1, 2, 4])
    expect(reader.progress).toEqual(['acme 1/4', 'acme 2/4', 'acme 4/4'])
  })

  it('passes the first error on, after the pages before it', async () => {
    const failure = new ListingError('page 3 broke')
    const reader = new ScriptedReader((_, pageNo) => (pageNo === 3 ? Promise.reject(failure) : membersPage(people(100, pageNo * 100))))
    const { items, error } = await drain(fetchPlanned(reader, first, urls))
    expect(pageNos(items)).toEqual([1, 2])
    expect(error).toBe(failure)
  })

  it('tells queued fetches to skip once the consumer stops', async () => {
    const reader = new ScriptedReader(() => membersPage(people(100)))
    const pages = fetchPlanned(reader, first, urls)
    await pages.next()
    await pages.next()
    const skips = reader.fetched.map((f) => f.skip)
    expect(skips).toHaveLength(3)
    for (const skip of skips) expect(skip?.()).toBe(false)
    await pages.return(undefined)
    for (const skip of skips) expect(skip?.()).toBe(true)
  })

  it('with nothing planned, yields page 1 alone', async () => {
    const reader = new ScriptedReader(() => membersPage(people(1)))
    const { items } = await drain(fetchPlanned(reader, first, []))
    expect(pageNos(items)).toEqual([1])
    expect(reader.fetched).toEqual([])
    expect(reader.progress).toEqual(['acme 1/1'])
  })
})
