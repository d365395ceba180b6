import type { Exemption } from '../exemptions.js'
import type { AccountRecord } from '../model.js'
import { escapeMarkdown } from '../text.js'
import type { Verdict } from '../verdict.js'

export interface ReportOptions {
  /** Withhold names, nicknames and account ids (public repositories). */
  readonly redact: boolean
  /** Whether the step fails on this verdict (`fail-on-violation`). */
  readonly failOnViolation: boolean
  /** Rows a table shows before it points to the outputs instead; default MAX_ROWS. */
  readonly maxRows?: number
}

export const MAX_ROWS = 500
/** GitHub refuses a job summary over 1 MiB; stay under it with room for other steps. */
export const MAX_SUMMARY_BYTES = 900 * 1024
export const HOURLY_BUDGET = 1000

export const HOW_TO_FIX =
  'Each person listed turns on two-step verification in Bitbucket: avatar → **Personal settings** → **Two-step verification** ' +
  '(bitbucket.org/account/settings/two-step-verification/manage). This is Bitbucket\'s own two-step verification; ' +
  'Atlassian-account 2SV or SSO do not set the flag. Then re-run this job.'

export const REDACTED_NOTE =
  'Names, nicknames and account ids are withheld: this repository is public (or its visibility is unknown), and a list of accounts ' +
  'without 2FA is a target list. To see them, set `redact: false` on a private repository, or read the `non-compliant` and ' +
  '`unknown` outputs in a private channel.'

/**
 * The job summary for a verdict, as GitHub-flavoured Markdown without raw HTML, within
 * MAX_SUMMARY_BYTES: tables are cut shorter (the outputs keep everyone) until it fits.
 */
export function renderSummary(verdict: Verdict, options: ReportOptions): string {
  let maxRows = options.maxRows ?? MAX_ROWS
  let text = renderWith(verdict, { ...options, maxRows })
  while (Buffer.byteLength(text, 'utf8') > MAX_SUMMARY_BYTES && maxRows > 1) {
    maxRows = Math.floor(maxRows / 2)
    text = renderWith(verdict, { ...options, maxRows })
  }
  return text
}

type RenderOptions = ReportOptions & { readonly maxRows: number }

function renderWith(verdict: Verdict, options: RenderOptions): string {
  const lines: string[] = [`## ${headline(verdict, options)}`, '']
  lines.push(...workspaceTable(verdict), '')
  if (options.redact) lines.push(`> ${REDACTED_NOTE}`, '')
  lines.push(...peopleSection('Without two-factor authentication', verdict.nonCompliant, options))
  lines.push(
    ...peopleSection(
      verdict.failOnUnknown ? 'Unknown: Bitbucket did not say (fails the gate)' : 'Unknown: Bitbucket did not say (`fail-on-unknown: false`)',
      verdict.unknown,
      options
    )
  )
  lines.push(...exemptedSection(verdict, options))
  lines.push(...exemptionNotes(verdict))
  lines.push(...appUserSection(verdict.appUsers, options))
  if (verdict.nonCompliant.length + verdict.unknown.length > 0) {
    lines.push('### How to fix', '', HOW_TO_FIX, '')
    if (verdict.unknown.length > 0) {
      lines.push(
        'An unknown flag means Bitbucket sent `null` or nothing for that person. If many are unknown, check that the token belongs to a workspace admin.',
        ''
      )
    }
  }
  lines.push(`API requests used: ${requestsOf(verdict)} (Bitbucket allows ${HOURLY_BUDGET.toLocaleString('en')} an hour per user).`, '')
  return lines.join('\n')
}

/** The job summary for a run that could not reach a verdict. */
export function renderErrorSummary(message: string): string {
  return [
    '## ⛔ Bitbucket 2FA gate: no verdict, the check itself failed',
    '',
    `> ${escapeMarkdown(message, 4000)}`,
    '',
    'Nothing was proven, so the gate fails closed (`compliant` is `false`). Fix the cause above and re-run the job.',
    ''
  ].join('\n')
}

export function requestsOf(verdict: Verdict): number {
  return verdict.workspaces.reduce((sum, w) => sum + w.requests, 0)
}

function headline(verdict: Verdict, options: ReportOptions): string {
  const people = verdict.memberCount - verdict.appUsers.length
  if (verdict.compliant) {
    const unknownNote = verdict.unknown.length > 0 ? ` (${verdict.unknown.length} unknown, allowed by \`fail-on-unknown: false\`)` : ''
    return `✅ Bitbucket 2FA gate: all ${people} people have two-factor authentication or an exemption${unknownNote}`
  }
  const parts: string[] = []
  if (verdict.nonCompliant.length > 0) parts.push(`${verdict.nonCompliant.length} without two-factor authentication`)
  if (verdict.unknown.length > 0 && verdict.failOnUnknown) parts.push(`${verdict.unknown.length} unknown`)
  const mode = options.failOnViolation ? '' : ' (report only: `fail-on-violation: false`)'
  return `❌ Bitbucket 2FA gate: ${parts.join(', ')} of ${people} people${mode}`
}

function workspaceTable(verdict: Verdict): string[] {
  const rows = verdict.workspaces.map(
    (w) =>
      `| ${escapeMarkdown(w.workspace)} | ${w.members} | ${w.enabled} | ${w.nonCompliant} | ${w.unknown} | ${w.exempt} | ${w.appUsers} | ${w.requests} |`
  )
  return [
    '| Workspace | Members | 2FA on | Without 2FA | Unknown | Exempt | App users | API requests |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows
  ]
}

function peopleSection(title: string, people: readonly AccountRecord[], { redact, maxRows }: RenderOptions): string[] {
  if (people.length === 0) return []
  const heading = `### ${title} (${people.length})`
  if (redact) return [heading, '', 'Names withheld (see the note above).', '']
  const shown = people.slice(0, maxRows)
  return [
    heading,
    '',
    '| Name | Nickname | Account ID | Workspaces |',
    '| --- | --- | --- | --- |',
    ...shown.map((p) => `| ${cell(p.displayName)} | ${cell(p.nickname)} | ${cell(p.accountId ?? p.uuid)} | ${workspacesCell(p)} |`),
    ...overflow(people.length, maxRows),
    ''
  ]
}

function exemptedSection(verdict: Verdict, { redact, maxRows }: RenderOptions): string[] {
  const { exempted } = verdict
  if (exempted.length === 0) return []
  const heading = `### Exempted (${exempted.length})`
  if (redact) return [heading, '', 'Names withheld (see the note above).', '']
  return [
    heading,
    '',
    '| Name | Account ID | 2FA | Until | Reason |',
    '| --- | --- | --- | --- | --- |',
    ...exempted
      .slice(0, maxRows)
      .map(
        ({ account, exemption }) =>
          `| ${cell(account.displayName)} | ${cell(account.accountId ?? account.uuid)} | ${account.twoFactor === 'disabled' ? 'off' : 'unknown'} | ${exemption.until ?? 'no end'} | ${cell(exemption.reason, 200)} |`
      ),
    ...overflow(exempted.length, maxRows),
    ''
  ]
}

/** Exemptions an admin should tidy: they name only ids the admin wrote in the workflow. */
function exemptionNotes(verdict: Verdict): string[] {
  const notes = [
    ...verdict.expiredExemptions.map((e) => `- ${describe(e)} expired on ${e.until ?? ''} and no longer applies.`),
    ...verdict.unmatchedExemptions.map(
      ({ exemption, isNickname }) =>
        `- ${describe(exemption)} matches no member` +
        (isNickname ? ': it is a nickname, and nicknames are not identities. Use the account_id or {uuid}.' : '.')
    ),
    ...verdict.unneededExemptions.map((e) => `- ${describe(e)} is not needed: that account has 2FA on or is an app user.`)
  ]
  return notes.length === 0 ? [] : ['### Exemptions to review', '', ...notes, '']
}

function appUserSection(appUsers: readonly AccountRecord[], { redact, maxRows }: RenderOptions): string[] {
  if (appUsers.length === 0) return []
  const heading = `### App users (${appUsers.length}): bots, two-step verification does not apply`
  if (redact) return [heading, '']
  return [
    heading,
    '',
    '| Name | Account ID | Workspaces |',
    '| --- | --- | --- |',
    ...appUsers.slice(0, maxRows).map((a) => `| ${cell(a.displayName)} | ${cell(a.accountId ?? a.uuid)} | ${workspacesCell(a)} |`),
    ...overflow(appUsers.length, maxRows),
    ''
  ]
}

function describe(exemption: Exemption): string {
  return `Exemption \`exempt\` line ${exemption.line} (${escapeMarkdown(exemption.id, 130)})`
}

function cell(text: string, max?: number): string {
  const escaped = escapeMarkdown(text, max)
  return escaped === '' ? '–' : escaped
}

function workspacesCell(account: AccountRecord): string {
  return account.workspaces.map((w) => escapeMarkdown(w)).join(', ')
}

function overflow(total: number, maxRows: number): string[] {
  return total > maxRows ? ['', `… and ${total - maxRows} more: the full list is in the step's outputs.`] : []
}
