import type { AccountRecord, Exemption } from '../gate/types.js'
import { requestsOf, type Verdict } from '../gate/verdict.js'
import { escapeHidden } from '../text.js'

/** The version of the report's shape (schema/report.schema.json); a new status keeps it, a new shape does not. */
export const REPORT_SCHEMA = 1

/** What the report says about the run besides the verdict. */
export interface ReportContext {
  readonly generatedAt: Date
  readonly apiOrigin: string | null
  /** The workspaces asked for, as given. */
  readonly workspaces: readonly string[]
  /** Counts only, no person or exemption entries (a public repository's artifact is public). */
  readonly redact: boolean
}

/** A person's status in the report. The list grows (a second source adds its own); readers should accept new values. */
export type PersonStatus = 'enabled' | 'disabled' | 'unknown' | 'exempt' | 'app' | 'atlassian-2sv'

/**
 * The JSON report of a verdict, as text (one object, `snake_case` fields). People with 2FA on get
 * only their uuid and status, so the report of 100,000 members stays small; everyone else also gets
 * the account id, names and workspaces. Characters that show nothing are written as `\uXXXX`.
 */
export function renderJsonReport(verdict: Verdict, context: ReportContext): string {
  const report = {
    ...header(context),
    verdict: verdict.compliant ? 'compliant' : 'not_compliant',
    compliant: verdict.compliant,
    fail_on_unknown: verdict.failOnUnknown,
    error: null,
    counts: {
      members: verdict.memberCount,
      people: verdict.memberCount - verdict.appUsers.length,
      enabled: verdict.enabledCount,
      disabled: verdict.nonCompliant.length,
      unknown: verdict.unknown.length,
      exempt: verdict.exempted.length,
      app: verdict.appUsers.length,
      atlassian_2sv: verdict.atlassian2sv.length,
      requests: requestsOf(verdict),
      organization_requests: verdict.secondSource?.requests ?? 0
    },
    workspaces: verdict.workspaces.map((w) => ({
      slug: w.workspace,
      members: w.members,
      enabled: w.enabled,
      disabled: w.nonCompliant,
      unknown: w.unknown,
      exempt: w.exempt,
      app: w.appUsers,
      atlassian_2sv: w.atlassian2sv,
      requests: w.requests
    })),
    people: context.redact ? [] : people(verdict),
    exemptions: context.redact ? [] : exemptions(verdict)
  }
  return `${escapeHidden(JSON.stringify(report, null, 2))}\n`
}

/** The report of a run that reached no verdict: it says so, and lists nobody (never a partial list). */
export function renderErrorReport(message: string, context: ReportContext): string {
  return `${escapeHidden(JSON.stringify({ ...header(context), verdict: null, compliant: false, error: message }, null, 2))}\n`
}

function header(context: ReportContext) {
  return {
    schema: REPORT_SCHEMA,
    generated_at: context.generatedAt.toISOString(),
    api_origin: context.apiOrigin,
    requested_workspaces: [...context.workspaces],
    redacted: context.redact
  }
}

function people(verdict: Verdict) {
  const person = (account: AccountRecord, status: PersonStatus, extra: Record<string, unknown> = {}) => ({
    uuid: account.uuid,
    status,
    account_id: account.accountId,
    display_name: account.displayName,
    nickname: account.nickname,
    workspaces: [...account.workspaces],
    ...(account.secondFactor === undefined ? {} : { second_factor: account.secondFactor }),
    ...extra
  })
  return [
    ...verdict.nonCompliant.map((a) => person(a, 'disabled')),
    ...verdict.unknown.map((a) => person(a, 'unknown')),
    ...verdict.atlassian2sv.map((a) => person(a, 'atlassian-2sv', { two_factor: a.twoFactor })),
    ...verdict.exempted.map(({ account, exemptions, until }) =>
      person(account, 'exempt', { two_factor: account.twoFactor, exempt_until: until, exemption_lines: exemptions.map((e) => e.line) })
    ),
    ...verdict.appUsers.map((a) => person(a, 'app')),
    ...[...verdict.enabled.keys()].map((uuid) => ({ uuid, status: 'enabled' }))
  ]
}

function exemptions(verdict: Verdict) {
  const expired = new Set<Exemption>(verdict.expiredExemptions)
  const matched = new Set<Exemption>(verdict.matchedExemptions)
  const unneeded = new Set<Exemption>(verdict.unneededExemptions)
  const all = [...verdict.matchedExemptions, ...verdict.expiredExemptions, ...verdict.unmatchedExemptions.map((u) => u.exemption)]
  return [...new Set(all)]
    .sort((a, b) => a.line - b.line)
    .map((e) => ({
      line: e.line,
      id: e.id,
      id_kind: e.idKind,
      until: e.until,
      reason: e.reason,
      matched: matched.has(e),
      expired: expired.has(e),
      needed: matched.has(e) && !expired.has(e) && !unneeded.has(e)
    }))
}
