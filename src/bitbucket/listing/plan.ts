import type { ListingPage } from '../api/page.js'
import type { ItemSet } from './kind.js'
import { MAX_PAGES } from './pages.js'
import type { PageReader } from './reader.js'

const PAGE_TWO = /([?&]page=)2(?=&|#|$)/

/**
 * The URLs of pages 2…N, built from page 1's `next` by changing only `page`, when page 1 allows it:
 * it gives `size`, a `next` to page 2, and is full (so `size` tells the page count). Otherwise null,
 * and the listing is read by following `next`.
 */
export function planParallel<Item, Set extends ItemSet<Item>>(reader: PageReader<Item, Set>, first: ListingPage<Item>): string[] | null {
  if (first.size === null || first.next === null) return null
  const perPage = first.pagelen ?? first.values.length
  if (perPage < 1 || first.values.length !== perPage) return null
  const pages = Math.ceil(first.size / perPage)
  const next = reader.checkNext(first.next, reader.firstUrl, 1)
  if (pages < 2 || pages > MAX_PAGES || !PAGE_TWO.test(next)) return null
  return Array.from({ length: pages - 1 }, (_, index) => next.replace(PAGE_TWO, `$1${index + 2}`))
}
