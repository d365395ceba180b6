/** Caps concurrent work across the whole run (all workspaces share one limiter). */
export class Limiter {
  private active = 0
  private peak = 0
  private readonly waiting: (() => void)[] = []

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError('Limiter needs a positive whole number')
  }

  /** The most tasks that ran at once so far. */
  get peakActive(): number {
    return this.peak
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) {
      await new Promise<void>((resolve) => this.waiting.push(resolve))
    } else {
      this.active++
    }
    this.peak = Math.max(this.peak, this.active)
    try {
      return await task()
    } finally {
      const nextTask = this.waiting.shift()
      // Hand the slot straight to the next waiter, so `active` never dips and overshoots.
      if (nextTask) nextTask()
      else this.active--
    }
  }
}
