import { MAX_IN_FLIGHT, REQUEST_TIMEOUT_MS, type EngineEvents, type RunDependencies } from './engine.js'
import { DEFAULT_RETRY_POLICY, systemClock, type Clock } from './http/retry.js'
import { createTransport } from './http/transport.js'

/**
 * The real dependencies. One test knob, documented in CONTRIBUTING.md and read only here:
 * BITBUCKET_2FA_GATE_TEST_TIMING='{"timeoutMs":300,"delayScale":0}' lets the end-to-end tests run the
 * bundles against scripted faults without waiting real seconds. A malformed value changes nothing.
 */
export function defaultDependencies(env: NodeJS.ProcessEnv, events?: EngineEvents): RunDependencies {
  const timing = readTestTiming(env.BITBUCKET_2FA_GATE_TEST_TIMING)
  const timeoutMs = typeof timing.timeoutMs === 'number' ? timing.timeoutMs : REQUEST_TIMEOUT_MS
  const delayScale = typeof timing.delayScale === 'number' ? timing.delayScale : 1
  const clock: Clock = delayScale === 1 ? systemClock : { sleep: (ms) => systemClock.sleep(ms * delayScale) }
  return {
    now: () => new Date(),
    clock,
    random: Math.random,
    transport: createTransport({ timeoutMs, maxSockets: MAX_IN_FLIGHT }),
    retryPolicy: DEFAULT_RETRY_POLICY,
    requestTimeoutMs: timeoutMs,
    ...(events ? { events } : {})
  }
}

function readTestTiming(text: string | undefined): { timeoutMs?: unknown; delayScale?: unknown } {
  if (!text) return {}
  try {
    const parsed: unknown = JSON.parse(text)
    return typeof parsed === 'object' && parsed !== null ? parsed : {}
  } catch {
    return {}
  }
}
