import { errorMessage, GateError, InputError } from '../errors.js'
import { check, secretsFor, type EngineEvents, type RunDependencies } from '../engine.js'
import { code } from '../config/catalogue.js'
import { CLI_SPELLING, PIPE_SPELLING } from '../config/spellings.js'
import { PIPE_PROXY, redactionFor, STEP_PROXY } from '../config/pipelines.js'
import { checkDistinctFiles } from '../config/inputs.js'
import { policyOf, type Policy } from '../present/policy.js'
import { say } from '../sentence.js'
import { renderErrorReport, renderJsonReport } from '../present/json.js'
import { present, type WithheldBecause } from '../present/model.js'
import { SecretSet } from '../secrets.js'
import { codeInsightsOf, flagValueOf, parseCommandLine, secretsOnLine } from './args.js'
import { deliver, type ArtifactContext, type Artifacts } from './artifacts.js'
import { parsePipeVariables, pipeJunitFile, pipeReportFile, pipeSecrets } from './pipe.js'
import { HELP } from './help.js'
import { onLine, redactionOf } from './redaction.js'
import { renderTable } from './table.js'

/** Exit codes: the verdict, or why there is none. */
export const EXIT = { compliant: 0, notCompliant: 1, noVerdict: 2 } as const

/** The terminal: where the CLI prints, and what it may read. */
export interface CliIO {
  stdout(text: string): void
  stderr(text: string): void
  /** stderr is a terminal: progress is drawn there. */
  readonly isTTY: boolean
  /** Colour allowed: a terminal and no NO_COLOR. */
  readonly color: boolean
  readFile(path: string): string
  readonly cwd: string
  readonly version: string
}

/**
 * The command line: flags and environment → engine → a table (or the JSON report) on stdout,
 * progress and errors on stderr, and an exit code (0 compliant, 1 not, 2 no verdict). Every string
 * it prints is scrubbed of the credentials.
 */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv, io: CliIO, deps: RunDependencies): Promise<number> {
  // `bitbucket-2fa-gate pipe`: the pipe's variables instead of flags, spelled in the pipe's words.
  const pipe = argv[0] === 'pipe'
  const args = pipe ? argv.slice(1) : argv
  const spelling = pipe ? PIPE_SPELLING : CLI_SPELLING
  const secrets = new SecretSet(pipe ? pipeSecrets(env) : secretsOnLine(args, env))
  const out = (text: string): void => {
    io.stdout(secrets.scrub(text))
  }
  const err = (text: string): void => {
    io.stderr(secrets.scrub(text))
  }
  // Read before anything else can fail, so that a broken run still overwrites what an old run left.
  let artifacts = earlyArtifacts(pipe, args, env)
  let apiOrigin: string | null = null
  let workspaces: readonly string[] = []
  let policy: Policy | null = null
  let redact = redactionFor(earlyRedaction(pipe, args, env), env, pipe)
  // `--json` anywhere: every run answers with the JSON report on stdout, one without a verdict too.
  const json = !pipe && onLine(args, '--json')
  const context = (): ArtifactContext => ({ env, cwd: io.cwd, deps, spelling, version: io.version, policy, err })
  try {
    if (pipe && args.length > 0)
      throw new InputError('`pipe` takes no arguments: a pipe reads its variables (WORKSPACE, BITBUCKET_TOKEN, …) from the environment.')
    const request = pipe ? parsePipeVariables(env, (path) => io.readFile(path)) : parseCommandLine(args, env, (path) => io.readFile(path))
    if (request.kind === 'help') {
      out(HELP)
      return EXIT.compliant
    }
    if (request.kind === 'version') {
      out(`${io.version}\n`)
      return EXIT.compliant
    }
    const { options } = request
    checkDistinctFiles(
      [
        ['report-file', request.reportFile],
        ['junit-file', request.junitFile],
        ['attestation-predicate-file', request.attestationPredicateFile]
      ],
      io.cwd
    )
    artifacts = {
      reportFile: request.reportFile,
      junitFile: request.junitFile,
      predicateFile: request.attestationPredicateFile,
      codeInsights: request.codeInsights,
      pipe
    }
    redact = redactionFor(request.redact, env, pipe)
    policy = policyOf(options, request.failOnViolation)
    secrets.add(secretsFor(options))
    apiOrigin = options.apiUrl.origin
    workspaces = options.workspaces
    const progress = new Progress(io.isTTY && !request.json, err)
    const verdict = await check(options, { ...deps, events: events(progress, err, secrets, request.debug) }).finally(() => {
      progress.done()
    })
    const model = present(verdict, {
      withhold: redact ? withheldBecause(request.redact, env) : null,
      failOnViolation: request.failOnViolation,
      workspaces: options.workspaces,
      repositories: (options.repositories ?? []).map((r) => r.fullName),
      release: { version: io.version, repository: null, ref: null },
      reportFile: artifacts.reportFile,
      ...(request.redact === true ? { privateWay: say`To see them, run the same command without ${code('redact')} where only you can read its output.` } : {})
    })
    // The table says it next to the verdict; the JSON report has no words, so stderr does.
    if (request.json && model.organization !== null) err(`bitbucket-2fa-gate: warning: ${model.organization.spell(spelling)}\n`)
    if (request.json && model.admins !== null) err(`bitbucket-2fa-gate: warning: ${model.admins.spell(spelling)}\n`)
    const report = renderJsonReport(model, { generatedAt: deps.now(), apiOrigin, workspaces, redact, version: io.version, policy })
    out(request.json ? report : renderTable(model, { color: io.color, spelling }))
    // A file that cannot be written leaves the verdict shown, but the run did not do all it was asked: exit 2.
    if (!(await deliver({ model }, report, artifacts, context()))) return EXIT.noVerdict
    if (verdict.compliant || !request.failOnViolation) return EXIT.compliant
    return EXIT.notCompliant
  } catch (error) {
    const message = errorMessage(error, redact, spelling)
    const known = error instanceof GateError
    err(`bitbucket-2fa-gate: ${known ? message : `unexpected error: ${message}. Please report it at the issue tracker.`}\n`)
    if (json) out(renderErrorReport(message, { generatedAt: deps.now(), apiOrigin, workspaces, redact, version: io.version, policy }))
    // What is written or posted says `"redacted": true` of itself: the message without member data or server
    // text, and scrubbed as what is printed is (files and posts do not go through the port).
    const safe = secrets.scrub(errorMessage(error, true, spelling))
    const report = renderErrorReport(safe, { generatedAt: deps.now(), apiOrigin, workspaces, redact: true, version: io.version, policy })
    await deliver({ error: safe }, report, artifacts, context())
    return EXIT.noVerdict
  }
}

/** Why names are withheld: asked for, or (the Pipelines rule) what Bitbucket says of the repository. */
function withheldBecause(explicit: boolean | null, env: NodeJS.ProcessEnv): WithheldBecause {
  if (explicit === true) return 'asked'
  return env.BITBUCKET_REPO_IS_PRIVATE === 'false' ? 'public' : 'unknown'
}

/** `--redact` / `--no-redact` (a pipe's REDACT) as the line gives them before it is parsed; null for neither. */
function earlyRedaction(pipe: boolean, args: readonly string[], env: NodeJS.ProcessEnv): boolean | null {
  if (pipe) {
    const value = (env.REDACT ?? '').trim().toLowerCase()
    return value === 'false' ? false : value === 'true' ? true : null
  }
  return redactionOf(args, null) ? true : onLine(args, '--no-redact') ? false : null
}

/** The files and posts a broken run still writes: read from the line (or the pipe's variables) without parsing it. */
function earlyArtifacts(pipe: boolean, args: readonly string[], env: NodeJS.ProcessEnv): Artifacts {
  const insights = (wanted: boolean, proxy: string, fallback: string) => {
    if (!wanted) return null
    // A proxy that does not parse still gets the FAILED report through the door's own: an old PASSED on
    // this commit must not stand for a run that proved nothing.
    for (const given of [proxy, '']) {
      try {
        return codeInsightsOf(given, env, fallback)
      } catch {
        continue
      }
    }
    return null
  }
  if (pipe) {
    return {
      reportFile: pipeReportFile(env),
      junitFile: pipeJunitFile(env),
      predicateFile: '',
      codeInsights: insights((env.CODE_INSIGHTS ?? '').trim().toLowerCase() !== 'false', env.CODE_INSIGHTS_PROXY ?? '', PIPE_PROXY),
      pipe
    }
  }
  return {
    reportFile: flagValueOf(args, '--report-file'),
    junitFile: flagValueOf(args, '--junit-file'),
    predicateFile: flagValueOf(args, '--attestation-predicate-file'),
    codeInsights: insights(onLine(args, '--code-insights'), flagValueOf(args, '--code-insights-proxy'), STEP_PROXY),
    pipe
  }
}

function events(progress: Progress, err: (text: string) => void, secrets: SecretSet, debug: boolean): EngineEvents {
  return {
    // `--debug`: one line a final answer; the port scrubs it as it does every line.
    ...(debug
      ? {
          response: ({ method, url, status, attempts }: { method: string; url: string; status: number; attempts: number }) => {
            progress.clear()
            err(`debug: ${method} ${url} → ${status}${attempts > 1 ? ` after ${attempts} attempts` : ''}\n`)
          }
        }
      : {}),
    secret: (value) => {
      secrets.add([value])
    },
    page: (info) => {
      progress.page(info)
    },
    retry: ({ delayMs, reason }) => {
      progress.clear()
      err(`${reason}; retrying in ${(delayMs / 1000).toFixed(1)} s\n`)
    }
  }
}

/** "acme: page 37 of 1000" on one stderr line, redrawn in place, for listings of more than a few pages. */
class Progress {
  private readonly read = new Map<string, { pages: number | null; count: number }>()
  private shown = false

  constructor(
    private readonly enabled: boolean,
    private readonly err: (text: string) => void
  ) {}

  page({ workspace, pages }: { workspace: string; pageNo: number; pages: number | null }): void {
    const entry = this.read.get(workspace) ?? { pages, count: 0 }
    entry.count++
    entry.pages = pages ?? entry.pages
    this.read.set(workspace, entry)
    if (!this.enabled) return
    const large = [...this.read.values()].some((e) => (e.pages ?? e.count) > 3)
    if (!large) return
    const text = [...this.read].map(([ws, e]) => `${ws}: page ${e.count}${e.pages === null ? '' : ` of ${e.pages}`}`).join(', ')
    this.err(`\r\u001b[2K${text}`)
    this.shown = true
  }

  clear(): void {
    if (this.shown) this.err('\r\u001b[2K')
    this.shown = false
  }

  done(): void {
    this.clear()
  }
}
