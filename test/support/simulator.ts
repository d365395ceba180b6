import { afterEach } from 'vitest'
import { adminCredential } from '../simulator/fixtures.js'
import { BitbucketSimulator, type SimOptions } from '../simulator/server.js'

export type StartSimulator = (options: Partial<SimOptions> & Pick<SimOptions, 'workspaces'>) => Promise<BitbucketSimulator>

/** A `start` for simulators on a socket, stopped after each test (the admin credential by default): client tests. */
export function simulatorPerTest(): StartSimulator {
  const running: BitbucketSimulator[] = []
  afterEach(async () => {
    await Promise.all(running.splice(0).map((sim) => sim.stop()))
  })
  return async (options) => {
    const sim = await new BitbucketSimulator({ credentials: [adminCredential], ...options }).start()
    running.push(sim)
    return sim
  }
}

/**
 * A `start` for simulators served in memory (the admin credential by default): no socket, nothing to
 * stop; reach one with `clientContext(sim)` or `sim.transport()`.
 */
export function simulatorInMemory(): StartSimulator {
  return (options) => Promise.resolve(new BitbucketSimulator({ credentials: [adminCredential], ...options }))
}
