import type { AccountRecord } from '../gate/types.js'
import { requestsOf, type Verdict } from '../gate/verdict.js'
import { exemptionFindings } from '../report/findings.js'
import { organizationCost } from '../report/log.js'
import { HOURLY_BUDGET, plural } from '../report/words.js'
import { cleanText } from '../text.js'
import { displayWidth, truncateToWidth } from './width.js'

/** How to draw: names shown or withheld, colour on or off (only on a TTY, never with NO_COLOR). */
export interface TableOptions {
  readonly redact: boolean
  readonly color: boolean
  readonly failOnViolation: boolean
}

const STYLE = { bold: [1, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], dim: [2, 22] } as const

/** The verdict for a terminal: the outcome, the workspaces, then a table per group of people. */
export function renderTable(verdict: Verdict, options: TableOptions): string {
  const paint = (style: keyof typeof STYLE, text: string): string => (options.color ? `\u001b[${STYLE[style][0]}m${text}\u001b[${STYLE[style][1]}m` : text)
  const people = verdict.memberCount - verdict.appUsers.length
  const accepted = verdict.secondSource?.accepted === true
  const lines: string[] = []
  if (verdict.compliant) {
    const unknown = verdict.unknown.length > 0 ? `; ${verdict.unknown.length} unknown, allowed by --no-fail-on-unknown` : ''
    const viaAtlassian = verdict.atlassian2sv.length > 0 ? ` (${verdict.atlassian2sv.length} through Atlassian-account 2SV)` : ''
    lines.push(
      paint(
        'green',
        paint('bold', `COMPLIANT: all ${plural(people, 'person', 'people')} have two-factor authentication or an exemption${viaAtlassian}${unknown}`)
      )
    )
  } else {
    const parts: string[] = []
    if (verdict.nonCompliant.length > 0) parts.push(`${verdict.nonCompliant.length} without two-factor authentication`)
    if (verdict.failOnUnknown && verdict.unknown.length > 0) parts.push(`${verdict.unknown.length} unknown`)
    const mode = options.failOnViolation ? '' : ' (report only: --no-fail-on-violation)'
    lines.push(paint('red', paint('bold', `NOT COMPLIANT: ${parts.join(', ')} of ${plural(people, 'person', 'people')}${mode}`)))
  }
  lines.push(
    '',
    ...grid(
      ['Workspace', 'Members', '2FA on', ...(accepted ? ['Atlassian 2SV'] : []), 'Without 2FA', 'Unknown', 'Exempt', 'App users', 'Requests'],
      verdict.workspaces.map((w) =>
        [w.workspace, w.members, w.enabled, ...(accepted ? [w.atlassian2sv] : []), w.nonCompliant, w.unknown, w.exempt, w.appUsers, w.requests].map(String)
      )
    )
  )
  const group = (title: string, style: keyof typeof STYLE, accounts: readonly AccountRecord[], header: string[], row: (a: AccountRecord) => string[]): void => {
    if (accounts.length === 0) return
    lines.push('', paint(style, paint('bold', `${title} (${accounts.length})`)))
    if (options.redact) lines.push(`  ${plural(accounts.length, 'account')}; names withheld (--redact).`)
    else lines.push(...grid(header, accounts.map(row)).map((line) => `  ${line}`))
  }
  // With an organization asked, its Atlassian 2SV answer is shown next to each person.
  const asked = verdict.secondSource !== null && verdict.secondSource.warning === null
  const columns = ['Name', 'Nickname', 'Account ID', 'Workspaces', ...(asked ? ['Atlassian 2SV'] : [])]
  const person = (a: AccountRecord): string[] => [
    name(a.displayName),
    name(a.nickname),
    id(a),
    a.workspaces.join(', '),
    ...(asked ? [a.secondFactor ?? 'unknown'] : [])
  ]
  group('Without two-factor authentication', 'red', verdict.nonCompliant, columns, person)
  group(`Unknown: Bitbucket did not say${verdict.failOnUnknown ? '' : ', allowed'}`, 'yellow', verdict.unknown, columns, person)
  group('Protected by Atlassian-account 2SV (accepted)', 'green', verdict.atlassian2sv, columns, person)
  const exempted = new Map(verdict.exempted.map((e) => [e.account, e]))
  group('Exempted', 'dim', [...exempted.keys()], ['Name', 'Account ID', '2FA', 'Until', 'Reason'], (a) => {
    const e = exempted.get(a)
    return [
      name(a.displayName),
      id(a),
      a.twoFactor === 'disabled' ? 'off' : 'unknown',
      e?.until ?? 'no end',
      cell(
        e?.exemptions
          .map((x) => x.reason)
          .filter(Boolean)
          .join('; ') ?? '',
        60
      )
    ]
  })
  group('App users (bots; 2FA does not apply)', 'dim', verdict.appUsers, ['Name', 'Account ID', 'Workspaces'], (a) => [
    name(a.displayName),
    id(a),
    a.workspaces.join(', ')
  ])
  const protectedElsewhere = accepted ? 0 : [...verdict.nonCompliant, ...verdict.unknown].filter((p) => p.secondFactor === 'on').length
  if (protectedElsewhere > 0) {
    lines.push(
      '',
      `${plural(protectedElsewhere, 'person', 'people')} listed above ${protectedElsewhere === 1 ? 'has' : 'have'} Atlassian-account 2SV on: --accept-atlassian-2sv would let them pass.`
    )
  }
  // The same findings, order and words as the job summary's "Exemptions to review", spelled for a terminal.
  const findings = exemptionFindings(verdict, (e) => (options.redact ? `--exempt line ${e.line}` : `--exempt line ${e.line} (${e.id})`))
  if (findings.length > 0) lines.push('', paint('bold', 'Exemptions to review'), ...findings.map((finding) => `  - ${finding}`))
  if (verdict.nonCompliant.length + verdict.unknown.length > 0) {
    lines.push('', 'Each person listed turns on two-step verification in Bitbucket: avatar → Personal settings → Two-step verification.')
  }
  lines.push(
    '',
    `${plural(requestsOf(verdict), 'API request')} used (Bitbucket allows ${HOURLY_BUDGET.toLocaleString('en')} an hour per user).${organizationCost(verdict)}`
  )
  return `${lines.join('\n')}\n`
}

/** Member text for one terminal cell: no control or invisible character, so no escape sequence. */
function name(text: string): string {
  return cell(text, 40) || '–'
}

/** Member text cleaned, then cut to `columns` terminal columns (not code points: 李 and 🚀 take two). */
function cell(text: string, columns: number): string {
  return truncateToWidth(cleanText(text, Number.POSITIVE_INFINITY), columns)
}

/** Columns padded to their widest cell, in terminal columns. */
function grid(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))))
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => c + ' '.repeat((widths[i] ?? 0) - displayWidth(c)))
      .join('  ')
      .trimEnd()
  return [line(header), ...rows.map(line)]
}

/** The account id (or uuid) as Bitbucket sent it, cleaned like a name but never cut. */
function id(account: AccountRecord): string {
  return cleanText(account.accountId ?? account.uuid, 200)
}
