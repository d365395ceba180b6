import { afterEach, describe, expect, it, vi } from 'vitest'
import { abortReason, Deadline, DeadlineError, MIN_DEADLINE_MS, systemTimer, type Timer } from '../../src/http/deadline.js'
import { Limiter } from '../../src/http/limiter.js'
import { systemClock } from '../../src/http/retry.js'

/** A timer that fires only when the test says, and records what was asked of it. */
function manualTimer() {
  const timers: { ms: number; fire: () => void; cancelled: boolean }[] = []
  const timer: Timer = (ms, fire) => {
    const entry = { ms, fire, cancelled: false }
    timers.push(entry)
    return () => {
      entry.cancelled = true
    }
  }
  const live = () => timers.filter((t) => !t.cancelled)
  return { timer, timers, live }
}

const parameters = (timer: Timer, now = () => 0) => ({ waitBudgetMs: 60_000, requestTimeoutMs: 30_000, inFlight: 8, now, timer })

describe('Deadline', () => {
  it('is never under five minutes', () => {
    const { timer, live } = manualTimer()
    const deadline = new Deadline(parameters(timer), 1)
    expect(deadline.limitMs).toBe(MIN_DEADLINE_MS)
    expect(live().map((t) => t.ms)).toEqual([300_000])
  })

  it('is the wait budget plus the request timeout × (1 + ⌈planned / in flight⌉), recomputed as requests are planned', () => {
    const { timer, live, timers } = manualTimer()
    let now = 0
    const deadline = new Deadline(
      parameters(timer, () => now),
      1
    )
    deadline.plan(99)
    // 60 s + 30 s × (1 + ⌈100 / 8⌉ = 13) = 480 s
    expect(deadline.plannedRequests).toBe(100)
    expect(deadline.limitMs).toBe(480_000)
    now = 100_000
    deadline.plan(8)
    // 60 s + 30 s × (1 + ⌈108 / 8⌉ = 14) = 510 s, of which 100 s have passed
    expect(deadline.limitMs).toBe(510_000)
    expect(live().map((t) => t.ms)).toEqual([410_000])
    expect(timers.filter((t) => t.cancelled)).toHaveLength(2)
    deadline.plan(0)
    deadline.plan(-5)
    expect(deadline.plannedRequests).toBe(108)
    // Planning nothing leaves the timer as it was.
    expect(timers).toHaveLength(3)
    expect(live().map((t) => t.ms)).toEqual([410_000])
  })

  it('aborts its signal with a DeadlineError that names the deadline and how it was derived', () => {
    const { timer, live } = manualTimer()
    const deadline = new Deadline(parameters(timer), 200)
    expect(deadline.signal.aborted).toBe(false)
    live()[0]?.fire()
    expect(deadline.signal.aborted).toBe(true)
    const reason: unknown = deadline.signal.reason
    expect(reason).toBeInstanceOf(DeadlineError)
    expect((reason as Error).message).toBe(
      'The check did not finish within its deadline of 840 s, so there is no verdict. The deadline is the retry wait budget (60 s) plus the request timeout (30 s) ' +
        '× (1 + ⌈200 planned requests / 8 in flight⌉) = 840 s, and never under 300 s. Bitbucket or the network answered too slowly: run the gate again later; ' +
        'if it persists, check the proxy between this machine and the APIs.'
    )
    deadline.plan(10)
    expect(deadline.plannedRequests).toBe(200)
  })

  it('stops its timer when disposed', () => {
    const { timer, live } = manualTimer()
    new Deadline(parameters(timer), 1).dispose()
    expect(live()).toEqual([])
  })
})

describe('cancellation', () => {
  it('drops a task still queued in the limiter when the signal aborts, and keeps the slots right', async () => {
    const limiter = new Limiter(1)
    const controller = new AbortController()
    let release: () => void = () => undefined
    const running = limiter.run(() => new Promise<void>((resolve) => (release = resolve)))
    let ran = false
    const queued = limiter.run(() => {
      ran = true
      return Promise.resolve()
    }, controller.signal)
    const reason = new Error('deadline')
    controller.abort(reason)
    await expect(queued).rejects.toBe(reason)
    release()
    await running
    expect(ran).toBe(false)
    // The slot came back: a new task runs at once.
    await expect(limiter.run(() => Promise.resolve('next'))).resolves.toBe('next')
    await expect(limiter.run(() => Promise.resolve('late'), controller.signal)).rejects.toBe(reason)
  })

  it('ends a real wait when the signal aborts', async () => {
    const controller = new AbortController()
    const reason = new Error('deadline')
    const wait = systemClock.sleep(60_000, controller.signal)
    controller.abort(reason)
    await expect(wait).rejects.toBe(reason)
    await expect(systemClock.sleep(60_000, controller.signal)).rejects.toBe(reason)
    await expect(systemClock.sleep(1)).resolves.toBeUndefined()
  })
})

describe('abortReason', () => {
  it("gives the signal's Error, or a generic one for an abort without an Error or without a signal", () => {
    const controller = new AbortController()
    const reason = new Error('deadline')
    controller.abort(reason)
    expect(abortReason(controller.signal)).toBe(reason)
    const other = new AbortController()
    other.abort('just a string')
    expect(abortReason(other.signal)).toEqual(new Error('the request was cancelled'))
    expect(abortReason(undefined)).toEqual(new Error('the request was cancelled'))
  })
})

describe('the system timer', () => {
  afterEach(() => {
    vi.restoreAllMocks()
    vi.useRealTimers()
  })

  it('fires once after its time, never keeps a finished run alive, and stops when cancelled', () => {
    vi.useFakeTimers()
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout')
    let fired = 0
    systemTimer(1000, () => fired++)
    const handle = setTimeoutSpy.mock.results[0]?.value as NodeJS.Timeout
    expect(handle.hasRef()).toBe(false)
    vi.advanceTimersByTime(999)
    expect(fired).toBe(0)
    vi.advanceTimersByTime(1)
    expect(fired).toBe(1)
    const cancel = systemTimer(1000, () => fired++)
    expect(vi.getTimerCount()).toBe(1)
    cancel()
    expect(vi.getTimerCount()).toBe(0)
    vi.advanceTimersByTime(5000)
    expect(fired).toBe(1)
  })
})

describe('a deadline beyond what one timer holds', () => {
  it('re-arms instead of firing at once', () => {
    const { timer, live } = manualTimer()
    const deadline = new Deadline({ ...parameters(timer), requestTimeoutMs: 2 ** 31 }, 8)
    expect(live().map((t) => t.ms)).toEqual([2 ** 31 - 1])
    live()[0]?.fire()
    expect(deadline.signal.aborted).toBe(false)
    expect(live()).toHaveLength(1)
  })

  it('re-arms for what is left each time, then aborts at the deadline itself', () => {
    const { timer, timers } = manualTimer()
    let now = 0
    // 60 s + 2^31 ms × (1 + ⌈8 / 8⌉) = 2^32 + 60,000 ms
    const deadline = new Deadline({ ...parameters(timer, () => now), requestTimeoutMs: 2 ** 31 }, 8)
    now = 2 ** 31 - 1
    timers.at(-1)?.fire()
    now = 2 ** 32 - 2
    timers.at(-1)?.fire()
    expect(deadline.signal.aborted).toBe(false)
    expect(timers.map((t) => t.ms)).toEqual([2 ** 31 - 1, 2 ** 31 - 1, 60_002])
    now = 2 ** 32 + 60_000
    timers.at(-1)?.fire()
    expect(deadline.signal.aborted).toBe(true)
    expect(deadline.signal.reason).toBeInstanceOf(DeadlineError)
  })
})
