import type { AccountRecord } from '../gate/types.js'
import { logSafe } from '../text.js'
import { requestsOf, type Verdict } from '../gate/verdict.js'
import { HOURLY_BUDGET, plural, privateWay } from './words.js'

/** Names the error annotation spells out; the full list is in the summary and outputs. */
export const ANNOTATION_NAMES = 10

/** One account for a log line or annotation: member text made safe, never at the start of a line. */
export function personLabel(account: AccountRecord): string {
  const nickname = account.nickname === '' ? '' : ` (${logSafe(account.nickname)})`
  const secondFactor = account.secondFactor === undefined ? '' : `; Atlassian 2SV ${account.secondFactor}`
  return `${logSafe(account.displayName) || '(no name)'}${nickname} ${logSafe(account.accountId ?? account.uuid)}${secondFactor}`
}

/** How the log and annotation show people: withheld (with the private way to see them) or named. */
export interface LogOptions {
  readonly redact: boolean
  readonly workspaces: readonly string[]
}

/** The verdict as log lines. Every line starts with the gate's own words. */
export function verdictLogLines(verdict: Verdict, { redact, workspaces }: LogOptions): string[] {
  const lines = verdict.workspaces.map(
    (w) =>
      `Workspace ${w.workspace}: ${plural(w.members, 'member')}, of them app users: ${w.appUsers}; people: ${w.enabled} with 2FA, ` +
      `${w.nonCompliant} without, ${w.unknown} unknown, ${w.exempt} exempt` +
      (verdict.secondSource?.accepted === true ? `, ${w.atlassian2sv} by Atlassian 2SV` : '') +
      `; ${plural(w.requests, 'API request')}`
  )
  const groups: [string, readonly AccountRecord[]][] = [
    ['Without two-factor authentication', verdict.nonCompliant],
    ['Unknown (Bitbucket did not say)', verdict.unknown],
    ['Protected by Atlassian-account 2SV (accepted)', verdict.atlassian2sv],
    ['Exempted', verdict.exempted.map((e) => e.account)]
  ]
  for (const [title, people] of groups) {
    if (people.length === 0) continue
    lines.push(`${title}: ${people.length}${redact ? ' (names withheld)' : ''}`)
    if (!redact) lines.push(...people.map((p) => `- ${personLabel(p)}`))
  }
  const listed = verdict.nonCompliant.length + verdict.unknown.length + verdict.exempted.length + verdict.atlassian2sv.length
  if (redact && listed > 0) lines.push(privateWay(workspaces))
  lines.push(
    `${plural(requestsOf(verdict), 'API request')} used of Bitbucket's ${HOURLY_BUDGET.toLocaleString('en')} an hour per user.${organizationCost(verdict)}`
  )
  return lines
}

/** The organization API's share of the cost line, when it was asked. */
export function organizationCost(verdict: Verdict): string {
  const requests = verdict.secondSource?.requests ?? 0
  return requests === 0 ? '' : ` Plus ${plural(requests, 'request')} to the Atlassian organization API.`
}

/** The one error annotation for a failing verdict: the counts that fail it and up to ten names. */
export function annotationText(verdict: Verdict, { redact, workspaces }: LogOptions): string {
  const failing = [...verdict.nonCompliant, ...(verdict.failOnUnknown ? verdict.unknown : [])]
  const counts: string[] = []
  if (verdict.nonCompliant.length > 0) counts.push(`${verdict.nonCompliant.length} without two-factor authentication`)
  if (verdict.failOnUnknown && verdict.unknown.length > 0) counts.push(`${verdict.unknown.length} with an unknown 2FA flag`)
  const head = `Bitbucket 2FA gate: ${counts.join(', ')}.`
  if (redact) return `${head} Names withheld (\`redact\`: the repository is public, internal or of unknown visibility). ${privateWay(workspaces)}`
  const names = failing.slice(0, ANNOTATION_NAMES).map(personLabel).join('; ')
  const more = failing.length > ANNOTATION_NAMES ? ` and ${failing.length - ANNOTATION_NAMES} more (see the job summary)` : ''
  return `${head} ${names}${more}. Each must turn on two-step verification in Bitbucket's personal settings.`
}

/**
 * Warnings about `exempt` lines: ending soon, expired, matching nobody. They name only what the admin
 * wrote. A line another line in force outlasts for the same person (`supersededExemptions`) changes
 * nothing for the gate when it ends, so it is no warning here: the summary lists it to tidy.
 */
export function exemptionWarnings(verdict: Verdict): string[] {
  return [
    ...verdict.expiringExemptions.map(
      (e) => `Exemption on \`exempt\` line ${e.line} ends on ${e.until ?? ''}: after that the gate fails for that person unless they turn on 2FA.`
    ),
    ...verdict.lapsedExemptions.map((e) => `Exemption on \`exempt\` line ${e.line} expired on ${e.until ?? ''} and no longer applies.`),
    ...verdict.unmatchedExemptions.map(
      ({ exemption }) => `Exemption on \`exempt\` line ${exemption.line} matches no member's account_id or {uuid}; remove it or fix the id.`
    )
  ]
}
