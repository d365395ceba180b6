import { ListingError } from '../../errors.js'
import type { ListingPage } from '../api/page.js'
import type { ItemSet } from './kind.js'
import type { PageReader } from './reader.js'
import type { ReadPage } from './types.js'

/** No listing is read past this many pages (500,000 members). */
export const MAX_PAGES = 5000

/**
 * The pages of one read, following `next` one page at a time from page 1 (`first` when it was read
 * already). Every link is checked to lead to the next page of this listing; the read stops past a sane
 * page count (from `size` when page 1 gives it).
 */
export async function* followNext<Item, Set extends ItemSet<Item>>(
  reader: PageReader<Item, Set>,
  first: ListingPage<Item> | null
): AsyncGenerator<ReadPage<Item>> {
  let url = reader.firstUrl
  let pageNo = 1
  let page = first ?? (await reader.fetch(url, 1))
  const size = page.size
  const cap = size === null ? MAX_PAGES : Math.min(MAX_PAGES, Math.ceil(size / Math.max(1, page.values.length)) + 2)
  // Stryker disable next-line BlockStatement: an emptied body makes an endless loop that never yields, a hang no test can end before Stryker's timeout (which counts it detected)
  for (;;) {
    reader.pageRead(pageNo, size === null ? null : Math.ceil(size / Math.max(1, page.values.length)))
    yield { pageNo, page }
    if (page.next === null) return
    // checkNext demands page pageNo + 1, so no link can lead back to a page already read.
    const nextUrl = reader.checkNext(page.next, url, pageNo)
    if (pageNo >= cap) {
      throw new ListingError(
        `The ${reader.kind.title} went past ${cap} pages` +
          (size === null ? '' : ` although Bitbucket reported ${size.toLocaleString('en')} ${reader.kind.noun}`) +
          '. The gate stops rather than read forever: run the gate again; if it persists, report it to Atlassian support.'
      )
    }
    url = nextUrl
    pageNo++
    page = await reader.fetch(url, pageNo)
  }
}

/**
 * Page 1, then pages 2…N of a plan, requested at once (the reader's limiter caps how many are in
 * flight) and yielded in the order they arrive. When the consumer stops early, requests still queued
 * are not sent.
 */
export async function* fetchPlanned<Item, Set extends ItemSet<Item>>(
  reader: PageReader<Item, Set>,
  first: ListingPage<Item>,
  urls: readonly string[]
): AsyncGenerator<ReadPage<Item>> {
  const pages = urls.length + 1
  reader.pageRead(1, pages)
  yield { pageNo: 1, page: first }
  let stopped = false
  const arrived: ({ readonly pageNo: number; readonly page: ListingPage<Item> | null } | { readonly error: unknown })[] = []
  // Ends the consumer's wait for an arrival; once that wait is over, calling it again does nothing.
  let wake = (): void => undefined
  const settle = (item: (typeof arrived)[number]): void => {
    arrived.push(item)
    wake()
  }
  urls.forEach((url, index) => {
    const pageNo = index + 2
    reader
      .fetch(url, pageNo, () => stopped)
      .then(
        (page) => {
          settle({ pageNo, page })
        },
        (error: unknown) => {
          settle({ error })
        }
      )
  })
  try {
    for (let outstanding = urls.length; outstanding > 0; outstanding--) {
      if (arrived.length === 0) await new Promise<void>((resolve) => (wake = resolve))
      const item = arrived.shift()
      // Stryker disable next-line ConditionalExpression: equivalent, every wake follows an arrival, so the queue is never empty here (the check is for the type)
      if (item === undefined) continue
      if ('error' in item) throw item.error
      if (item.page === null) continue
      reader.pageRead(item.pageNo, pages)
      yield { pageNo: item.pageNo, page: item.page }
    }
  } finally {
    stopped = true
  }
}
