import { errorMessage, GateError } from '../errors.js'
import { check, secretsFor, type EngineEvents, type RunDependencies } from '../engine.js'
import { ACTION_SPELLING } from '../config/spellings.js'
import { renderErrorReport, renderJsonReport } from '../present/json.js'
import { annotationText, verdictLogLines } from '../present/log.js'
import { present, type Presentation, type View, type WithheldBecause } from '../present/model.js'
import { BROKEN_RUN_OUTPUTS, buildOutputs, type Outputs } from '../present/outputs.js'
import { actionRelease, type ReleaseSource } from '../present/release.js'
import { renderErrorSummary, renderNote, renderSummary } from '../present/summary.js'
import { writeReportFile } from '../report-file.js'
import packageJson from '../../package.json' with { type: 'json' }
import { runUrlOf, type RunnerContext } from './context.js'
import { readActionSettings, type ActionSettings } from './inputs.js'
import type { ActionIO } from './io.js'
import { coreFetch, githubCredential } from './tracking/fetch.js'
import { octokitIssues, type IssuesApi } from './tracking/github.js'
import { formsOf, SecretSet } from '../secrets.js'
import type { RunResult } from './tracking/plan.js'
import { trackIssue } from './tracking/track.js'
import { redactFor, visibilityFromEvent, visibilityOf, type Visibility } from './visibility.js'
import { utcDay } from '../config/exemptions.js'
import { checkDistinctFiles, checkPredicateNeedsReport } from '../config/inputs.js'
import { boundReport, renderAttestationPredicate, type BoundReport } from '../present/attestation.js'
import { renderJunit, renderJunitError } from '../present/junit.js'
import { policyOf, type Policy } from '../present/policy.js'

/**
 * The GitHub Action: inputs → engine → outputs, log, annotation, summary, report and (when asked) the
 * tracking issue. Prints only through `io`; a non-compliant verdict and a broken run are different
 * things and say so. The tracking issue comes last: nothing it reads can change what came before.
 */
export async function run(io: ActionIO, context: RunnerContext, deps: RunDependencies): Promise<void> {
  let summary: string
  let wantSummary = true
  // Until the inputs and the event say otherwise, everything is printed as for a public repository.
  let redact = true
  let settings: ActionSettings | null = null
  let issues: IssuesApi | null = null
  // What the issue writes withholds names unless the repository is known to be private, whatever `redact` says.
  let issueRedact = true
  let issueWithheld: WithheldBecause = 'unknown'
  let result: RunResult | null = null
  // Read first and on its own: even a run whose other inputs are wrong overwrites an old report.
  const reportFile = io.getInput('report-file').trim()
  const junitFile = io.getInput('junit-file').trim()
  const predicateFile = io.getInput('attestation-predicate-file').trim()
  let policy: Policy | null = null
  try {
    checkPredicateNeedsReport(predicateFile, reportFile)
    checkDistinctFiles(
      [
        ['report-file', reportFile],
        ['junit-file', junitFile],
        ['attestation-predicate-file', predicateFile]
      ],
      context.workspace
    )
    settings = readActionSettings(
      (name) => io.getInput(name),
      (secret) => {
        io.setSecret(secret)
      }
    )
    wantSummary = settings.summary
    policy = policyOf(settings.options, settings.failOnViolation)
    for (const secret of secretsFor(settings.options)) io.setSecret(secret)
    if (settings.tracking) issues = await connectIssues(settings.tracking.token, context, deps, settings)
    const visibility = await resolveVisibility(io, context.eventPayload, issues)
    redact = redactFor(settings.redact, visibility)
    issueRedact = redact || visibility !== 'private'
    issueWithheld = withheldBecause(true, settings, visibility) ?? 'unknown'
    const { options } = settings
    const repositories = (options.repositories ?? []).map((r) => r.fullName)
    const permissions = repositories.length === 0 ? '' : `, and who can write to ${repositories.join(', ')},`
    io.info(`Reading the members and admins of ${options.workspaces.join(', ')}${permissions} from ${options.apiUrl.origin}`)
    const verdict = await check(options, { ...deps, events: events(io) })
    const view: View = {
      withhold: withheldBecause(redact, settings, visibility),
      failOnViolation: settings.failOnViolation,
      workspaces: options.workspaces,
      repositories,
      release: releaseOf(context),
      reportFile
    }
    const model = present(verdict, view)
    const stepOutputs = buildOutputs(model)
    setOutputs(io, stepOutputs.outputs)
    summary = renderSummary(model)
    result = { verdict }
    reportVerdict(io, model, settings)
    if (stepOutputs.warning !== null) io.warning(stepOutputs.warning.spell(ACTION_SPELLING))
    const files = { report: reportFile, junit: junitFile, predicate: predicateFile }
    const report =
      reportFile === ''
        ? null
        : renderJsonReport(model, {
            generatedAt: deps.now(),
            apiOrigin: options.apiUrl.origin,
            workspaces: options.workspaces,
            redact,
            version: packageJson.version,
            policy
          })
    summary += await writeFiles(io, files, { model, report, policy, context, now: deps.now() })
  } catch (error) {
    setOutputs(io, BROKEN_RUN_OUTPUTS)
    const message = errorMessage(error, redact)
    summary = renderErrorSummary(message)
    if (result === null) result = { error }
    await writeBrokenFiles(io, { report: reportFile, junit: junitFile, predicate: predicateFile }, context, error, settings, policy, deps.now())
    io.setFailed(error instanceof GateError ? message : `Unexpected error: ${message}. Please report it at the issue tracker.`)
  }
  try {
    if (issues !== null && settings?.tracking) {
      const issueView = { summary: redact, issue: issueRedact, because: issueWithheld, reportFile }
      summary += await updateTrackingIssue(io, issues, result, settings, issueView, context, deps.now())
    }
  } finally {
    if (wantSummary) await writeSummary(io, summary)
  }
}

/**
 * GITHUB_API_URL and GITHUB_REPOSITORY, as the runner sets them; the Octokit client is loaded only now.
 * The github-token goes through the request core, locked to GITHUB_API_URL's origin.
 */
async function connectIssues(token: string, context: RunnerContext, deps: RunDependencies, settings: ActionSettings): Promise<IssuesApi> {
  const [owner, repo, extra] = context.repository.split('/')
  if (!owner || !repo || extra !== undefined) {
    throw new GateError(
      '`tracking-issue: true` needs GITHUB_REPOSITORY (owner/name), which GitHub Actions sets: the tracking issue works only in a GitHub workflow. Set `tracking-issue: false` elsewhere.'
    )
  }
  const apiUrl = parseGitHubApiUrl(context.apiUrl)
  const credential = githubCredential(token, apiUrl)
  // Scrubbed before GitHub's words are cut: the github-token and every credential of the run.
  const scrub = new SecretSet([...secretsFor(settings.options), ...formsOf([token, `token ${token}`])]).scrub
  return octokitIssues(token, apiUrl.href, { owner, repo }, { fetch: coreFetch(deps.transport, credential), scrub })
}

/** GITHUB_API_URL (default https://api.github.com), which the runner sets: an http(s) URL with nothing but a path. */
function parseGitHubApiUrl(value: string): URL {
  const text = value.trim() === '' ? 'https://api.github.com' : value.trim()
  let url: URL | null
  try {
    url = new URL(text)
  } catch {
    url = null
  }
  if (
    url === null ||
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.username !== '' ||
    url.password !== '' ||
    url.search !== '' ||
    url.hash !== ''
  ) {
    throw new GateError(
      'GITHUB_API_URL, which the runner sets, is not the URL of an API without credentials or a query, so the `github-token` is not sent anywhere. ' +
        'Leave GITHUB_API_URL to the runner, or set `tracking-issue: false`.'
    )
  }
  return url
}

/**
 * The repository's visibility as the event says; when it does not say, and a GitHub token is at hand
 * (the tracking issue), GitHub is asked. Any failure there is `unknown`, which withholds names: this
 * can only show names in a private repository, never change a verdict.
 */
async function resolveVisibility(io: ActionIO, eventPayload: string | null, issues: IssuesApi | null): Promise<Visibility> {
  const visibility = visibilityFromEvent(eventPayload)
  if (visibility !== 'unknown' || issues === null) return visibility
  try {
    const repository = await issues.visibility()
    return visibilityOf(repository.private, repository.visibility)
  } catch (error) {
    io.info(`The event does not say whether this repository is private, and GitHub could not be asked (${errorMessage(error, true)}): names are withheld.`)
    return 'unknown'
  }
}

/** Opens, updates or closes the tracking issue; a GitHub refusal fails the step but leaves the verdict's outputs. */
async function updateTrackingIssue(
  io: ActionIO,
  issues: IssuesApi,
  result: RunResult | null,
  settings: ActionSettings,
  redact: { readonly summary: boolean; readonly issue: boolean; readonly because: WithheldBecause; readonly reportFile: string },
  context: RunnerContext,
  now: Date
): Promise<string> {
  if (result === null || settings.tracking === null) return ''
  try {
    const line = await trackIssue(issues, result, {
      workspaces: settings.options.workspaces,
      repositories: (settings.options.repositories ?? []).map((r) => r.fullName),
      redact: redact.issue,
      failOnViolation: settings.failOnViolation,
      today: utcDay(now),
      runUrl: runUrlOf(context),
      withheldBecause: redact.because,
      release: releaseOf(context),
      reportFile: redact.reportFile,
      label: settings.tracking.label,
      eventName: context.eventName
    })
    io.info(line)
    return `\n${line}\n`
  } catch (error) {
    const message = errorMessage(error, redact.summary)
    io.setFailed(
      error instanceof GateError ? message : `Unexpected error while updating the tracking issue: ${message}. Please report it at the issue tracker.`
    )
    return `\n${renderNote(message)}`
  }
}

/** The engine's progress, in the step log. */
function events(io: ActionIO): EngineEvents {
  return {
    secret: (value) => {
      io.setSecret(value)
    },
    response: ({ method, url, status, attempts }) => {
      io.debug(`${method} ${url} → ${status}${attempts > 1 ? ` after ${attempts} attempts` : ''}`)
    },
    retry: ({ attempt, delayMs, reason }) => {
      io.info(`${capitalize(reason)}; retrying in ${(delayMs / 1000).toFixed(1)} s (attempt ${attempt + 1}).`)
    }
  }
}

/** The running release: package.json's version, and where the workflow takes the action from. */
function releaseOf(context: RunnerContext): ReleaseSource {
  return actionRelease(packageJson.version, context.actionRepository, context.actionRef)
}

/** Why names are withheld, when they are: `redact: true`, or what is known of the repository's visibility. */
function withheldBecause(redact: boolean, settings: ActionSettings, visibility: Visibility): WithheldBecause | null {
  if (!redact) return null
  if (settings.redact === 'true' || visibility === 'private') return 'asked'
  return visibility
}

/** The verdict in the log, as warnings, and as the step's failure (or a warning when reporting only). */
function reportVerdict(io: ActionIO, model: Presentation, settings: ActionSettings): void {
  for (const line of verdictLogLines(model)) io.info(line)
  for (const warning of model.warnings) io.warning(warning.spell(ACTION_SPELLING))
  if (model.compliant) {
    io.info('Every person has two-factor authentication on, or an exemption in force.')
    return
  }
  const text = annotationText(model)
  if (settings.failOnViolation) io.setFailed(text)
  else io.warning(`${text} (report only: \`fail-on-violation: false\`)`)
}

/** Set before any failure, so `if: failure()` steps can read them. */
function setOutputs(io: ActionIO, outputs: Outputs): void {
  for (const [name, value] of Object.entries(outputs)) io.setOutput(name, value)
}

/** The files asked for: '' for none, each. */
interface AskedFiles {
  readonly report: string
  readonly junit: string
  readonly predicate: string
}

interface FileContents {
  /** Null: a run without a verdict. */
  readonly model: Presentation | null
  /** The JSON report's text; null when none is asked for. */
  readonly report: string | null
  readonly policy: Policy | null
  readonly context: RunnerContext
  readonly now: Date
  /** Why there is no verdict, safe to write. */
  readonly error?: string
}

/**
 * The report, the JUnit file and the attestation predicate of a run with a verdict. A file that cannot be
 * written fails the step, naming the file and the reason once; the verdict's outputs, log and summary
 * stand (that file's output stays empty). The predicate binds the report written in this run, or is not written.
 */
async function writeFiles(io: ActionIO, files: AskedFiles, contents: FileContents): Promise<string> {
  let note = ''
  const fail = (message: string, what: string): void => {
    // A broken run has failed already: a file it cannot write is worth a warning, not a second failure.
    if (contents.error !== undefined) {
      io.warning(message)
      return
    }
    io.setFailed(`${message} The verdict above stands; only ${what} is missing.`)
    note += `\n${renderNote(message)}`
  }
  let bound: BoundReport | null = null
  if (files.report !== '' && contents.report !== null) {
    if (await writeAsked(io, 'report-file', files.report, contents.report, contents.context, fail)) bound = boundReport(files.report, contents.report)
  }
  if (files.junit !== '') {
    const junit =
      contents.model === null
        ? renderJunitError(contents.error ?? '', { generatedAt: contents.now })
        : renderJunit(contents.model, { generatedAt: contents.now })
    await writeAsked(io, 'junit-file', files.junit, junit, contents.context, fail)
  }
  if (files.predicate !== '') {
    if (bound === null) {
      fail(
        'The attestation predicate says FAILED: it binds the sha256 of the report written in this run, and no report was written. Fix `report-file` first.',
        'a predicate that binds the report'
      )
    }
    // Written even then, with FAILED, so no older predicate stands for this run.
    const predicate = renderAttestationPredicate(contents.model, {
      policy: contents.policy,
      version: packageJson.version,
      report: bound,
      url: runUrlOf(contents.context)
    })
    await writeAsked(io, 'attestation-predicate-file', files.predicate, predicate, contents.context, fail)
  }
  return note
}

/** One file; its output is the written path, or empty when it could not be written. */
async function writeAsked(
  io: ActionIO,
  input: 'report-file' | 'junit-file' | 'attestation-predicate-file',
  path: string,
  text: string,
  context: RunnerContext,
  fail: (message: string, what: string) => void
): Promise<boolean> {
  try {
    io.setOutput(input, await writeReportFile(path, context.workspace, text))
    return true
  } catch (error) {
    io.setOutput(input, '')
    fail(`Could not write ${FILE_WORDS[input]}: ${errorMessage(error)}. Check \`${input}\` and that the runner may write there.`, FILE_WORDS[input])
    return false
  }
}

/** What each file is, for a message. */
const FILE_WORDS = { 'report-file': 'the report', 'junit-file': 'the JUnit report', 'attestation-predicate-file': 'the attestation predicate' } as const

/** A broken run overwrites any old report, JUnit file and predicate, so no stale file is uploaded as if it were this run's. */
async function writeBrokenFiles(
  io: ActionIO,
  files: AskedFiles,
  context: RunnerContext,
  error: unknown,
  settings: ActionSettings | null,
  policy: Policy | null,
  now: Date
): Promise<void> {
  // The files say `"redacted": true` of themselves: the message without member data or server text.
  const message = errorMessage(error, true)
  const report =
    files.report === ''
      ? null
      : renderErrorReport(message, {
          generatedAt: now,
          apiOrigin: settings?.options.apiUrl.origin ?? null,
          workspaces: settings?.options.workspaces ?? [],
          redact: true,
          version: packageJson.version,
          policy
        })
  // The step has failed already; a file that cannot be written here is only a warning.
  await writeFiles(io, files, { model: null, report, policy, context, now, error: message })
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
