import { KEY_SPELLING } from '../sentence.js'
import { escapeHidden } from '../text.js'
import type { Person, Presentation } from './model.js'
import { TOOL_NAME, toolUri, type Policy } from './policy.js'

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
  /** This release's version (`tool.version`, and `tool.uri` as a package URL). */
  readonly version: string
  /** The settings the verdict was decided under; null when the inputs could not be read (a run without one). */
  readonly policy: Policy | null
}

export type { PersonStatus } from './model.js'

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
    scope: { kind: model.scopeKind, repositories: [...model.repositories], sentence: model.scope.spell(KEY_SPELLING) },
    coverage: model.coverage.spell(KEY_SPELLING),
    counts: {
      members: totals.members,
      people: totals.people,
      in_scope: totals.people,
      out_of_scope: totals.outOfScope,
      enabled: totals.enabled,
      disabled: totals.nonCompliant - totals.notAMember,
      not_a_member: totals.notAMember,
      unknown: totals.unknown,
      exempt: totals.exempt,
      app: totals.appUsers,
      atlassian_2sv: totals.atlassian2sv,
      requests: totals.requests,
      organization_requests: totals.organizationRequests,
      admins: totals.admins,
      // In public, a count of unprotected admins narrows a target list.
      admins_unproven: context.redact ? null : totals.unprovenAdmins
    },
    workspaces: model.workspaces.map((w) => ({
      slug: w.workspace,
      members: w.members,
      enabled: w.enabled,
      disabled: w.nonCompliant,
      not_a_member: w.notAMember,
      unknown: w.unknown,
      exempt: w.exempt,
      app: w.appUsers,
      atlassian_2sv: w.atlassian2sv,
      out_of_scope: w.outOfScope,
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
    redacted: context.redact,
    tool: { name: TOOL_NAME, version: context.version, uri: toolUri(context.version) },
    policy: context.policy === null ? null : policyFields(context.policy)
  }
}

/** The policy as the attestation predicate's `policy` descriptor states it, in the report's `snake_case`. */
function policyFields(policy: Policy) {
  return {
    exemptions_sha256: policy.exemptionsSha256,
    fail_on_unknown: policy.failOnUnknown,
    fail_on_violation: policy.failOnViolation,
    accept_atlassian_2sv: policy.acceptAtlassian2sv,
    allow_admin_exemptions: policy.allowAdminExemptions,
    scope: policy.scope
  }
}

function people(model: Presentation) {
  const repositoryScope = model.scopeKind === 'repository'
  const grants = (list: Person['grants']) =>
    repositoryScope ? { repositories: list.map((g) => ({ repository: g.repository, permission: g.permission })) } : {}
  const person = ({ account, exemption, status, admin }: Person) => ({
    uuid: account.uuid,
    status,
    admin,
    ...grants(account.grants),
    account_id: account.accountId,
    display_name: account.displayName,
    nickname: account.nickname,
    workspaces: [...account.workspaces],
    ...(account.secondFactor === undefined ? {} : { second_factor: account.secondFactor }),
    ...(status === 'atlassian-2sv' || status === 'exempt' ? { two_factor: account.twoFactor } : {}),
    ...(account.listed ? {} : { listed: false }),
    ...(exemption === null ? {} : { exempt_until: exemption.until, exemption_lines: exemption.lines.map((e) => e.line) })
  })
  return [
    ...model.groups.flatMap((group) => group.people.map(person)),
    ...[...model.enabled.keys()].map((uuid) => ({ uuid, status: 'enabled', admin: model.enabledAdmin(uuid), ...grants(model.enabledGrants.get(uuid) ?? []) }))
  ]
}

function exemptions(model: Presentation) {
  return model.exemptionLines.map(({ exemption: e, matched, expired, needed, refused, outOfScope }) => ({
    line: e.line,
    id: e.id,
    id_kind: e.idKind,
    until: e.until,
    reason: e.reason,
    matched,
    expired,
    needed,
    refused: refused !== null,
    refusal_reason: refused === null ? null : refused.spell(KEY_SPELLING),
    out_of_scope: outOfScope
  }))
}
