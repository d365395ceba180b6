import { readFileSync } from 'node:fs'
import { errorMessage, GateError } from '../errors.js'
import { check, secretsFor, type EngineEvents, type RunDependencies } from '../engine.js'
import type { Verdict } from '../gate/verdict.js'
import { renderErrorReport, renderJsonReport } from '../report/json.js'
import { annotationText, exemptionWarnings, verdictLogLines } from '../report/log.js'
import { BROKEN_RUN_OUTPUTS, buildOutputs, type Outputs } from '../report/outputs.js'
import { renderErrorSummary, renderNote, renderSummary } from '../report/summary.js'
import { plural } from '../report/words.js'
import { writeReportFile } from '../report-file.js'
import { readActionSettings, type ActionSettings } from './inputs.js'
import type { ActionIO } from './io.js'
import { octokitIssues, type IssuesApi } from './tracking/github.js'
import type { RunResult } from './tracking/plan.js'
import { trackIssue } from './tracking/track.js'
import { redactFor, visibilityFromEvent, visibilityOf } from './visibility.js'
import { utcDay } from '../config/exemptions.js'

/**
 * The GitHub Action: inputs → engine → outputs, log, annotation, summary, report and (when asked) the
 * tracking issue. Prints only through `io`; a non-compliant verdict and a broken run are different
 * things and say so. The tracking issue comes last: nothing it reads can change what came before.
 */
export async function run(io: ActionIO, env: NodeJS.ProcessEnv, deps: RunDependencies): Promise<void> {
  let summary: string
  let wantSummary = true
  // Until the inputs and the event say otherwise, everything is printed as for a public repository.
  let redact = true
  let settings: ActionSettings | null = null
  let issues: IssuesApi | null = null
  let result: RunResult | null = null
  // Read first and on its own: even a run whose other inputs are wrong overwrites an old report.
  const reportFile = io.getInput('report-file').trim()
  try {
    settings = readActionSettings(
      (name) => io.getInput(name),
      (secret) => {
        io.setSecret(secret)
      }
    )
    wantSummary = settings.summary
    for (const secret of secretsFor(settings.options)) io.setSecret(secret)
    if (settings.tracking) issues = await connectIssues(settings.tracking.token, env)
    redact = await resolveRedaction(io, settings, readEventPayload(env), issues)
    const { options } = settings
    io.info(`Reading the members of ${options.workspaces.join(', ')} from ${options.apiUrl.origin}`)
    const verdict = await check({ ...options, redact }, { ...deps, events: events(io) })
    setOutputs(io, buildOutputs(verdict))
    summary = renderSummary(verdict, { redact, failOnViolation: settings.failOnViolation, workspaces: options.workspaces })
    result = { verdict }
    if (reportFile !== '') {
      const text = renderJsonReport(verdict, { generatedAt: deps.now(), apiOrigin: options.apiUrl.origin, workspaces: options.workspaces, redact })
      io.setOutput('report-file', await writeReport(reportFile, env, text))
    }
    reportVerdict(io, verdict, settings, redact)
  } catch (error) {
    setOutputs(io, BROKEN_RUN_OUTPUTS)
    const message = errorMessage(error, redact)
    summary = renderErrorSummary(message)
    if (result === null) result = { error: message }
    if (reportFile !== '') await writeBrokenReport(io, reportFile, env, message, settings, deps.now())
    io.setFailed(error instanceof GateError ? message : `Unexpected error: ${message}. Please report it at the issue tracker.`)
  }
  try {
    if (issues !== null && settings?.tracking) summary += await updateTrackingIssue(io, issues, result, settings, redact, env, deps.now())
  } finally {
    if (wantSummary) await writeSummary(io, summary)
  }
}

/** GITHUB_API_URL and GITHUB_REPOSITORY, as the runner sets them; the Octokit client is loaded only now. */
async function connectIssues(token: string, env: NodeJS.ProcessEnv): Promise<IssuesApi> {
  const [owner, repo, extra] = (env.GITHUB_REPOSITORY ?? '').split('/')
  if (!owner || !repo || extra !== undefined) {
    throw new GateError(
      '`tracking-issue: true` needs GITHUB_REPOSITORY (owner/name), which GitHub Actions sets: the tracking issue works only in a GitHub workflow. Set `tracking-issue: false` elsewhere.'
    )
  }
  return octokitIssues(token, env.GITHUB_API_URL ?? 'https://api.github.com', { owner, repo })
}

/**
 * `redact` as the inputs and the event say; with `auto`, a payload that does not state the visibility,
 * and a GitHub token at hand (the tracking issue), GitHub is asked. Any failure there withholds names:
 * this can only show names in a private repository, never change a verdict.
 */
async function resolveRedaction(io: ActionIO, settings: ActionSettings, eventPayload: string | null, issues: IssuesApi | null): Promise<boolean> {
  const visibility = visibilityFromEvent(eventPayload)
  if (settings.redact !== 'auto' || visibility !== 'unknown' || issues === null) return redactFor(settings.redact, visibility)
  try {
    const repository = await issues.visibility()
    return redactFor('auto', visibilityOf(repository.private, repository.visibility))
  } catch (error) {
    io.info(`The event does not say whether this repository is private, and GitHub could not be asked (${errorMessage(error)}): names are withheld.`)
    return true
  }
}

/** Opens, updates or closes the tracking issue; a GitHub refusal fails the step but leaves the verdict's outputs. */
async function updateTrackingIssue(
  io: ActionIO,
  issues: IssuesApi,
  result: RunResult | null,
  settings: ActionSettings,
  redact: boolean,
  env: NodeJS.ProcessEnv,
  now: Date
): Promise<string> {
  if (result === null || settings.tracking === null) return ''
  try {
    const line = await trackIssue(issues, result, {
      workspaces: settings.options.workspaces,
      redact,
      failOnViolation: settings.failOnViolation,
      today: utcDay(now),
      runUrl: runUrlOf(env),
      label: settings.tracking.label,
      eventName: env.GITHUB_EVENT_NAME ?? ''
    })
    io.info(line)
    return `\n${line}\n`
  } catch (error) {
    const message = errorMessage(error, redact)
    io.setFailed(
      error instanceof GateError ? message : `Unexpected error while updating the tracking issue: ${message}. Please report it at the issue tracker.`
    )
    return `\n${renderNote(message)}`
  }
}

function runUrlOf(env: NodeJS.ProcessEnv): string | null {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = env
  if (!server || !repository || !runId || !/^https:\/\/[^\s()]+$/.test(server) || !/^\d+$/.test(runId) || !/^[\w.-]+\/[\w.-]+$/.test(repository)) return null
  return `${server}/${repository}/actions/runs/${runId}`
}

/** The engine's progress, in the step log. */
function events(io: ActionIO): EngineEvents {
  return {
    secret: (value) => {
      io.setSecret(value)
    },
    response: ({ url, status, attempts }) => {
      io.debug(`GET ${url} → ${status}${attempts > 1 ? ` after ${attempts} attempts` : ''}`)
    },
    retry: ({ attempt, delayMs, reason }) => {
      io.info(`${capitalize(reason)}; retrying in ${(delayMs / 1000).toFixed(1)} s (attempt ${attempt + 1}).`)
    }
  }
}

/** The verdict in the log, as warnings, and as the step's failure (or a warning when reporting only). */
function reportVerdict(io: ActionIO, verdict: Verdict, settings: ActionSettings, redact: boolean): void {
  const { workspaces } = settings.options
  for (const line of verdictLogLines(verdict, { redact, workspaces })) io.info(line)
  for (const line of exemptionWarnings(verdict)) io.warning(line)
  if (verdict.secondSource?.warning) io.warning(verdict.secondSource.warning)
  if (!verdict.failOnUnknown && verdict.unknown.length > 0) {
    const people = plural(verdict.unknown.length, 'person has', 'people have')
    io.warning(`${people} an unknown 2FA flag; \`fail-on-unknown: false\` lets them pass.`)
  }
  if (verdict.compliant) {
    io.info('Every person has two-factor authentication on, or an exemption in force.')
    return
  }
  const text = annotationText(verdict, { redact, workspaces })
  if (settings.failOnViolation) io.setFailed(text)
  else io.warning(`${text} (report only: \`fail-on-violation: false\`)`)
}

/** Set before any failure, so `if: failure()` steps can read them. */
function setOutputs(io: ActionIO, outputs: Outputs): void {
  for (const [name, value] of Object.entries(outputs)) io.setOutput(name, value)
}

async function writeReport(path: string, env: NodeJS.ProcessEnv, text: string): Promise<string> {
  try {
    return await writeReportFile(path, env.GITHUB_WORKSPACE ?? process.cwd(), text)
  } catch (error) {
    throw new GateError(`Could not write the report to \`report-file\` (${path}): ${errorMessage(error)}. Check the path and that the runner may write there.`)
  }
}

/** A broken run overwrites any old report, so no stale file is uploaded as if it were this run's. */
async function writeBrokenReport(
  io: ActionIO,
  path: string,
  env: NodeJS.ProcessEnv,
  message: string,
  settings: ActionSettings | null,
  now: Date
): Promise<void> {
  const text = renderErrorReport(message, {
    generatedAt: now,
    apiOrigin: settings?.options.apiUrl.origin ?? null,
    workspaces: settings?.options.workspaces ?? [],
    redact: true
  })
  try {
    io.setOutput('report-file', await writeReportFile(path, env.GITHUB_WORKSPACE ?? process.cwd(), text))
  } catch (error) {
    io.warning(`Could not write the report to \`report-file\` (${path}): ${errorMessage(error)}.`)
  }
}

async function writeSummary(io: ActionIO, text: string): Promise<void> {
  if (text === '') return
  try {
    await io.writeSummary(text)
  } catch (error) {
    io.warning(`Could not write the job summary (${errorMessage(error)}); the verdict above stands.`)
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
