import { describe, expect, it } from 'vitest'
import { listMembers } from '../../../src/bitbucket/listing/list.js'
import type { ClientContext } from '../../../src/bitbucket/listing/types.js'
import { ListingError } from '../../../src/errors.js'
import { adminCredential, compliantWorkspace, person } from '../../simulator/fixtures.js'
import type { BitbucketSimulator, FaultRule } from '../../simulator/server.js'
import { clientContext, membersOf } from '../../support/client.js'
import { simulatorInMemory } from '../../support/simulator.js'
import { QUICK } from '../../support/quick.js'

const start = simulatorInMemory()

const uuidsOf = (members: readonly { uuid: string }[]) => members.map((m) => m.uuid).sort()
const onPage = (page: number, times = 1, workspace?: string): Pick<FaultRule, 'when' | 'times'> => ({
  when: (r) => r.page === page && (workspace === undefined || r.workspace === workspace),
  times
})

describe('parallel paging', QUICK, () => {
  it('reads 1,000 members in exactly 10 requests with at most 8 in flight', async () => {
    const s = await start({ workspaces: [compliantWorkspace('acme', 1000)], latencyMs: 5 })
    const { context, limiter, planned } = clientContext(s)
    const result = await listMembers('acme', context)
    // The run's deadline learns of the 9 pages page 1 leaves to read.
    expect(planned).toEqual([9])
    expect(membersOf(result)).toHaveLength(1000)
    expect(result.requests).toBe(10)
    expect(s.requests).toBe(10)
    expect(s.maxInFlight).toBeLessThanOrEqual(8)
    expect(s.maxInFlight).toBeGreaterThan(1)
    expect(limiter.peakActive).toBe(8)
  })

  it('tells the deadline no more pages than any read would fetch, whatever size page 1 claims', async () => {
    const s = await start({
      workspaces: [compliantWorkspace('acme', 150)],
      faults: [{ ...onPage(1, Infinity), action: { rewrite: (body) => ({ ...body, size: 1_000_000_000 }) } }]
    })
    const { context, planned } = clientContext(s)
    await expect(listMembers('acme', context)).rejects.toThrow(ListingError)
    expect(planned).toEqual([4999])
  })

  it('reads without a deadline to tell', async () => {
    const s = await start({ workspaces: [compliantWorkspace('acme', 250)] })
    const withoutDeadline: ClientContext = { ...clientContext(s).context, plan: undefined }
    expect(membersOf(await listMembers('acme', withoutDeadline))).toHaveLength(250)
  })

  it("keeps every parameter of Bitbucket's next link and changes only page", async () => {
    const s = await start({ workspaces: [compliantWorkspace('acme', 350)] })
    await listMembers('acme', clientContext(s).context)
    const paths = s.log.map((entry) => entry.path)
    const first = paths[0]!
    for (const [index, path] of paths.slice(1).sort().entries()) expect(path).toBe(`${first}&page=${index + 2}`)
  })

  it('is right whatever order the pages arrive in', async () => {
    const s = await start({
      workspaces: [compliantWorkspace('acme', 500)],
      faults: [
        { ...onPage(2), action: { delayMs: 40 } },
        { ...onPage(3), action: { delayMs: 20 } }
      ]
    })
    const result = await listMembers('acme', clientContext(s).context)
    expect(uuidsOf(membersOf(result))).toEqual(uuidsOf(s.workspaces[0]!.members))
    expect(result.requests).toBe(5)
  })

  it('shares the cap across workspaces read at once', async () => {
    const s = await start({ workspaces: [compliantWorkspace('a', 900), compliantWorkspace('b', 900, 1000), compliantWorkspace('c', 900, 2000)], latencyMs: 3 })
    const { context } = clientContext(s)
    const results = await Promise.all(['a', 'b', 'c'].map((ws) => listMembers(ws, context)))
    expect(results.map((r) => membersOf(r).length)).toEqual([900, 900, 900])
    expect(results.map((r) => r.requests)).toEqual([9, 9, 9])
    expect(s.maxInFlight).toBeLessThanOrEqual(8)
  })

  it('falls back to following next when a page disagrees with size, and is still right', async () => {
    const s = await start({
      workspaces: [compliantWorkspace('acme', 450)],
      faults: [{ ...onPage(3), action: { rewrite: (body) => ({ ...body, size: 451 }) } }]
    })
    const result = await listMembers('acme', clientContext(s).context)
    expect(membersOf(result)).toHaveLength(450)
    expect(result.requests).toBe(5 + 5)
  })

  it('follows next one by one when size is absent', async () => {
    const s = await start({ workspaces: [compliantWorkspace('acme', 450)], includeSize: false, latencyMs: 2 })
    const { context, planned } = clientContext(s)
    const result = await listMembers('acme', context)
    expect(planned).toEqual([])
    expect(membersOf(result)).toHaveLength(450)
    expect(s.maxInFlight).toBe(1)
    expect(result.requests).toBe(10)
  })
})

describe('a complete listing or none', QUICK, () => {
  it('reads again when a member leaves between pages, and lists who is there now', async () => {
    const s = await start({
      workspaces: [compliantWorkspace('acme', 250)],
      faults: [{ ...onPage(2), action: { mutate: (sim) => sim.workspaces[0]!.members.splice(10, 1) } }]
    })
    const result = await listMembers('acme', clientContext(s).context)
    expect(uuidsOf(membersOf(result))).toEqual(uuidsOf(s.workspaces[0]!.members))
    expect(membersOf(result)).toHaveLength(249)
  })

  it('reads again when a member joins between pages, and does not miss them', async () => {
    const joiner = person(999, false)
    const s = await start({
      workspaces: [compliantWorkspace('acme', 250)],
      faults: [{ ...onPage(2), action: { mutate: (sim) => sim.workspaces[0]!.members.unshift(joiner) } }]
    })
    const result = await listMembers('acme', clientContext(s).context)
    expect(membersOf(result).find((m) => m.uuid === joiner.uuid)?.twoFactor).toBe('disabled')
    expect(membersOf(result)).toHaveLength(251)
  })

  it('does not miss a joiner when Bitbucket leaves out size, even one who joins during the confirming read', async () => {
    const joiner = person(999, false)
    let page2Requests = 0
    const s = await start({
      workspaces: [compliantWorkspace('acme', 250)],
      includeSize: false,
      faults: [{ when: (r) => r.page === 2 && ++page2Requests === 2, action: { mutate: (sim) => sim.workspaces[0]!.members.unshift(joiner) } }]
    })
    const result = await listMembers('acme', clientContext(s).context)
    expect(membersOf(result).find((m) => m.uuid === joiner.uuid)?.twoFactor).toBe('disabled')
    expect(uuidsOf(membersOf(result))).toEqual(uuidsOf(s.workspaces[0]!.members))
    expect(result.requests).toBe(4 * 3)
  })

  it("survives a repeated page (Bitbucket's known bug) by reading again", async () => {
    const s = await start({ workspaces: [compliantWorkspace('acme', 300)] })
    s.faults.push({ ...onPage(2), action: { rewrite: (body) => ({ ...body, values: firstPageValues }) } })
    const firstPageValues = await pageValues(s, 1)
    s.resetStats()
    const result = await listMembers('acme', clientContext(s).context)
    expect(membersOf(result)).toHaveLength(300)
  })

  it('ignores a spurious next on the last page that leads to an empty page', async () => {
    const s = await start({
      workspaces: [compliantWorkspace('acme', 200)],
      faults: [{ ...onPage(2, 2), action: { rewrite: (body, r) => ({ ...body, next: r.url.href.replace('page=2', 'page=3') }) } }]
    })
    const result = await listMembers('acme', clientContext(s).context)
    expect(membersOf(result)).toHaveLength(200)
  })

  it('fails closed when size stays larger than what is served', async () => {
    const s = await start({
      workspaces: [compliantWorkspace('acme', 150)],
      faults: [{ times: Infinity, action: { rewrite: (body) => ({ ...body, size: 155 }) } }]
    })
    // One parallel read, then four sequential ones, each saying why.
    const reason = 'Bitbucket reported 155 members but listed 150 different ones'
    await expect(listMembers('acme', clientContext(s).context)).rejects.toThrow(
      `The member listing of workspace "acme" kept changing while it was read (${Array.from({ length: 5 }, () => reason).join('; ')}). ` +
        'The gate will not judge an incomplete listing: run the gate again once membership changes have settled.'
    )
  })

  it('fails closed when next points back to a page already read', async () => {
    const s = await start({
      workspaces: [compliantWorkspace('acme', 150)],
      includeSize: false,
      faults: [{ ...onPage(2, Infinity), action: { rewrite: (body, r) => ({ ...body, next: r.url.href.replace(/&page=2$/, '') }) } }]
    })
    const error: unknown = await listMembers('acme', clientContext(s).context).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ListingError)
    expect((error as Error).message).toContain('`next` link on page 2 of workspace "acme" is not the next page of this listing: it has no single page number')
  })

  it('fails closed when next never ends', async () => {
    const s = await start({
      workspaces: [compliantWorkspace('acme', 150)],
      faults: [
        {
          when: (r) => r.page >= 2,
          times: Infinity,
          action: { rewrite: (body, r) => ({ ...body, values: r.page === 2 ? body.values : [], next: r.url.href.replace(/page=\d+/, `page=${r.page + 1}`) }) }
        }
      ]
    })
    await expect(listMembers('acme', clientContext(s).context)).rejects.toThrow(/went past 4 pages although Bitbucket reported 150 members/)
  })

  it('reads a page it cannot parse as an error, never as an empty page', async () => {
    for (const action of [
      { truncate: true as const },
      { status: 200, contentType: 'text/html', body: '<html><body>Bad Gateway</body></html>' },
      { status: 200, body: '{"pagelen":100}' },
      { status: 200, body: '{"values":{}}' },
      { status: 200, body: '{"values":[{"user":{"display_name":"no uuid"}}]}' }
    ]) {
      const s = await start({ workspaces: [compliantWorkspace('acme', 150)], faults: [{ ...onPage(2), action }] })
      const error: unknown = await listMembers('acme', clientContext(s).context).catch((e: unknown) => e)
      expect(error, JSON.stringify(action)).toBeInstanceOf(ListingError)
      expect((error as Error).message).toMatch(/Bitbucket answered 200 on page 2 of workspace "acme", but/)
    }
  })
})

async function pageValues(s: BitbucketSimulator, page: number): Promise<unknown[]> {
  const auth = `Basic ${Buffer.from(`${adminCredential.email}:${adminCredential.token}`).toString('base64')}`
  const url = new URL(`${s.apiUrl}/workspaces/acme/members?pagelen=100&page=${page}`)
  const response = await s.transport()({ method: 'GET', url, headers: { Authorization: auth } })
  return (JSON.parse(response.body) as { values: unknown[] }).values
}

describe('when the parallel plan does not apply', QUICK, () => {
  it('reads one page at a time when page 1 holds fewer members than its pagelen', async () => {
    const s = await start({
      workspaces: [compliantWorkspace('acme', 350)],
      latencyMs: 5,
      faults: [{ ...onPage(1, Infinity), action: { rewrite: (body) => ({ ...body, pagelen: 120 }) } }]
    })
    const { context, planned } = clientContext(s)
    const result = await listMembers('acme', context)
    // In pages of the 100 the gate asks for, whatever pagelen page 1 claims: ⌈350 / 100⌉ - 1 = 3 pages.
    expect(planned).toEqual([3])
    expect(membersOf(result)).toHaveLength(350)
    expect(s.maxInFlight).toBe(1)
    expect(s.requests).toBe(4)
  })

  it('reads one page at a time when page 1 gives no size', async () => {
    const s = await start({ workspaces: [compliantWorkspace('acme', 350)], includeSize: false, latencyMs: 5 })
    await listMembers('acme', clientContext(s).context)
    expect(s.maxInFlight).toBe(1)
  })

  it('fails closed, naming the page, when a page keeps answering as another page', async () => {
    const s = await start({
      workspaces: [compliantWorkspace('acme', 250)],
      faults: [{ ...onPage(2, Infinity), action: { rewrite: (body) => ({ ...body, page: 3 }) } }]
    })
    await expect(listMembers('acme', clientContext(s).context)).rejects.toThrow(
      /kept changing while it was read \(page 2 answered as page 3; page 2 answered as page 3;/
    )
  })

  it('fails closed, saying why, when reads without size never agree', async () => {
    let n = 0
    const s = await start({
      workspaces: [compliantWorkspace('acme', 150)],
      includeSize: false,
      faults: [{ ...onPage(2, Infinity), action: { rewrite: (body) => ({ ...body, values: body.values.slice(n++ % 2) }) } }]
    })
    await expect(listMembers('acme', clientContext(s).context)).rejects.toThrow(
      'kept changing while it was read (two reads without `size` listed different members; two reads without `size` listed different members; two reads without `size` listed different members)'
    )
  })

  it('fails closed when the last page of a parallel read still has a next, and reads it again one page at a time', async () => {
    const s = await start({
      workspaces: [compliantWorkspace('acme', 250)],
      faults: [{ ...onPage(3), action: { rewrite: (body, r) => ({ ...body, next: r.url.href.replace('page=3', 'page=4') }) } }]
    })
    const result = await listMembers('acme', clientContext(s).context)
    expect(membersOf(result)).toHaveLength(250)
    expect(s.requests).toBe(6)
  })
})
