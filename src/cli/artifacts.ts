import { appendFile, open } from 'node:fs/promises'
import { join } from 'node:path'
import { publishInsights } from '../bitbucket/insights.js'
import { code, named } from '../config/catalogue.js'
import { pipelineUrl } from '../config/pipelines.js'
import type { RunDependencies } from '../engine.js'
import { errorMessage } from '../errors.js'
import { boundReport, renderAttestationPredicate, type BoundReport } from '../present/attestation.js'
import { renderInsights, renderInsightsError } from '../present/insights.js'
import { renderJunit, renderJunitError } from '../present/junit.js'
import type { Presentation } from '../present/model.js'
import type { Policy } from '../present/policy.js'
import { renderStepVariables } from '../present/variables.js'
import { FileWriteError, writeReportFile } from '../report-file.js'
import { say, type Spelling } from '../sentence.js'
import type { CodeInsightsRequest } from './args.js'

/** Where the run's answer lands besides the terminal: the files asked for, Code Insights, the step variables. */
export interface Artifacts {
  /** '' for none, each. */
  readonly reportFile: string
  readonly junitFile: string
  readonly predicateFile: string
  readonly codeInsights: CodeInsightsRequest | null
  /** The `pipe` subcommand: a folder of the clone its user cannot write is a warning, and the variables also go to the pipe's storage. */
  readonly pipe: boolean
}

/** What the run reached: a verdict's model, or the message of why there is none (already safe to show). */
export type Outcome = { readonly model: Presentation } | { readonly error: string }

export interface ArtifactContext {
  readonly env: NodeJS.ProcessEnv
  readonly cwd: string
  readonly deps: RunDependencies
  readonly spelling: Spelling
  readonly version: string
  /** Null when the inputs did not parse. */
  readonly policy: Policy | null
  /** Prints a line on stderr (scrubbed by the caller). */
  readonly err: (text: string) => void
}

/**
 * Writes and posts everything asked for, once the verdict (or its absence) is shown. Returns false when a
 * file that was asked for could not be written: the run did not do all it was asked (exit 2). Code
 * Insights and the step variables only warn: they are a view of the answer, and the exit code is the answer.
 */
export async function deliver(outcome: Outcome, report: string | null, artifacts: Artifacts, context: ArtifactContext): Promise<boolean> {
  const now = context.deps.now()
  let complete = true
  const model = 'model' in outcome ? outcome.model : null
  let bound: BoundReport | null = null
  if (artifacts.reportFile !== '' && report !== null) {
    const written = await writeFile('report-file', artifacts.reportFile, report, artifacts, context)
    if (written === false) complete = false
    else if (written !== null) bound = boundReport(artifacts.reportFile, report)
  }
  if (artifacts.junitFile !== '') {
    const text = model === null ? renderJunitError(errorOf(outcome), { generatedAt: now }) : renderJunit(model, { generatedAt: now })
    if ((await writeFile('junit-file', artifacts.junitFile, text, artifacts, context)) === false) complete = false
  }
  if (artifacts.predicateFile !== '') {
    if (bound === null) {
      // Nothing to bind: the file is still overwritten, with FAILED, so no older predicate stands for this run.
      context.err(
        `bitbucket-2fa-gate: ${say`the attestation predicate says FAILED: it binds the report file's sha256, and no report was written this run. Fix ${named('report-file')} first.`.spell(context.spelling)}\n`
      )
      complete = false
    }
    const text = renderAttestationPredicate(model, {
      policy: context.policy,
      version: context.version,
      report: bound,
      url: pipelineUrl(context.env)
    })
    if ((await writeFile('attestation-predicate-file', artifacts.predicateFile, text, artifacts, context)) === false) complete = false
  }
  await writeStepVariables(model, artifacts, context)
  if (artifacts.codeInsights !== null) await postInsights(outcome, artifacts.codeInsights, context, now)
  return complete
}

function errorOf(outcome: Outcome): string {
  return 'error' in outcome ? outcome.error : ''
}

/** What each file is, for a message. */
const WHAT: Readonly<Record<'report-file' | 'junit-file' | 'attestation-predicate-file', string>> = {
  'report-file': 'the report',
  'junit-file': 'the JUnit report',
  'attestation-predicate-file': 'the attestation predicate'
}

/**
 * One asked-for file. true: written; false: not written, and the run fails for it; null: not written,
 * only warned (inside a pipe, a folder of the mounted clone that the pipe's user may not write).
 */
async function writeFile(input: keyof typeof WHAT, path: string, text: string, artifacts: Artifacts, context: ArtifactContext): Promise<boolean | null> {
  try {
    await writeReportFile(path, context.cwd, text)
    return true
  } catch (error) {
    const clause = errorMessage(error)
    if (artifacts.pipe && error instanceof FileWriteError && (error.code === 'EACCES' || error.code === 'EPERM' || error.code === 'EROFS')) {
      context.err(
        `bitbucket-2fa-gate: warning: ${say`${named(input)}: ${clause}. The pipe's user may not write there; point ${named(input)} at a folder it may write (the clone's own folders usually are), or leave it out.`.spell(context.spelling)}\n`
      )
      return null
    }
    context.err(
      `bitbucket-2fa-gate: ${say`could not write ${WHAT[input]}: ${clause}. Check ${code(input)} and that you may write there.`.spell(context.spelling)}\n`
    )
    return false
  }
}

/** BITBUCKET_PIPELINES_VARIABLES_PATH (appended, as Pipelines expects) and, in a pipe, its storage folder. */
async function writeStepVariables(model: Presentation | null, artifacts: Artifacts, context: ArtifactContext): Promise<void> {
  const text = renderStepVariables(model)
  const targets: { path: string; append: boolean; name: string }[] = []
  const variablesPath = context.env.BITBUCKET_PIPELINES_VARIABLES_PATH ?? ''
  if (variablesPath !== '') targets.push({ path: variablesPath, append: true, name: 'BITBUCKET_PIPELINES_VARIABLES_PATH' })
  const storage = context.env.BITBUCKET_PIPE_STORAGE_DIR ?? ''
  if (artifacts.pipe && storage !== '') targets.push({ path: join(storage, 'bitbucket-2fa-gate.env'), append: false, name: 'BITBUCKET_PIPE_STORAGE_DIR' })
  for (const target of targets) {
    try {
      if (target.append) await appendFile(target.path, `${(await endsInNewline(target.path)) ? '' : '\n'}${text}`, { encoding: 'utf8', mode: 0o644 })
      else await writeReportFile(target.path, context.cwd, text)
    } catch (error) {
      const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : errorMessage(error)
      context.err(
        `bitbucket-2fa-gate: warning: the step variables could not be written to ${target.name} (${code}); later steps will not see BB2FA_COMPLIANT. The verdict above stands.\n`
      )
    }
  }
}

/** DELETE, PUT, POST: a re-run leaves one report with this run's annotations. A failure warns; the exit code follows the verdict. */
async function postInsights(outcome: Outcome, request: CodeInsightsRequest, context: ArtifactContext, now: Date): Promise<void> {
  const link = pipelineUrl(context.env)
  const content =
    'model' in outcome
      ? renderInsights(outcome.model, { generatedAt: now, spell: context.spelling, link })
      : renderInsightsError(outcome.error, { generatedAt: now, link })
  try {
    const { deps } = context
    await publishInsights(
      deps.transport,
      { ...request.target, proxy: request.proxy },
      { report: content.report, annotations: content.annotations },
      { clock: deps.clock, random: deps.random, now: () => deps.now().getTime() }
    )
  } catch (error) {
    context.err(
      `bitbucket-2fa-gate: warning: ${insightsWarning(errorMessage(error, true, context.spelling))} The verdict above stands; the exit code follows it.\n`
    )
  }
}

/** Whether the file is missing, empty or ends a line: an earlier step's last line without one would swallow our first. */
async function endsInNewline(path: string): Promise<boolean> {
  let handle
  try {
    handle = await open(path, 'r')
  } catch {
    return true
  }
  try {
    const { size } = await handle.stat()
    if (size === 0) return true
    const last = Buffer.alloc(1)
    await handle.read(last, 0, 1, size - 1)
    return last[0] === 0x0a
  } finally {
    await handle.close()
  }
}

/** The poster's errors already say the report was not posted; anything else gets that said first. */
function insightsWarning(message: string): string {
  return message.startsWith('The Code Insights report') ? message : `the Code Insights report was not posted: ${message}`
}
