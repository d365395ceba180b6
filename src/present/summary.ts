import { errorMessage } from '../errors.js'
import type { Exemption } from '../gate/types.js'
import type { AccountRecord } from '../gate/types.js'
import { cleanText, codeSpan, escapeMarkdown, escapePunctuation } from '../text.js'
import { requestsOf, type ExemptedAccount, type Verdict } from '../gate/verdict.js'
import { exemptionFindings } from './findings.js'
import { organizationCost } from './log.js'
import { HOURLY_BUDGET, plural, privateWay } from './words.js'

export interface ReportOptions {
  /** Withhold names, nicknames and account ids (public repositories). */
  readonly redact: boolean
  /** Whether the step fails on this verdict (`fail-on-violation`). */
  readonly failOnViolation: boolean
  /** The workspaces of the run, for the command that shows withheld names privately. */
  readonly workspaces: readonly string[]
  /** Rows a table shows before it points to the outputs instead; default MAX_ROWS. */
  readonly maxRows?: number
  /** Size the text must fit in; default MAX_SUMMARY_BYTES (an issue body allows far less). */
  readonly maxBytes?: number
}

export const MAX_ROWS = 500
/** GitHub refuses a job summary over 1 MiB; stay under it with room for other steps. */
export const MAX_SUMMARY_BYTES = 900 * 1024

export const HOW_TO_FIX =
  'Each person listed turns on two-step verification in Bitbucket: avatar → **Personal settings** → **Two-step verification** ' +
  "(bitbucket.org/account/settings/two-step-verification/manage). This is Bitbucket's own two-step verification; " +
  'Atlassian-account 2SV or SSO do not set the flag. Then re-run this job.'

/** Why names are withheld, and the private ways to see them. */
export function redactedNote(workspaces: readonly string[]): string {
  return (
    '**Names withheld.** Names, nicknames and account ids are not shown: this repository is public, internal or of unknown visibility, ' +
    `and a list of accounts without 2FA is a target list. ${privateWay(workspaces)} ` +
    'Or set `redact: false` on a private repository, or read the `non-compliant` and `unknown` outputs in a private channel.'
  )
}

/**
 * The job summary for a verdict, as GitHub-flavoured Markdown without raw HTML, within
 * MAX_SUMMARY_BYTES: tables are cut shorter (the outputs keep everyone) until it fits. Text from
 * Bitbucket (names, ids) is shown in code spans: verbatim, never a link, and an id copies exactly.
 */
export function renderSummary(verdict: Verdict, options: ReportOptions): string {
  let maxRows = options.maxRows ?? MAX_ROWS
  let text = renderWith(verdict, { ...options, maxRows })
  const maxBytes = options.maxBytes ?? MAX_SUMMARY_BYTES
  while (Buffer.byteLength(text, 'utf8') > maxBytes && maxRows > 1) {
    maxRows = Math.floor(maxRows / 2)
    text = renderWith(verdict, { ...options, maxRows })
  }
  return text
}

type RenderOptions = ReportOptions & { readonly maxRows: number }

function renderWith(verdict: Verdict, options: RenderOptions): string {
  const lines: string[] = [`## ${headline(verdict, options)}`, '']
  lines.push(...workspaceTable(verdict), '')
  // What the organization's answer means for this verdict stands next to it, before any list.
  lines.push(...secondSourceNote(verdict, options.redact))
  if (options.redact) lines.push(redactedNote(options.workspaces), '')
  lines.push(...peopleSection('Without two-factor authentication', verdict.nonCompliant, options))
  const unknownNote = verdict.failOnUnknown
    ? 'Bitbucket sent `null` or nothing for their flag; an unknown flag fails the gate.'
    : 'Bitbucket sent `null` or nothing for their flag; `fail-on-unknown: false` lets them pass.'
  lines.push(...peopleSection('Unknown: Bitbucket did not say', verdict.unknown, options, unknownNote))
  lines.push(
    ...peopleSection(
      'Protected by Atlassian-account two-step verification',
      verdict.atlassian2sv,
      options,
      'Bitbucket does not prove them, and the organization reports two-step verification on their managed Atlassian account; `accept-atlassian-2sv: true` lets them pass.'
    )
  )
  lines.push(...exemptedSection(verdict.exempted, options))
  lines.push(...exemptionNotes(verdict, options.redact))
  lines.push(...appUserSection(verdict.appUsers, options))
  if (verdict.nonCompliant.length + verdict.unknown.length > 0) {
    lines.push('### How to fix', '', HOW_TO_FIX, '')
    if (verdict.unknown.length > 0) {
      lines.push('If many flags are unknown, check that the token belongs to a workspace admin: only admins see the flag.', '')
    }
  }
  const requests = requestsOf(verdict)
  lines.push(
    `${plural(requests, 'API request')} used (Bitbucket allows ${HOURLY_BUDGET.toLocaleString('en')} an hour per user).${organizationCost(verdict)}`,
    ''
  )
  return lines.join('\n')
}

/** What the organization's answer means here: information only, or not available (the Bitbucket verdict stands). */
function secondSourceNote(verdict: Verdict, redact: boolean): string[] {
  const source = verdict.secondSource
  if (source === null) return []
  // The message says what failed and that Bitbucket's flag alone decides: prose, its code spans kept.
  if (source.warning !== null) return [`**The Atlassian organization could not be asked.** ${proseWithCode(errorMessage(source.warning, redact))}`, '']
  if (source.accepted) return []
  const protectedElsewhere = [...verdict.nonCompliant, ...verdict.unknown].filter((p) => p.secondFactor === 'on').length
  const hint =
    protectedElsewhere === 0
      ? ''
      : ` ${plural(protectedElsewhere, 'person', 'people')} listed above ${protectedElsewhere === 1 ? 'has' : 'have'} Atlassian-account 2SV on: \`accept-atlassian-2sv: true\` would let them pass.`
  return [`The *Atlassian 2SV* column is information from the organization: with \`accept-atlassian-2sv: false\` the verdict is Bitbucket's alone.${hint}`, '']
}

/**
 * The job summary for a run that could not reach a verdict: the message as a paragraph, its code
 * spans kept as code (our messages name inputs that way; text from outside never has a backtick).
 */
export function renderErrorSummary(message: string): string {
  return [
    '## ⛔ Bitbucket 2FA gate: no verdict, the check itself failed',
    '',
    proseWithCode(message),
    '',
    'Nothing was proven, so the gate fails closed (`compliant` is `false`). Fix the cause above and re-run the job.',
    ''
  ].join('\n')
}

/** A message of ours as a Markdown paragraph (prose escaped, `code spans` kept), e.g. a later step's failure. */
export function renderNote(message: string): string {
  return `${proseWithCode(message)}\n`
}

/** A message of ours for Markdown: prose escaped, `code spans` kept as code spans. */
function proseWithCode(message: string): string {
  const clean = cleanText(message, 4000)
  const parts: string[] = []
  let last = 0
  for (const match of clean.matchAll(/`([^`]+)`/g)) {
    parts.push(escapePunctuation(clean.slice(last, match.index)), codeSpan(match[1] ?? '', { max: 400 }))
    last = match.index + match[0].length
  }
  parts.push(escapePunctuation(clean.slice(last)))
  return parts.join('')
}

function headline(verdict: Verdict, options: ReportOptions): string {
  const people = verdict.memberCount - verdict.appUsers.length
  if (verdict.compliant) {
    const unknownNote = verdict.unknown.length > 0 ? `; ${verdict.unknown.length} unknown, allowed by \`fail-on-unknown: false\`` : ''
    const viaAtlassian = verdict.atlassian2sv.length > 0 ? ` (${verdict.atlassian2sv.length} through Atlassian-account 2SV)` : ''
    return `✅ Bitbucket 2FA gate: all ${plural(people, 'person', 'people')} have two-factor authentication or an exemption${viaAtlassian}${unknownNote}`
  }
  const parts: string[] = []
  if (verdict.nonCompliant.length > 0) parts.push(`${verdict.nonCompliant.length} without two-factor authentication`)
  if (verdict.unknown.length > 0 && verdict.failOnUnknown) parts.push(`${verdict.unknown.length} unknown`)
  const mode = options.failOnViolation ? '' : ' (report only: `fail-on-violation: false`)'
  return `❌ Bitbucket 2FA gate: ${parts.join(', ')} of ${plural(people, 'person', 'people')}${mode}`
}

function workspaceTable(verdict: Verdict): string[] {
  const accepted = verdict.secondSource?.accepted === true
  const rows = verdict.workspaces.map(
    (w) =>
      `| ${codeSpan(w.workspace, { inTable: true })} | ${w.members} | ${w.enabled} | ${accepted ? `${w.atlassian2sv} | ` : ''}${w.nonCompliant} | ${w.unknown} | ${w.exempt} | ${w.appUsers} | ${w.requests} |`
  )
  return [
    `| Workspace | Members | 2FA on | ${accepted ? 'Atlassian 2SV | ' : ''}Without 2FA | Unknown | Exempt | App users | API requests |`,
    `| --- | ---: | ---: | ${accepted ? '---: | ' : ''}---: | ---: | ---: | ---: | ---: |`,
    ...rows
  ]
}

function withheld(count: number, one: string, many: string): string[] {
  return [`${plural(count, one, many)}; names withheld (see the note above).`, '']
}

function peopleSection(title: string, people: readonly AccountRecord[], { redact, maxRows }: RenderOptions, note?: string): string[] {
  if (people.length === 0) return []
  const heading = [`### ${title} (${people.length})`, '', ...(note === undefined ? [] : [note, ''])]
  if (redact) return [...heading, ...withheld(people.length, 'person', 'people')]
  // With an organization asked, its answer is shown next to each person (information unless accepted).
  const asked = people.some((p) => p.secondFactor !== undefined)
  return [
    ...heading,
    `| Name | Nickname | Account ID | Workspaces |${asked ? ' Atlassian 2SV |' : ''}`,
    `| --- | --- | --- | --- |${asked ? ' --- |' : ''}`,
    ...people
      .slice(0, maxRows)
      .map((p) => `| ${cell(p.displayName)} | ${cell(p.nickname)} | ${idCell(p)} | ${workspacesCell(p)} |${asked ? ` ${p.secondFactor ?? 'unknown'} |` : ''}`),
    ...overflow(people.length, maxRows),
    ''
  ]
}

function exemptedSection(exempted: readonly ExemptedAccount[], { redact, maxRows }: RenderOptions): string[] {
  if (exempted.length === 0) return []
  const heading = [`### Exempted (${exempted.length})`, '']
  if (redact) return [...heading, ...withheld(exempted.length, 'person', 'people')]
  return [
    ...heading,
    '| Name | Account ID | 2FA | Until | Lines | Reason |',
    '| --- | --- | --- | --- | --- | --- |',
    ...exempted
      .slice(0, maxRows)
      .map(
        ({ account, exemptions, until }) =>
          `| ${cell(account.displayName)} | ${idCell(account)} | ${account.twoFactor === 'disabled' ? 'off' : 'unknown'} | ${until ?? 'no end'} | ` +
          `${exemptions.map((e) => e.line).join(', ')} | ${reasonCell(exemptions)} |`
      ),
    ...overflow(exempted.length, maxRows),
    ''
  ]
}

/**
 * Exemptions an admin should act on or tidy. They name only ids the admin wrote in the workflow, and
 * when redacting not even those: an expired line next to a red verdict would point at a person.
 */
function exemptionNotes(verdict: Verdict, redact: boolean): string[] {
  const describe = (e: Exemption): string => (redact ? `\`exempt\` line ${e.line}` : describeLine(e))
  const notes = exemptionFindings(verdict, describe).map((note) => `- ${note}`)
  return notes.length === 0 ? [] : ['### Exemptions to review', '', ...notes, '']
}

function appUserSection(appUsers: readonly AccountRecord[], { redact, maxRows }: RenderOptions): string[] {
  if (appUsers.length === 0) return []
  const heading = [`### App users (${appUsers.length})`, '', 'Bots and integrations: two-step verification does not apply to them.', '']
  if (redact) return [...heading, ...withheld(appUsers.length, 'app user', 'app users')]
  return [
    ...heading,
    '| Name | Account ID | Workspaces |',
    '| --- | --- | --- |',
    ...appUsers.slice(0, maxRows).map((a) => `| ${cell(a.displayName)} | ${idCell(a)} | ${workspacesCell(a)} |`),
    ...overflow(appUsers.length, maxRows),
    ''
  ]
}

function describeLine(exemption: Exemption): string {
  return `\`exempt\` line ${exemption.line} (${codeSpan(exemption.id, { max: 130 })})`
}

function cell(text: string): string {
  return codeSpan(text, { inTable: true })
}

/** The account id when Bitbucket gave one, else the uuid: either one can be pasted into `exempt`. */
function idCell(account: AccountRecord): string {
  return codeSpan(account.accountId ?? account.uuid, { max: 130, inTable: true })
}

function reasonCell(exemptions: readonly Exemption[]): string {
  const reasons = exemptions.map((e) => e.reason).filter((reason) => reason !== '')
  return reasons.length === 0 ? '–' : escapeMarkdown(reasons.join('; '), 200)
}

function workspacesCell(account: AccountRecord): string {
  return account.workspaces.map((w) => codeSpan(w, { inTable: true })).join(', ')
}

function overflow(total: number, maxRows: number): string[] {
  return total > maxRows ? ['', `… and ${total - maxRows} more: the full list is in the step's outputs.`] : []
}
