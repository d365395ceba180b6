import { describe, expect, it } from 'vitest'
import { planParallel } from '../../../src/bitbucket/listing/plan.js'
import { ListingError } from '../../../src/errors.js'
import { FIRST, membersPage, pageUrl, people, ScriptedReader } from '../../support/listing.js'
import { QUICK } from '../../support/quick.js'

const reader = () => new ScriptedReader(() => null)
/** Page 1 of a listing of `size` members, `perPage` on it, with a `next` to page 2. */
const full = (size: number, perPage = 100, extra: Parameters<typeof membersPage>[1] = {}) =>
  membersPage(people(perPage), { size, pagelen: perPage, next: pageUrl(2), page: 1, ...extra })

describe('planParallel', QUICK, () => {
  it('plans pages 2…N from page 1, changing only `page`', () => {
    expect(planParallel(reader(), full(250))).toEqual([pageUrl(2), pageUrl(3)])
    expect(planParallel(reader(), full(300))).toEqual([pageUrl(2), pageUrl(3)])
    expect(planParallel(reader(), full(301))).toEqual([pageUrl(2), pageUrl(3), pageUrl(4)])
  })

  it('plans two pages, and one page not at all', () => {
    expect(planParallel(reader(), full(200))).toEqual([pageUrl(2)])
    expect(planParallel(reader(), full(101))).toEqual([pageUrl(2)])
    expect(planParallel(reader(), full(100))).toBeNull()
    expect(planParallel(reader(), full(99))).toBeNull()
  })

  it('plans up to MAX_PAGES pages and no further', () => {
    const most = planParallel(reader(), full(5000 * 100))
    expect(most).toHaveLength(4999)
    expect(most?.at(-1)).toBe(pageUrl(5000))
    expect(planParallel(reader(), full(5000 * 100 + 1))).toBeNull()
  })

  it('needs both `size` and `next`, and without size does not even check the link', () => {
    expect(planParallel(reader(), full(250, 100, { size: null }))).toBeNull()
    expect(planParallel(reader(), full(250, 100, { size: null, next: 'https://evil.example/x?page=2' }))).toBeNull()
    expect(planParallel(reader(), full(250, 100, { next: null }))).toBeNull()
  })

  it('needs a full page 1, by `pagelen` or, without it, by what the page holds', () => {
    expect(planParallel(reader(), membersPage(people(99), { size: 250, pagelen: 100, next: pageUrl(2) }))).toBeNull()
    expect(planParallel(reader(), membersPage(people(100), { size: 250, pagelen: 120, next: pageUrl(2) }))).toBeNull()
    // Without `pagelen`, the page's own length is the page size: 250 members at 50 a page are 5 pages.
    expect(planParallel(reader(), membersPage(people(50), { size: 250, next: pageUrl(2) }))).toEqual([pageUrl(2), pageUrl(3), pageUrl(4), pageUrl(5)])
    expect(planParallel(reader(), membersPage(people(1), { size: 3, pagelen: 1, next: pageUrl(2) }))).toEqual([pageUrl(2), pageUrl(3)])
  })

  it('does not plan from an empty page 1, and does not even check its link', () => {
    const broken = membersPage([], { size: 5, next: 'https://evil.example/x?page=2' })
    expect(planParallel(reader(), broken)).toBeNull()
  })

  it('checks the link of page 1 before it plans: a link elsewhere fails closed', () => {
    const elsewhere = full(250, 100, { next: pageUrl(2).replace('api.bitbucket.org', 'evil.example') })
    expect(() => planParallel(reader(), elsewhere)).toThrow(ListingError)
    expect(() => planParallel(reader(), elsewhere)).toThrow(
      '`next` link on page 1 of workspace "acme" is not the next page of this listing: it points to another origin'
    )
    expect(() => planParallel(reader(), full(250, 100, { next: pageUrl(3) }))).toThrow('it leads to page 3, not to page 2')
  })

  it('resolves a relative link against the first URL', () => {
    const relative = full(250, 100, { next: `${FIRST.slice(FIRST.indexOf('/2.0/'))}&page=2` })
    expect(planParallel(reader(), relative)).toEqual([pageUrl(2), pageUrl(3)])
  })

  it('changes `page` wherever it stands in the query', () => {
    const query = FIRST.slice(FIRST.indexOf('?') + 1)
    const path = FIRST.slice(0, FIRST.indexOf('?'))
    expect(planParallel(reader(), full(250, 100, { next: `${path}?page=2&${query}` }))).toEqual([`${path}?page=2&${query}`, `${path}?page=3&${query}`])
    const middle = `${path}?${query.replace('&', '&page=2&')}`
    expect(planParallel(reader(), full(250, 100, { next: middle }))).toEqual([middle, middle.replace('page=2', 'page=3')])
  })

  it('reads one page at a time when the link spells page 2 in a way it cannot change safely', () => {
    // `page=%32` is page 2 to Bitbucket (and to the link check), but not the plain `page=2` the plan rewrites.
    expect(planParallel(reader(), full(250, 100, { next: `${FIRST}&page=%32` }))).toBeNull()
  })
})
