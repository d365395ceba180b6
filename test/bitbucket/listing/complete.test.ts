import { describe, expect, it } from 'vitest'
import type { MembersPage } from '../../../src/bitbucket/api/page.js'
import { collect, sameSequence } from '../../../src/bitbucket/listing/complete.js'
import type { ReadPage } from '../../../src/bitbucket/listing/types.js'
import type { Member } from '../../../src/gate/types.js'
import { membersPage, people, ScriptedReader } from '../../support/listing.js'
import { QUICK } from '../../support/quick.js'

const reader = () => new ScriptedReader(() => null)

async function* stream(...pages: MembersPage[]): AsyncGenerator<ReadPage<Member>> {
  for (const [index, page] of pages.entries()) {
    await Promise.resolve()
    yield { pageNo: index + 1, page }
  }
}

/** Pages of `perPage` people that together list `total` of them, each page giving `size` (or not). */
function pagesOf(total: number, perPage: number, size: number | null = total): MembersPage[] {
  return Array.from({ length: Math.ceil(total / perPage) }, (_, i) =>
    membersPage(people(Math.min(perPage, total - i * perPage), i * perPage + 1), { size, next: (i + 1) * perPage < total ? `next ${i + 2}` : null })
  )
}

const uuids = (count: number, from = 1) => people(count, from).map((m) => m.uuid)

describe('collect', QUICK, () => {
  it('adds up the members of a read whose size holds, keeping no sequence', async () => {
    const outcome = await collect(reader(), stream(...pagesOf(250, 100)), null)
    expect(outcome).toMatchObject({ ok: true, sizeKnown: true, sequence: [] })
    expect(outcome.ok && outcome.members.size).toBe(250)
  })

  it('keeps the order of the uuids it saw, repeats included, when there is no size', async () => {
    const [first, second] = pagesOf(4, 2, null)
    const repeated = membersPage([...second!.values, second!.values[0]!], { size: null })
    const outcome = await collect(reader(), stream(first!, repeated), null)
    expect(outcome).toMatchObject({ ok: true, sizeKnown: false })
    expect(outcome.ok && outcome.sequence).toEqual([...uuids(4), uuids(1, 3)[0]])
    expect(outcome.ok && outcome.members.size).toBe(4)
  })

  it('fails when the unique members do not add up to size', async () => {
    const [first, second] = pagesOf(200, 100)
    const repeat = membersPage(first!.values, { size: 200 })
    expect(await collect(reader(), stream(first!, repeat), null)).toEqual({ ok: false, reason: 'Bitbucket reported 200 members but listed 100 different ones' })
    expect((await collect(reader(), stream(first!, second!), null)).ok).toBe(true)
    expect(await collect(reader(), stream(...pagesOf(99, 100, 100)), null)).toEqual({
      ok: false,
      reason: 'Bitbucket reported 100 members but listed 99 different ones'
    })
  })

  it('fails on a page that answers as another page', async () => {
    const [first, second] = pagesOf(200, 100)
    const outcome = await collect(reader(), stream(first!, { ...second!, page: 3 }), null)
    expect(outcome).toEqual({ ok: false, reason: 'page 2 answered as page 3' })
    expect((await collect(reader(), stream(first!, { ...second!, page: 2 }), null)).ok).toBe(true)
  })

  it("fails on a page whose size is not page 1's", async () => {
    const [first, second] = pagesOf(200, 100)
    expect(await collect(reader(), stream(first!, { ...second!, size: 201 }), null)).toEqual({ ok: false, reason: 'its size changed from 200 to 201' })
    expect(await collect(reader(), stream(first!, { ...second!, size: null }), null)).toEqual({ ok: false, reason: 'its size changed from 200 to null' })
    const [unsized, later] = pagesOf(200, 100, null)
    expect(await collect(reader(), stream(unsized!, { ...later!, size: 200 }), null)).toEqual({ ok: false, reason: 'its size changed from null to 200' })
  })

  it('with a known page count, needs next on every page but the last, and none on the last', async () => {
    const [first, second, third] = pagesOf(250, 100)
    expect((await collect(reader(), stream(first!, second!, third!), 3)).ok).toBe(true)
    expect(await collect(reader(), stream(first!, { ...second!, next: null }), 3)).toEqual({ ok: false, reason: 'page 2 of 3 ended the listing early' })
    expect(await collect(reader(), stream(first!, second!, { ...third!, next: 'more' }), 3)).toEqual({
      ok: false,
      reason: 'page 3 of 3 pointed past the end'
    })
  })

  it('without a page count, lets any page end the read', async () => {
    const [first, second] = pagesOf(150, 100, 200)
    expect(await collect(reader(), stream(first!, second!), null)).toEqual({
      ok: false,
      reason: 'Bitbucket reported 200 members but listed 150 different ones'
    })
  })

  it('stops reading at the first page that breaks a rule', async () => {
    const [first, second, third] = pagesOf(300, 100)
    let pulled = 0
    async function* counted(): AsyncGenerator<ReadPage<Member>> {
      for (const item of [first!, { ...second!, page: 9 }, third!].entries()) {
        await Promise.resolve()
        pulled++
        yield { pageNo: item[0] + 1, page: item[1] }
      }
    }
    expect(await collect(reader(), counted(), null)).toEqual({ ok: false, reason: 'page 2 answered as page 9' })
    expect(pulled).toBe(2)
  })
})

describe('sameSequence', QUICK, () => {
  it('holds only for the same uuids in the same order, of the same length', () => {
    expect(sameSequence(['a', 'b'], ['a', 'b'])).toBe(true)
    expect(sameSequence([], [])).toBe(true)
    expect(sameSequence(['a', 'b'], ['b', 'a'])).toBe(false)
    expect(sameSequence(['a'], ['a', 'b'])).toBe(false)
    expect(sameSequence(['a', 'b'], ['a'])).toBe(false)
    expect(sameSequence(['a', 'a'], ['a'])).toBe(false)
  })
})
