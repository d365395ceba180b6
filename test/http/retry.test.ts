import { getEventListeners } from 'node:events'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { NoAnswerError, type OutgoingRequest } from '../../src/http/request.js'
import { DEFAULT_RETRY_POLICY, requestWithRetry, parseRetryAfter, retryDelay, systemClock, WaitBudget, type RetryContext } from '../../src/http/retry.js'
import { NetworkError, type HttpResponse, type Transport } from '../../src/http/transport.js'

const ok: HttpResponse = { status: 200, contentType: 'application/json', retryAfter: null, headers: {}, body: '{}' }
const request: OutgoingRequest = { url: 'http://x/', credential: null, service: { name: 'Bitbucket', urlInput: 'api-url' } }
const status = (code: number, retryAfter: string | null = null): HttpResponse => ({ ...ok, status: code, retryAfter, body: 'x' })

/** More requests than any test here may send: past it the transport throws, so a retry loop that never ends fails at once. */
const RUNAWAY = 50

/** A transport that plays a script, and a clock that records waits instead of sleeping. */
function scripted(script: (HttpResponse | NetworkError)[]) {
  const waits: number[] = []
  let calls = 0
  const transport: Transport = () => {
    if (calls >= RUNAWAY) throw new Error(`more than ${RUNAWAY} requests: the retries never stop`)
    const next = script[Math.min(calls++, script.length - 1)]!
    return next instanceof NetworkError ? Promise.reject(next) : Promise.resolve(next)
  }
  const context = (overrides: Partial<RetryContext> = {}): RetryContext => ({
    transport,
    clock: {
      sleep: (ms) => {
        waits.push(ms)
        return Promise.resolve()
      }
    },
    random: () => 0.5,
    now: () => Date.parse('2026-11-26T12:00:00Z'),
    policy: DEFAULT_RETRY_POLICY,
    budget: new WaitBudget(DEFAULT_RETRY_POLICY.totalWaitMs),
    ...overrides
  })
  return { context, waits, calls: () => calls }
}

describe('retryDelay', () => {
  it('backs off exponentially with jitter between half and all of the step, capped', () => {
    const policy = DEFAULT_RETRY_POLICY
    expect(retryDelay(1, null, policy, () => 0)).toBe(500)
    expect(retryDelay(1, null, policy, () => 1)).toBe(1000)
    expect(retryDelay(3, null, policy, () => 0.5)).toBe(3000)
    expect(retryDelay(10, null, policy, () => 1)).toBe(policy.maxDelayMs)
  })

  it('honours Retry-After, capped', () => {
    expect(retryDelay(1, 7000, DEFAULT_RETRY_POLICY, () => 0)).toBe(7000)
    expect(retryDelay(1, 3_600_000, DEFAULT_RETRY_POLICY, () => 0)).toBe(DEFAULT_RETRY_POLICY.maxRetryAfterMs)
  })
})

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-26T12:00:00Z')
  it('reads seconds and HTTP dates, and ignores garbage', () => {
    expect(parseRetryAfter('5', now)).toBe(5000)
    expect(parseRetryAfter('Thu, 26 Nov 2026 12:00:09 GMT', now)).toBe(9000)
    expect(parseRetryAfter('Thu, 26 Nov 2026 11:00:00 GMT', now)).toBe(0)
    expect(parseRetryAfter('soon', now)).toBeNull()
    expect(parseRetryAfter(null, now)).toBeNull()
  })

  it('reads seconds with blanks round them, and nothing else as seconds', () => {
    expect(parseRetryAfter(' 3 ', now)).toBe(3000)
    expect(parseRetryAfter('0', now)).toBe(0)
    expect(parseRetryAfter('3x', now)).toBeNull()
    expect(parseRetryAfter('x3', now)).toBeNull()
    expect(parseRetryAfter('', now)).toBeNull()
    expect(parseRetryAfter('   ', now)).toBeNull()
  })
})

describe('the default policy', () => {
  it('tries six times, waits 1 s doubling up to 16 s, takes a Retry-After up to 30 s, and waits 60 s in all', () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({ maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 16_000, maxRetryAfterMs: 30_000, totalWaitMs: 60_000 })
  })
})

describe('the system clock', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('leaves no timer and no listener behind when a wait is cut short or ends', async () => {
    vi.useFakeTimers()
    const controller = new AbortController()
    const reason = new Error('deadline')
    const done = systemClock.sleep(5000, controller.signal)
    vi.advanceTimersByTime(5000)
    await expect(done).resolves.toBeUndefined()
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
    const cut = systemClock.sleep(60_000, controller.signal)
    expect(vi.getTimerCount()).toBe(1)
    controller.abort(reason)
    await expect(cut).rejects.toBe(reason)
    expect(vi.getTimerCount()).toBe(0)
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })
})

describe('requestWithRetry', () => {
  it('retries 429 without Retry-After with backoff, then returns the answer', async () => {
    const { context, waits, calls } = scripted([status(429), status(429), ok])
    const result = await requestWithRetry(request, context())
    expect(result).toEqual({ response: ok, attempts: 3 })
    expect(waits).toEqual([750, 1500])
    expect(calls()).toBe(3)
  })

  it('honours Retry-After on 429 and 503', async () => {
    const { context, waits } = scripted([status(429, '2'), status(503, '4'), ok])
    await requestWithRetry(request, context())
    expect(waits).toEqual([2000, 4000])
  })

  it('retries network errors and 5xx, not other 4xx', async () => {
    const reset = scripted([new NetworkError('ECONNRESET', 'reset'), status(502), ok])
    expect((await requestWithRetry(request, reset.context())).attempts).toBe(3)
    for (const code of [400, 401, 403, 404, 410]) {
      const once = scripted([status(code), ok])
      expect(await requestWithRetry(request, once.context())).toEqual({ response: status(code), attempts: 1 })
      expect(once.waits).toEqual([])
    }
  })

  it('retries every 5xx up to 599, and not 600', async () => {
    for (const code of [500, 599]) {
      const { context, calls } = scripted([status(code), ok])
      expect(await requestWithRetry(request, context())).toEqual({ response: ok, attempts: 2 })
      expect(calls()).toBe(2)
    }
    const beyond = scripted([status(600), ok])
    expect(await requestWithRetry(request, beyond.context())).toEqual({ response: status(600), attempts: 1 })
    expect(beyond.calls()).toBe(1)
  })

  it('tells the log of each retry: the URL, the attempt, the wait and why', async () => {
    const { context } = scripted([new NetworkError('ECONNRESET', 'reset'), status(503, '2'), ok])
    const retries: unknown[] = []
    await requestWithRetry(request, context({ onRetry: (info) => retries.push(info) }))
    expect(retries).toEqual([
      { url: 'http://x/', attempt: 1, delayMs: 750, reason: 'no answer from Bitbucket (ECONNRESET)' },
      { url: 'http://x/', attempt: 2, delayMs: 2000, reason: 'Bitbucket answered HTTP 503' }
    ])
  })

  it('gives up after maxAttempts and returns the last answer', async () => {
    const { context, calls } = scripted([status(500)])
    const result = await requestWithRetry(request, context())
    expect(result.response.status).toBe(500)
    expect(result.attempts).toBe(DEFAULT_RETRY_POLICY.maxAttempts)
    expect(calls()).toBe(DEFAULT_RETRY_POLICY.maxAttempts)
  })

  it('throws a NoAnswerError in the one sentence when the network never answers: origin, what was asked, code, attempts, what to check', async () => {
    const { context } = scripted([new NetworkError('ETIMEDOUT', 'timeout')])
    const error = await requestWithRetry(request, context(), 'page 3 of workspace "acme"').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NoAnswerError)
    expect((error as NoAnswerError).attempts).toBe(DEFAULT_RETRY_POLICY.maxAttempts)
    expect((error as NoAnswerError).message).toBe(
      'Could not get an answer from Bitbucket at http://x for page 3 of workspace "acme": ETIMEDOUT, after 6 attempts. ' +
        'Check `api-url`, the network and its proxy settings (HTTPS_PROXY, NO_PROXY); if Bitbucket is down, run the gate again later.'
    )
  })

  it("stops at once with the deadline's reason when the run's signal aborts, before a request and during a wait", async () => {
    const controller = new AbortController()
    const reason = new Error('deadline')
    controller.abort(reason)
    const before = scripted([ok])
    await expect(requestWithRetry(request, before.context({ signal: controller.signal }))).rejects.toBe(reason)
    expect(before.calls()).toBe(0)
    const during = new AbortController()
    const waiting = scripted([status(503), ok])
    const context = waiting.context({
      signal: during.signal,
      clock: {
        sleep: () => {
          during.abort(reason)
          return Promise.reject(reason)
        }
      }
    })
    await expect(requestWithRetry(request, context)).rejects.toBe(reason)
    expect(waiting.calls()).toBe(1)
  })

  it("does not retry a network error that the deadline caused: the deadline's reason comes out", async () => {
    const controller = new AbortController()
    const reason = new Error('deadline')
    const transport: Transport = () => {
      controller.abort(reason)
      return Promise.reject(new NetworkError('EABORTED', 'cancelled'))
    }
    const { context } = scripted([ok])
    await expect(requestWithRetry(request, context({ transport, signal: controller.signal }))).rejects.toBe(reason)
  })

  it("stops waiting when the run's wait budget is spent, however many attempts are left", async () => {
    const { context, waits } = scripted([status(429, '30')])
    const budget = new WaitBudget(DEFAULT_RETRY_POLICY.totalWaitMs)
    const first = await requestWithRetry(request, context({ budget }))
    expect(first.response.status).toBe(429)
    expect(waits).toEqual([30_000, 30_000])
    expect(budget.spentMs).toBe(60_000)
    const second = await requestWithRetry(request, context({ budget }))
    expect(second.attempts).toBe(1)
  })

  it('passes other errors through untouched', async () => {
    const context = scripted([ok]).context({ transport: () => Promise.reject(new TypeError('bug')) })
    await expect(requestWithRetry(request, context)).rejects.toBeInstanceOf(TypeError)
  })
})
