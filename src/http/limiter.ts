import { abortReason } from './deadline.js'

/** Caps concurrent work across the whole run (all workspaces share one limiter). */
export class Limiter {
  private active = 0
  private peak = 0
  private readonly waiting: { readonly go: () => void }[] = []

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError('Limiter needs a positive whole number')
  }

  /** The most tasks that ran at once so far. */
  get peakActive(): number {
    return this.peak
  }

  /** Runs `task` when a slot is free; a task still queued when `signal` aborts is dropped, rejecting with its reason. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted()
    if (this.active >= this.max) {
      await new Promise<void>((resolve, reject) => {
        const entry = {
          go: () => {
            signal?.removeEventListener('abort', drop)
            resolve()
          }
        }
        const drop = (): void => {
          const index = this.waiting.indexOf(entry)
          // Stryker disable next-line ConditionalExpression: equivalent, drop runs only while the entry is queued (`go` takes its listener off as it leaves)
          if (index >= 0) this.waiting.splice(index, 1)
          reject(abortReason(signal))
        }
        signal?.addEventListener('abort', drop, { once: true })
        this.waiting.push(entry)
      })
    } else {
      this.active++
    }
    this.peak = Math.max(this.peak, this.active)
    try {
      return await task()
    } finally {
      const nextTask = this.waiting.shift()
      // Hand the slot straight to the next waiter, so `active` never dips and overshoots.
      if (nextTask) nextTask.go()
      else this.active--
    }
  }
}
