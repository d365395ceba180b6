import { describe, expect, it } from 'vitest'
import { parseExemptions } from '../src/config/exemptions.js'
import { check, type RunDependencies } from '../src/engine.js'
import { DeadlineError, type Timer } from '../src/http/deadline.js'
import { DEFAULT_RETRY_POLICY } from '../src/http/retry.js'
import { NetworkError, type HttpResponse, type Transport, type WireRequest } from '../src/http/transport.js'

/**
 * The run's overall deadline, end to end through the engine on an in-memory transport: a Bitbucket
 * that never finishes answering cannot keep a check running forever.
 */
const options = {
  workspaces: ['acme'],
  credentials: { kind: 'access-token' as const, token: 'secret-access-token' },
  apiUrl: new URL('https://api.bitbucket.org/2.0'),
  exemptions: parseExemptions(''),
  failOnUnknown: true
}

function page(members: number, total: number, pageNo: number, url: URL): HttpResponse {
  const values = Array.from({ length: members }, (_, i) => {
    const n = (pageNo - 1) * 100 + i
    return { user: { uuid: `{00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}}`, type: 'user', display_name: `P${n}`, has_2fa_enabled: true } }
  })
  const next = pageNo * 100 < total ? new URL(url.href.replace(/&page=\d+/, '') + `&page=${pageNo + 1}`).href : undefined
  return {
    status: 200,
    contentType: 'application/json',
    retryAfter: null,
    headers: {},
    body: JSON.stringify({ pagelen: 100, size: total, page: pageNo, values, ...(next ? { next } : {}) })
  }
}

/** Page 1 answers at once; every later request hangs until it is aborted. */
function hangingAfterPageOne(total: number) {
  const pending: WireRequest[] = []
  const transport: Transport = (request) => {
    const pageNo = Number(request.url.searchParams.get('page') ?? '1')
    if (pageNo === 1) return Promise.resolve(page(100, total, 1, request.url))
    pending.push(request)
    return new Promise((_, reject) => {
      request.signal?.addEventListener('abort', () => {
        reject(new NetworkError('EABORTED', 'cancelled'))
      })
    })
  }
  return { transport, pending }
}

function manualTimer() {
  const live: { ms: number; fire: () => void }[] = []
  const timer: Timer = (ms, fire) => {
    const entry = { ms, fire }
    live.push(entry)
    return () => {
      live.splice(live.indexOf(entry), 1)
    }
  }
  return { timer, live }
}

const deps = (transport: Transport, timer: Timer): RunDependencies => ({
  now: () => new Date('2026-12-01T12:00:00Z'),
  clock: { sleep: () => Promise.resolve() },
  random: () => 0.5,
  transport,
  retryPolicy: DEFAULT_RETRY_POLICY,
  requestTimeoutMs: 30_000,
  timer
})

describe('the overall deadline', () => {
  it('ends a check whose requests never finish: no verdict, a DeadlineError naming the deadline and its derivation, every request aborted', async () => {
    const { transport, pending } = hangingAfterPageOne(10_000)
    const { timer, live } = manualTimer()
    const running = check(options, deps(transport, timer))
    // Page 1 said 10,000 members: 100 pages planned, so 60 s + 30 s × (1 + ⌈100 / 8⌉) = 480 s.
    await expect.poll(() => pending.length).toBe(8)
    expect(live.map((t) => t.ms)).toEqual([480_000])
    live[0]?.fire()
    const error = await running.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DeadlineError)
    expect((error as Error).message).toContain('deadline of 480 s')
    expect((error as Error).message).toContain('⌈100 planned requests / 8 in flight⌉')
    expect(pending.every((request) => request.signal?.aborted === true)).toBe(true)
    // Nothing queued behind the limiter was sent after the deadline.
    expect(pending).toHaveLength(8)
    expect(live).toEqual([])
  })

  it('plans by the page length the gate asked for, never past the pages a read would fetch, whatever size and pagelen page 1 claims', async () => {
    const claims: { size: number; pagelen: number; expected: number }[] = [
      // 572,000 members in pages of 1 would be 572,000 pages: a read stops at 5,000.
      { size: 572_000, pagelen: 1, expected: 60_000 + 30_000 * (1 + Math.ceil(5000 / 8)) },
      { size: 1e9, pagelen: 100, expected: 60_000 + 30_000 * (1 + Math.ceil(5000 / 8)) },
      { size: 2500, pagelen: 10, expected: 300_000 }
    ]
    for (const { size, pagelen, expected } of claims) {
      const transport: Transport = () =>
        Promise.resolve({
          status: 200,
          contentType: 'application/json',
          retryAfter: null,
          headers: {},
          body: JSON.stringify({ size, pagelen, page: 1, values: [] })
        })
      const { timer, live } = manualTimer()
      const asked: number[] = []
      await check(
        options,
        deps(transport, (ms, fire) => (asked.push(ms), timer(ms, fire)))
      ).catch(() => undefined)
      expect(asked.at(-1), `size ${size}, pagelen ${pagelen}`).toBe(expected)
      expect(live).toEqual([])
    }
  })

  it('starts at five minutes for a small check and is gone when the check ends', async () => {
    const transport: Transport = (request) => Promise.resolve(page(3, 3, 1, request.url))
    const { timer, live } = manualTimer()
    const asked: number[] = []
    const verdict = await check(
      options,
      deps(transport, (ms, fire) => (asked.push(ms), timer(ms, fire)))
    )
    expect(verdict.compliant).toBe(true)
    expect(asked).toEqual([300_000])
    expect(live).toEqual([])
  })
})
