import type { Worker } from 'node:worker_threads'
import { ThreadsPoolWorker } from 'vitest/node'

/**
 * Mutation testing only (`vitest.mutate.config.ts`): the test worker thread outlives a test run.
 *
 * Stryker's vitest runner starts a test run per mutant, and vitest starts a new worker thread for each
 * run: a Node thread, vitest's runtime and its environment, before any test, most of what a mutant
 * costs here. This keeps the thread of a finished run for the next run of the same Stryker runner:
 * - It is never told to stop (the worker stops listening when it is), and is not started again: the
 *   pool's `stop` and `start` messages are answered here, as the worker would answer them.
 * - Each run's message carries the config of the run's own `start` (Stryker sets the test name filter
 *   there), so the worker runs with it.
 * - Vitest imports the setup file (Stryker's, which reads the active mutant) and every test file of a
 *   run afresh (`invalidate`). The source modules stay evaluated between runs, which is sound for a
 *   mutant Stryker switches at run time, on every call. A run that needs fresh modules gets them: the
 *   initial run that records coverage, and a static mutant's (one that acts while a module loads) are
 *   sent with `isolate: true`, which resets every module before each test file.
 * A run the pool ends by force (cancelled, failed) ends its thread as vitest would; a Stryker timeout
 * ends the whole runner process.
 */

interface PoolMessage {
  readonly type: string
  readonly context?: { readonly config?: Record<string, unknown>; readonly providedContext?: Record<string, unknown> }
}

/** ThreadsPoolWorker's parts this module relies on (vitest 5). */
interface ThreadsWorker {
  _thread?: Worker
  readonly stdout: NodeJS.WritableStream & { setMaxListeners(n: number): unknown; getMaxListeners(): number }
  readonly stderr: NodeJS.WritableStream & { setMaxListeners(n: number): unknown; getMaxListeners(): number }
  /** The thread came from an earlier run: it is running and set up already. */
  reused?: boolean
  /** The config of this run's `start`. */
  config?: Record<string, unknown>
  /** The run ended normally (the pool asked it to stop, rather than forcing it: a cancelled or failed run). */
  stopAsked?: boolean
}

const RESPONSE = { __vitest_worker_response__: true }
let idle: Worker | undefined

type Start = (this: ThreadsWorker) => Promise<void>
type Send = (this: ThreadsWorker, message: PoolMessage) => void
const prototype = ThreadsPoolWorker.prototype as unknown as { start: Start; stop: Start; send: Send }
const original: { readonly start: Start; readonly stop: Start; readonly send: Send } = {
  start: prototype.start,
  stop: prototype.stop,
  send: prototype.send
}
// Once per process, however often the config that imports this is loaded.
const PATCHED = Symbol.for('bitbucket-2fa-gate.reused-thread')
if (!Object.hasOwn(prototype, PATCHED)) {
  Object.defineProperty(prototype, PATCHED, { value: true })
  prototype.start = start
  prototype.send = send
  prototype.stop = stop
}

function start(this: ThreadsWorker): Promise<void> {
  this.stopAsked = false
  this.reused = this._thread === undefined && idle !== undefined
  if (this.reused) {
    this._thread = idle
    idle = undefined
  }
  return original.start.call(this)
}

/** Answers the pool for the worker, as the worker would. */
function answer(thread: Worker, type: string): void {
  setImmediate(() => thread.emit('message', { type, ...RESPONSE }))
}

function send(this: ThreadsWorker, message: PoolMessage): void {
  const thread = this._thread
  if (thread === undefined) {
    original.send.call(this, message)
    return
  }
  if (message.type === 'start') {
    this.config = message.context?.config
    if (this.reused === true) answer(thread, 'started')
    else original.send.call(this, message)
  } else if (message.type === 'run' || message.type === 'collect') {
    const provided = message.context?.providedContext ?? {}
    const fresh = provided.mode !== 'mutant' || provided.mutantActivation === 'static'
    const config = { ...this.config, ...(fresh ? { isolate: true } : {}) }
    original.send.call(this, { ...message, context: { ...message.context, config } })
  } else if (message.type === 'stop') {
    this.stopAsked = true
    answer(thread, 'stopped')
  } else {
    original.send.call(this, message)
  }
}

async function stop(this: ThreadsWorker): Promise<void> {
  const thread = this._thread
  // A run the pool forced to end may still be busy: that thread goes, as vitest would have it.
  if (thread === undefined || idle !== undefined || this.stopAsked !== true) {
    await original.stop.call(this)
    return
  }
  // Detached from this run as `stop` would detach it, but left running for the next.
  thread.stdout.unpipe(this.stdout)
  this.stdout.setMaxListeners(this.stdout.getMaxListeners() - 1)
  thread.stderr.unpipe(this.stderr)
  this.stderr.setMaxListeners(this.stderr.getMaxListeners() - 1)
  for (const event of ['message', 'error', 'messageerror', 'exit', 'online']) thread.removeAllListeners(event)
  idle = thread
  this._thread = undefined
}
