import { abortReason } from './deadline.js'
import { NoAnswerError, sendRequest, type OutgoingRequest } from './request.js'
import { NetworkError, type HttpResponse, type Transport } from './transport.js'

/** All waiting goes through a Clock so tests never sleep. */
export interface Clock {
  /** Resolves after `ms`; rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export const systemClock: Clock = {
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(abortReason(signal))
        return
      }
      const stop = (): void => {
        clearTimeout(timer)
        reject(abortReason(signal))
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', stop)
        resolve()
      }, ms)
      signal?.addEventListener('abort', stop, { once: true })
    })
}

export interface RetryPolicy {
  /** Attempts per request, the first included. */
  readonly maxAttempts: number
  readonly baseDelayMs: number
  readonly maxDelayMs: number
  /** A Retry-After longer than this is cut to it. */
  readonly maxRetryAfterMs: number
  /** Waiting across the whole run stops here; then the run fails closed. */
  readonly totalWaitMs: number
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 1000,
  maxDelayMs: 16_000,
  maxRetryAfterMs: 30_000,
  totalWaitMs: 60_000
}

/** Shared by every request of a run, so that the total wait stays bounded. */
export class WaitBudget {
  private spent = 0

  constructor(readonly limitMs: number) {}

  get spentMs(): number {
    return this.spent
  }

  tryTake(ms: number): boolean {
    if (this.spent + ms > this.limitMs) return false
    this.spent += ms
    return true
  }
}

export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599)
}

/** Retry-After as seconds or an HTTP date, in ms from `nowMs`; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null) return null
  // A blank value falls through to Date.parse(''), which is NaN: null too.
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const date = Date.parse(text)
  if (Number.isNaN(date)) return null
  return Math.max(0, date - nowMs)
}

/**
 * Delay before retry number `retry` (1 for the first retry): Retry-After when the server sent it
 * (capped), else exponential backoff with jitter in [half, full] of the step.
 */
export function retryDelay(retry: number, retryAfterMs: number | null, policy: RetryPolicy, random: () => number): number {
  if (retryAfterMs !== null) return Math.min(retryAfterMs, policy.maxRetryAfterMs)
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1))
  return Math.round(step / 2 + (random() * step) / 2)
}

export interface RetryContext {
  readonly transport: Transport
  readonly clock: Clock
  readonly random: () => number
  readonly now: () => number
  readonly policy: RetryPolicy
  readonly budget: WaitBudget
  /** The run's deadline: aborts every wait and request; the reason is what the caller gets. */
  readonly signal?: AbortSignal
  /** Called before each wait, for the log. */
  readonly onRetry?: (info: { url: string; attempt: number; delayMs: number; reason: string }) => void
}

export interface RetriedResponse {
  readonly response: HttpResponse
  /** Requests sent for this URL. */
  readonly attempts: number
}

/**
 * Sends `request` through the request core, retrying 429, 5xx and network failures while attempts and
 * the run's wait budget last. Returns the last HTTP answer (the caller judges its status); throws a
 * NoAnswerError when the last attempt got none (`where` says what was asked, for its message), the
 * deadline's reason once the run's signal aborts. `attempts` counts requests, for the cost report.
 */
export async function requestWithRetry(request: OutgoingRequest, context: RetryContext, where = ''): Promise<RetriedResponse> {
  const { signal } = context
  // Stryker disable next-line BlockStatement: an emptied body makes an endless loop that never yields, a hang no test can end before Stryker's timeout (which counts it detected)
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted()
    let outcome: HttpResponse | NetworkError
    try {
      outcome = await sendRequest(context.transport, request, signal)
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error
      signal?.throwIfAborted()
      outcome = error
    }
    if (!(outcome instanceof NetworkError) && !isRetryableStatus(outcome.status)) return { response: outcome, attempts: attempt }
    const retryAfter = outcome instanceof NetworkError ? null : parseRetryAfter(outcome.retryAfter, context.now())
    const delayMs = retryDelay(attempt, retryAfter, context.policy, context.random)
    if (attempt >= context.policy.maxAttempts || !context.budget.tryTake(delayMs)) {
      // The URL parses: the request core refused it before sending otherwise.
      if (outcome instanceof NetworkError) throw new NoAnswerError(request.service, new URL(request.url).origin, where, outcome, attempt)
      return { response: outcome, attempts: attempt }
    }
    const { name } = request.service
    const reason = outcome instanceof NetworkError ? `no answer from ${name} (${outcome.code})` : `${name} answered HTTP ${outcome.status}`
    context.onRetry?.({ url: request.url, attempt, delayMs, reason })
    await context.clock.sleep(delayMs, signal)
  }
}
