import { NetworkError, type HttpResponse, type RequestBody, type Transport } from './transport.js'

/** All waiting goes through a Clock so tests never sleep. */
export interface Clock {
  sleep(ms: number): Promise<void>
}

export const systemClock: Clock = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms))
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
  if (value === null || value.trim() === '') return null
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
  /** Who answers, for the log's retry lines; default Bitbucket. */
  readonly service?: string
  /** Called before each wait, for the log. */
  readonly onRetry?: (info: { url: string; attempt: number; delayMs: number; reason: string }) => void
}

export interface RetriedResponse {
  readonly response: HttpResponse
  /** Requests sent for this URL. */
  readonly attempts: number
}

/**
 * GETs `url` (or POSTs `body` to it), retrying 429, 5xx and network failures while attempts and the run's wait budget last.
 * Returns the last HTTP answer (the caller judges its status); throws the NetworkError when the last
 * attempt got none. `attempts` counts requests, for the cost report.
 */
export async function requestWithRetry(
  url: string,
  headers: Readonly<Record<string, string>>,
  context: RetryContext,
  body?: RequestBody
): Promise<RetriedResponse> {
  for (let attempt = 1; ; attempt++) {
    let outcome: HttpResponse | NetworkError
    try {
      outcome = await context.transport(url, headers, body)
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error
      outcome = error
    }
    if (!(outcome instanceof NetworkError) && !isRetryableStatus(outcome.status)) return { response: outcome, attempts: attempt }
    const retryAfter = outcome instanceof NetworkError ? null : parseRetryAfter(outcome.retryAfter, context.now())
    const delayMs = retryDelay(attempt, retryAfter, context.policy, context.random)
    if (attempt >= context.policy.maxAttempts || !context.budget.tryTake(delayMs)) {
      if (outcome instanceof NetworkError) throw new RetriesExhaustedError(outcome, attempt)
      return { response: outcome, attempts: attempt }
    }
    const service = context.service ?? 'Bitbucket'
    const reason = outcome instanceof NetworkError ? `no answer from ${service} (${outcome.code})` : `${service} answered HTTP ${outcome.status}`
    context.onRetry?.({ url, attempt, delayMs, reason })
    await context.clock.sleep(delayMs)
  }
}

/** A network failure that outlasted the retries. */
export class RetriesExhaustedError extends Error {
  readonly networkError: NetworkError
  readonly attempts: number

  constructor(networkError: NetworkError, attempts: number) {
    super(`${networkError.message} (after ${attempts} attempts)`)
    this.name = 'RetriesExhaustedError'
    this.networkError = networkError
    this.attempts = attempts
  }
}
