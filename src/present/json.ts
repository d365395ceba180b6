import { escapeHidden } from '../text.js'
import type { GroupKind, Person, Presentation } from './model.js'

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
export function renderJsonReport(model: Presentation, context: ReportContext): string {
  const { totals } = model
  const report = {
    ...header(context),
    verdict: model.compliant ? 'compliant' : 'not_compliant',
    compliant: model.compliant,
    fail_on_unknown: model.failOnUnknown,
    error: null,
    counts: {
      members: totals.members,
      people: totals.people,
      enabled: totals.enabled,
      disabled: totals.nonCompliant,
      unknown: totals.unknown,
      exempt: totals.exempt,
      app: totals.appUsers,
      atlassian_2sv: totals.atlassian2sv,
      requests: totals.requests,
      organization_requests: totals.organizationRequests
    },
    workspaces: model.workspaces.map((w) => ({
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
    people: context.redact ? [] : people(model),
    exemptions: context.redact ? [] : exemptions(model)
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

const STATUS: Readonly<Record<GroupKind, PersonStatus>> = {
  'non-compliant': 'disabled',
  unknown: 'unknown',
  'atlassian-2sv': 'atlassian-2sv',
  exempted: 'exempt',
  'app-users': 'app'
}

function people(model: Presentation) {
  const person = ({ account, exemption }: Person, kind: GroupKind) => ({
    uuid: account.uuid,
    status: STATUS[kind],
    account_id: account.accountId,
    display_name: account.displayName,
    nickname: account.nickname,
    workspaces: [...account.workspaces],
    ...(account.secondFactor === undefined ? {} : { second_factor: account.secondFactor }),
    ...(kind === 'atlassian-2sv' || kind === 'exempted' ? { two_factor: account.twoFactor } : {}),
    ...(exemption === null ? {} : { exempt_until: exemption.until, exemption_lines: exemption.lines.map((e) => e.line) })
  })
  return [
    ...model.groups.flatMap((group) => group.people.map((p) => person(p, group.kind))),
    ...[...model.enabled.keys()].map((uuid) => ({ uuid, status: 'enabled' }))
  ]
}

function exemptions(model: Presentation) {
  return model.exemptionLines.map(({ exemption: e, matched, expired, needed }) => ({
    line: e.line,
    id: e.id,
    id_kind: e.idKind,
    until: e.until,
    reason: e.reason,
    matched,
    expired,
    needed
  }))
}
