import { readFileSync } from 'node:fs'
import * as core from '@actions/core'
import { authorizationFor, secretsOf } from './bitbucket/auth.js'
import { Limiter } from './bitbucket/limiter.js'
import { listMembers, type ClientContext } from './bitbucket/members.js'
import { DEFAULT_RETRY_POLICY, systemClock, WaitBudget, type Clock, type RetryPolicy } from './bitbucket/retry.js'
import { createTransport, type Transport } from './bitbucket/transport.js'
import { errorMessage, GateError } from './errors.js'
import { utcDay } from './exemptions.js'
import { parseInputs, type Inputs } from './inputs.js'
import { annotationText, exemptionWarnings, verdictLogLines } from './report/log.js'
import { BROKEN_RUN_OUTPUTS, buildOutputs, type Outputs } from './report/outputs.js'
import { renderErrorSummary, renderSummary } from './report/summary.js'
import { plural } from './report/words.js'
import { scrubSecrets } from './secrets.js'
import { decideCompliance, type Verdict } from './verdict.js'
import { shouldRedact } from './visibility.js'

/** Requests in flight across the whole run. */
export const MAX_IN_FLIGHT = 8
export const REQUEST_TIMEOUT_MS = 30_000

export interface RunDependencies {
  readonly env: NodeJS.ProcessEnv
  readonly now: () => Date
  readonly clock: Clock
  readonly random: () => number
  readonly transport: Transport
  readonly retryPolicy: RetryPolicy
}

/**
 * Test hook, not an input: BITBUCKET_2FA_GATE_TEST_TIMING='{"timeoutMs":300,"delayScale":0}' lets the
 * end-to-end suite run the bundle against scripted faults without waiting real seconds.
 */
export function defaultDependencies(env: NodeJS.ProcessEnv = process.env): RunDependencies {
  let timeoutMs = REQUEST_TIMEOUT_MS
  let delayScale = 1
  const timing = readTestTiming(env.BITBUCKET_2FA_GATE_TEST_TIMING)
  if (typeof timing.timeoutMs === 'number') timeoutMs = timing.timeoutMs
  if (typeof timing.delayScale === 'number') delayScale = timing.delayScale
  const clock: Clock = delayScale === 1 ? systemClock : { sleep: (ms) => systemClock.sleep(ms * delayScale) }
  return {
    env,
    now: () => new Date(),
    clock,
    random: Math.random,
    transport: createTransport({ timeoutMs, maxSockets: MAX_IN_FLIGHT }),
    retryPolicy: DEFAULT_RETRY_POLICY
  }
}

/** The action: the one place that talks to @actions/core. */
export async function run(deps: RunDependencies = defaultDependencies()): Promise<void> {
  let summary = ''
  let secrets: string[] = []
  let wantSummary = true
  // Until the inputs say otherwise, an error is printed as for a public repository.
  let redact = true
  try {
    const inputs = parseInputs((name) => {
      const value = core.getInput(name)
      // Mask the moment it is read, before anything could print it.
      if (name === 'token' && value.trim() !== '') {
        core.setSecret(value)
        core.setSecret(value.trim())
      }
      return value
    })
    wantSummary = inputs.summary
    secrets = secretsOf(inputs.credentials)
    for (const secret of secrets) core.setSecret(secret)
    redact = shouldRedact(inputs.redact, readEventPayload(deps.env))
    core.info(`Reading the members of ${inputs.workspaces.join(', ')} from ${inputs.apiUrl.origin}`)
    const context = clientContext(inputs, deps, secrets, redact)
    const listings = await Promise.all(inputs.workspaces.map((workspace) => listMembers(workspace, context)))
    const verdict = decideCompliance(listings, {
      exemptions: inputs.exemptions,
      today: utcDay(deps.now()),
      failOnUnknown: inputs.failOnUnknown
    })
    setOutputs(buildOutputs(verdict))
    summary = renderSummary(verdict, { redact, failOnViolation: inputs.failOnViolation })
    reportVerdict(verdict, inputs, redact, secrets)
  } catch (error) {
    setOutputs(BROKEN_RUN_OUTPUTS)
    const message = scrubSecrets(errorMessage(error, redact), secrets)
    summary = renderErrorSummary(message)
    core.setFailed(error instanceof GateError ? message : `Unexpected error: ${message}. Please report it at the issue tracker.`)
  } finally {
    if (wantSummary) await writeSummary(scrubSecrets(summary, secrets))
  }
}

/** The Bitbucket client's wiring: one limiter for all workspaces, one wait budget for the run. */
function clientContext(inputs: Inputs, deps: RunDependencies, secrets: readonly string[], redact: boolean): ClientContext {
  return {
    apiUrl: inputs.apiUrl,
    scrub: (text) => scrubSecrets(text, secrets),
    redact,
    authorization: authorizationFor(inputs.credentials),
    credentials: inputs.credentials,
    limiter: new Limiter(MAX_IN_FLIGHT),
    // People with 2FA on are kept as a uuid; their account id only when an exemption names it.
    keepAccountIds: new Set(inputs.exemptions.filter((e) => e.idKind === 'account_id').map((e) => e.id)),
    onResponse: ({ url, status, attempts }) => {
      core.debug(`GET ${url} → ${status}${attempts > 1 ? ` after ${attempts} attempts` : ''}`)
    },
    retry: {
      transport: deps.transport,
      clock: deps.clock,
      random: deps.random,
      now: () => deps.now().getTime(),
      policy: deps.retryPolicy,
      budget: new WaitBudget(deps.retryPolicy.totalWaitMs),
      onRetry: ({ attempt, delayMs, reason }) => {
        core.info(`${capitalize(reason)}; retrying in ${(delayMs / 1000).toFixed(1)} s (attempt ${attempt + 1}).`)
      }
    }
  }
}

/** The verdict in the log, as warnings, and as the step's failure (or a warning when reporting only). */
function reportVerdict(verdict: Verdict, inputs: Inputs, redact: boolean, secrets: readonly string[]): void {
  for (const line of verdictLogLines(verdict, redact)) core.info(scrubSecrets(line, secrets))
  for (const line of exemptionWarnings(verdict)) core.warning(line)
  if (!verdict.failOnUnknown && verdict.unknown.length > 0) {
    const people = plural(verdict.unknown.length, 'person has', 'people have')
    core.warning(`${people} an unknown 2FA flag; \`fail-on-unknown: false\` lets them pass.`)
  }
  if (verdict.compliant) {
    core.info('Every person has two-factor authentication on, or an exemption in force.')
  } else {
    const text = scrubSecrets(annotationText(verdict, redact), secrets)
    if (inputs.failOnViolation) core.setFailed(text)
    else core.warning(`${text} (report only: \`fail-on-violation: false\`)`)
  }
}

/** Set before any failure, so `if: failure()` steps can read them. */
function setOutputs(outputs: Outputs): void {
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value)
}

async function writeSummary(text: string): Promise<void> {
  if (text === '') return
  try {
    await core.summary.addRaw(text, true).write()
  } catch (error) {
    core.warning(`Could not write the job summary (${errorMessage(error)}); the verdict above stands.`)
  }
}

/** The test hook, read leniently: a malformed value changes nothing rather than crash the run. */
function readTestTiming(text: string | undefined): { timeoutMs?: unknown; delayScale?: unknown } {
  if (!text) return {}
  try {
    const parsed: unknown = JSON.parse(text)
    return typeof parsed === 'object' && parsed !== null ? parsed : {}
  } catch {
    return {}
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

function readEventPayload(env: NodeJS.ProcessEnv): string | null {
  const path = env.GITHUB_EVENT_PATH
  if (!path) return null
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return null
  }
}
