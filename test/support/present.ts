import { ACTION_SPELLING } from '../../src/config/spellings.js'
import { exemptionWarnings } from '../../src/present/findings.js'
import type { Verdict } from '../../src/gate/verdict.js'
import { renderTable } from '../../src/cli/table.js'
import { renderJsonReport, type ReportContext } from '../../src/present/json.js'
import { annotationText, verdictLogLines } from '../../src/present/log.js'
import { present, type Presentation, type WithheldBecause } from '../../src/present/model.js'
import { buildOutputs, type Outputs } from '../../src/present/outputs.js'
import type { Policy } from '../../src/present/policy.js'
import type { ReleaseSource } from '../../src/present/release.js'
import { renderSummary } from '../../src/present/summary.js'

/** The release the tests' advice names. */
export const TEST_RELEASE: ReleaseSource = { version: '1.2.3', repository: 'acme-tools/bitbucket-2fa-gate', ref: 'v1.2.3' }

/** A policy as the doors state it: workspace `acme`, no exemptions (the sha256 of the empty string), defaults. */
export const TEST_POLICY: Policy = {
  exemptionsSha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  failOnUnknown: true,
  failOnViolation: true,
  acceptAtlassian2sv: false,
  allowAdminExemptions: false,
  scope: 'workspace:acme'
}

export interface ViewOptions {
  /** true: withheld as for a public repository; a reason: withheld for it. */
  readonly redact?: boolean | WithheldBecause
  readonly failOnViolation?: boolean
  readonly workspaces?: readonly string[]
  readonly reportFile?: string
  readonly release?: ReleaseSource
  readonly maxRows?: number
  readonly maxBytes?: number
}

/** The presentation model of a verdict, as a door would make it. */
export function modelOf(verdict: Verdict, options: ViewOptions = {}): Presentation {
  const redact = options.redact ?? false
  return present(verdict, {
    withhold: redact === false ? null : redact === true ? 'public' : redact,
    failOnViolation: options.failOnViolation ?? true,
    workspaces: options.workspaces ?? ['acme'],
    release: options.release ?? TEST_RELEASE,
    reportFile: options.reportFile ?? ''
  })
}

export function summaryOf(verdict: Verdict, options: ViewOptions = {}): string {
  return renderSummary(modelOf(verdict, options), {
    ...(options.maxRows === undefined ? {} : { maxRows: options.maxRows }),
    ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes })
  })
}

export function logLinesOf(verdict: Verdict, options: ViewOptions = {}): string[] {
  return verdictLogLines(modelOf(verdict, options))
}

export function annotationOf(verdict: Verdict, options: ViewOptions = {}): string {
  return annotationText(modelOf(verdict, options))
}

export function outputsOf(verdict: Verdict, options: ViewOptions = {}): Outputs {
  return buildOutputs(modelOf(verdict, options)).outputs
}

export function tableOf(verdict: Verdict, options: ViewOptions & { readonly color?: boolean } = {}): string {
  return renderTable(modelOf(verdict, options), { color: options.color ?? false })
}

/** The JSON report of a verdict; the release and the policy default to TEST_RELEASE's version and TEST_POLICY. */
export function jsonReportOf(
  verdict: Verdict,
  context: Omit<ReportContext, 'version' | 'policy'> & Partial<Pick<ReportContext, 'version' | 'policy'>>
): string {
  return renderJsonReport(modelOf(verdict, { redact: context.redact }), { version: TEST_RELEASE.version, policy: TEST_POLICY, ...context })
}

/** The exemption warnings as the action prints them. */
export function exemptionWarningsOf(verdict: Verdict): string[] {
  return exemptionWarnings(verdict).map((warning) => warning.spell(ACTION_SPELLING))
}
