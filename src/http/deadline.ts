import { GateError } from '../errors.js'

/** Starts a timer that calls `fire` after `ms`; returns its cancel. Injected so tests never wait. */
export type Timer = (ms: number, fire: () => void) => () => void

export const systemTimer: Timer = (ms, fire) => {
  const handle = setTimeout(fire, ms)
  // The deadline never keeps a finished run alive.
  handle.unref()
  return () => {
    clearTimeout(handle)
  }
}

/** The longest a timer can be set for (setTimeout fires at once beyond it); a later deadline re-arms. */
const MAX_TIMER_MS = 2 ** 31 - 1

/** No check is cut short before this, whatever it plans. */
export const MIN_DEADLINE_MS = 5 * 60_000

export interface DeadlineParameters {
  /** The run's wait budget for retries (RetryPolicy.totalWaitMs). */
  readonly waitBudgetMs: number
  /** The deadline of one request. */
  readonly requestTimeoutMs: number
  /** Requests in flight at once. */
  readonly inFlight: number
  readonly now: () => number
  readonly timer: Timer
}

/** Why `signal` aborted, as an Error (the deadline's DeadlineError; a generic one for any other abort). */
export function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason
  return reason instanceof Error ? reason : new Error('the request was cancelled')
}

/** The check went past its deadline: no verdict. */
export class DeadlineError extends GateError {
  constructor(message: string) {
    super(message)
    this.name = 'DeadlineError'
  }
}

/**
 * The check's overall deadline: the wait budget plus the request timeout × (1 + ⌈planned requests /
 * in flight⌉), never under 5 minutes, recomputed as requests are planned (once a listing's size is
 * known). Past it, `signal` aborts with a DeadlineError that says how it was derived; the limiter, the
 * retry waits and the requests in flight all stop on it.
 */
export class Deadline {
  private readonly controller = new AbortController()
  private readonly startedAt: number
  private planned = 0
  private cancel: () => void = () => undefined

  constructor(
    private readonly parameters: DeadlineParameters,
    initialRequests: number
  ) {
    this.startedAt = parameters.now()
    this.plan(initialRequests)
  }

  get signal(): AbortSignal {
    return this.controller.signal
  }

  /** Requests planned so far. */
  get plannedRequests(): number {
    return this.planned
  }

  /** The deadline in ms from the start, for what is planned now. */
  get limitMs(): number {
    const { waitBudgetMs, requestTimeoutMs, inFlight } = this.parameters
    return Math.max(MIN_DEADLINE_MS, waitBudgetMs + requestTimeoutMs * (1 + Math.ceil(this.planned / inFlight)))
  }

  /** `requests` more are planned: the deadline moves out accordingly (never in). */
  plan(requests: number): void {
    if (this.controller.signal.aborted || requests <= 0) return
    this.planned += requests
    this.arm()
  }

  private arm(): void {
    this.cancel()
    const left = Math.max(0, this.startedAt + this.limitMs - this.parameters.now())
    const wait = Math.min(left, MAX_TIMER_MS)
    this.cancel = this.parameters.timer(wait, () => {
      if (wait < left) this.arm()
      else this.controller.abort(new DeadlineError(this.explain()))
    })
  }

  /** Stops the timer: the check is over. */
  dispose(): void {
    this.cancel()
  }

  private explain(): string {
    const { waitBudgetMs, requestTimeoutMs, inFlight } = this.parameters
    const s = (ms: number): string => `${Math.round(ms / 1000)} s`
    const derived = waitBudgetMs + requestTimeoutMs * (1 + Math.ceil(this.planned / inFlight))
    return (
      `The check did not finish within its deadline of ${s(this.limitMs)}, so there is no verdict. The deadline is the retry wait budget ` +
      `(${s(waitBudgetMs)}) plus the request timeout (${s(requestTimeoutMs)}) × (1 + ⌈${this.planned} planned requests / ${inFlight} in flight⌉) = ${s(derived)}, ` +
      `and never under ${s(MIN_DEADLINE_MS)}. Bitbucket or the network answered too slowly: run the gate again later; if it persists, check the proxy between this machine and the APIs.`
    )
  }
}
