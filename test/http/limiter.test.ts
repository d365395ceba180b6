import { getEventListeners } from 'node:events'
import { describe, expect, it } from 'vitest'
import { Limiter } from '../../src/http/limiter.js'

/** A task that runs until the test lets it end. */
function held() {
  let release: () => void = () => undefined
  const task = () =>
    new Promise<void>((resolve) => {
      release = resolve
    })
  return {
    task,
    release: () => {
      release()
    }
  }
}

describe('Limiter', () => {
  it('takes only a positive whole number of slots', () => {
    for (const max of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new Limiter(max), String(max)).toThrow(new RangeError('Limiter needs a positive whole number'))
    }
    expect(new Limiter(1).max).toBe(1)
    expect(new Limiter(8).max).toBe(8)
  })

  it('leaves no listener on the run signal once a queued task ran or was dropped', async () => {
    const limiter = new Limiter(1)
    const controller = new AbortController()
    const first = held()
    const running = limiter.run(first.task)
    const queued = limiter.run(() => Promise.resolve('ran'), controller.signal)
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1)
    first.release()
    await running
    await expect(queued).resolves.toBe('ran')
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)

    const second = held()
    const blocking = limiter.run(second.task)
    const dropped = limiter.run(() => Promise.resolve('never'), controller.signal)
    controller.abort(new Error('deadline'))
    await expect(dropped).rejects.toThrow('deadline')
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
    second.release()
    await blocking
  })
})
