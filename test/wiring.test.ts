import { describe, expect, it } from 'vitest'
import { defaultDependencies } from '../src/wiring.js'

describe('defaultDependencies', () => {
  it('scales waits by the test knob', async () => {
    const started = performance.now()
    await defaultDependencies({ BITBUCKET_2FA_GATE_TEST_TIMING: '{"delayScale":0}' }).clock.sleep(10_000)
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it.each(['not json', '', '{"delayScale":"0"}', 'null'])('waits for real with a malformed or absent knob %j', async (knob) => {
    const started = performance.now()
    await defaultDependencies({ BITBUCKET_2FA_GATE_TEST_TIMING: knob }).clock.sleep(30)
    expect(performance.now() - started).toBeGreaterThanOrEqual(25)
  })
})
