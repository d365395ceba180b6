import { errorMessage, GateError } from '../errors.js'
import { check, secretsFor, type EngineEvents, type RunDependencies } from '../engine.js'
import { code } from '../config/catalogue.js'
import { CLI_SPELLING } from '../config/spellings.js'
import { say } from '../sentence.js'
import { renderErrorReport, renderJsonReport } from '../present/json.js'
import { present } from '../present/model.js'
import { writeReportFile } from '../report-file.js'
import { SecretSet } from '../secrets.js'
import { parseCommandLine, reportFileOf, secretsOnLine } from './args.js'
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
  const secrets = new SecretSet(secretsOnLine(argv, env))
  const out = (text: string): void => {
    io.stdout(secrets.scrub(text))
  }
  const err = (text: string): void => {
    io.stderr(secrets.scrub(text))
  }
  const reportFile = reportFileOf(argv)
  let apiOrigin: string | null = null
  let workspaces: readonly string[] = []
  let redact = redactionOf(argv, null)
  // `--json` anywhere: every run answers with the JSON report on stdout, one without a verdict too.
  const json = onLine(argv, '--json')
  try {
    const request = parseCommandLine(argv, env, (path) => io.readFile(path))
    if (request.kind === 'help') {
      out(HELP)
      return EXIT.compliant
    }
    if (request.kind === 'version') {
      out(`${io.version}\n`)
      return EXIT.compliant
    }
    const { options } = request
    redact = redactionOf(argv, request.redact)
    secrets.add(secretsFor(options))
    apiOrigin = options.apiUrl.origin
    workspaces = options.workspaces
    const progress = new Progress(io.isTTY && !request.json, err)
    const verdict = await check(options, { ...deps, events: events(progress, err, secrets) }).finally(() => {
      progress.done()
    })
    const model = present(verdict, {
      withhold: request.redact ? 'asked' : null,
      failOnViolation: request.failOnViolation,
      workspaces: options.workspaces,
      repositories: (options.repositories ?? []).map((r) => r.fullName),
      release: { version: io.version, repository: null, ref: null },
      reportFile,
      privateWay: say`To see them, run the same command without ${code('redact')} where only you can read its output.`
    })
    // The table says it next to the verdict; the JSON report has no words, so stderr does.
    if (request.json && model.organization !== null) err(`bitbucket-2fa-gate: warning: ${model.organization.spell(CLI_SPELLING)}\n`)
    if (request.json && model.admins !== null) err(`bitbucket-2fa-gate: warning: ${model.admins.spell(CLI_SPELLING)}\n`)
    const report = renderJsonReport(model, { generatedAt: deps.now(), apiOrigin, workspaces, redact: request.redact })
    out(request.json ? report : renderTable(model, { color: io.color }))
    // A report that cannot be written leaves the verdict shown, but the run did not do all it was asked: exit 2.
    if (reportFile !== '' && !(await writeReport(reportFile, io.cwd, report, err))) return EXIT.noVerdict
    if (verdict.compliant || !request.failOnViolation) return EXIT.compliant
    return EXIT.notCompliant
  } catch (error) {
    const message = errorMessage(error, redact, CLI_SPELLING)
    if (reportFile !== '') {
      // The report says `"redacted": true` of itself: its message is the one without member data or server text.
      const text = renderErrorReport(errorMessage(error, true, CLI_SPELLING), { generatedAt: deps.now(), apiOrigin, workspaces, redact: true })
      await writeReport(reportFile, io.cwd, text, err)
    }
    const known = error instanceof GateError
    err(`bitbucket-2fa-gate: ${known ? message : `unexpected error: ${message}. Please report it at the issue tracker.`}\n`)
    if (json) out(renderErrorReport(message, { generatedAt: deps.now(), apiOrigin, workspaces, redact }))
    return EXIT.noVerdict
  }
}

function events(progress: Progress, err: (text: string) => void, secrets: SecretSet): EngineEvents {
  return {
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

/** Writes the report; a failure is said once on stderr, naming the file and the reason, and returns false. */
async function writeReport(path: string, cwd: string, text: string, err: (text: string) => void): Promise<boolean> {
  try {
    await writeReportFile(path, cwd, text)
    return true
  } catch (error) {
    err(`bitbucket-2fa-gate: could not write the report: ${errorMessage(error)}. Check --report-file and that you may write there.\n`)
    return false
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
