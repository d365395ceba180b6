import { afterEach } from 'vitest'
import { adminCredential } from '../simulator/fixtures.js'
import { BitbucketSimulator, type SimOptions } from '../simulator/server.js'

export type StartSimulator = (options: Partial<SimOptions> & Pick<SimOptions, 'workspaces'>) => Promise<BitbucketSimulator>

/** A `start` for simulators that are stopped after each test (the admin credential by default). */
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
