import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { scrubbing, type ActionIO } from '../../src/action/io.js'
import { readRunnerContext } from '../../src/action/context.js'
import { run } from '../../src/action/main.js'
import { DEFAULT_RETRY_POLICY } from '../../src/http/retry.js'
import { createTransport } from '../../src/http/transport.js'
import type { RunDependencies } from '../../src/engine.js'
import { PRIVATE_REPO_EVENT, type ActionRun, type RunOptions } from './action.js'

/** A port that records what the action does, written the way a runner's log shows it. */
export interface Recorder extends ActionIO {
  readonly lines: string[]
  readonly outputs: Record<string, string>
  readonly masked: string[]
  summary: string
  failed: boolean
}

export function recordingIO(inputs: Record<string, string>, options: { summaryFile?: boolean } = {}): Recorder {
  const recorder: Recorder = {
    lines: [],
    outputs: {},
    masked: [],
    summary: '',
    failed: false,
    getInput: (name) => inputs[name] ?? '',
    setSecret: (value) => {
      recorder.masked.push(value)
    },
    info: (text) => recorder.lines.push(text),
    warning: (text) => recorder.lines.push(`::warning::${text}`),
    debug: (text) => recorder.lines.push(`::debug::${text}`),
    setOutput: (name, value) => {
      recorder.outputs[name] = value
    },
    setFailed: (text) => {
      recorder.failed = true
      recorder.lines.push(`::error::${text}`)
    },
    writeSummary: (markdown) => {
      if (options.summaryFile === false) return Promise.reject(new Error('Unable to find environment variable for $GITHUB_STEP_SUMMARY'))
      recorder.summary += markdown
      return Promise.resolve()
    }
  }
  return recorder
}

/** Dependencies for in-process runs: real HTTP to the simulator, a short timeout, no real waiting. */
export function fastDependencies(timeoutMs = 2000): RunDependencies & { waits: number[] } {
  const waits: number[] = []
  return {
    waits,
    now: () => new Date('2026-11-26T12:00:00Z'),
    clock: {
      sleep: (ms) => {
        waits.push(ms)
        return Promise.resolve()
      }
    },
    random: () => 0.5,
    transport: createTransport({ timeoutMs, maxSockets: 8 }),
    retryPolicy: DEFAULT_RETRY_POLICY
  }
}

/**
 * The action's run() in this process, through the same scrubbing port the runner gets, with the
 * inputs and event of `runAction` (the bundle's end-to-end helper): same result shape, no child process.
 */
export async function runInProcess(inputs: Record<string, string>, options: RunOptions = {}): Promise<ActionRun & { recorder: Recorder }> {
  const dir = await mkdtemp(join(tmpdir(), 'bb2fa-in-'))
  try {
    const env: Record<string, string> = { GITHUB_WORKSPACE: dir, ...options.env }
    const event = options.event === undefined ? PRIVATE_REPO_EVENT : options.event
    if (event !== null) {
      env.GITHUB_EVENT_PATH = join(dir, 'event.json')
      await writeFile(env.GITHUB_EVENT_PATH, JSON.stringify(event))
    }
    const recorder = recordingIO(inputs, options.summaryFile === false ? { summaryFile: false } : {})
    const started = performance.now()
    await run(scrubbing(recorder), readRunnerContext(env), fastDependencies(options.timing?.timeoutMs ?? 2000))
    const stdout = [...recorder.masked.map((m) => `::add-mask::${m}`), ...recorder.lines].join('\n') + '\n'
    const outputText = Object.entries(recorder.outputs)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n')
    return {
      recorder,
      exitCode: recorder.failed ? 1 : 0,
      stdout,
      stderr: '',
      outputs: { ...recorder.outputs },
      summary: recorder.summary,
      artefacts: [recorder.lines.join('\n'), outputText, recorder.summary].join('\n'),
      masked: [...recorder.masked],
      wallMs: performance.now() - started
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
