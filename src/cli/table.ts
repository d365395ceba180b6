import { CLI_SPELLING } from '../config/spellings.js'
import { adminWord, twoFactorWord, workspaceColumns, type Group, type GroupKind, type Person, type Presentation } from '../present/model.js'
import { count, plural } from '../present/words.js'
import type { Sentence, Spelling } from '../sentence.js'
import { cleanText } from '../text.js'
import { displayWidth, truncateToWidth } from './width.js'

/** Colour on or off (only on a TTY, never with NO_COLOR); what is shown is the model's. */
export interface TableOptions {
  readonly color: boolean
  /** How inputs are named: the CLI's flags, or a pipe's variables; default the CLI's. */
  readonly spelling?: Spelling
}

const STYLE = { bold: [1, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], dim: [2, 22] } as const

/** The presentation for a terminal: the outcome, the workspaces, then a table per group of people. */
export function renderTable(model: Presentation, options: TableOptions): string {
  const paint = (style: keyof typeof STYLE, text: string): string => (options.color ? `\u001b[${STYLE[style][0]}m${text}\u001b[${STYLE[style][1]}m` : text)
  const words = (sentence: Sentence): string => sentence.spell(options.spelling ?? CLI_SPELLING)
  const columns = workspaceColumns(model)
  const lines: string[] = [
    model.compliant
      ? paint('green', paint('bold', `COMPLIANT: ${words(model.headline)}`))
      : paint('red', paint('bold', `NOT COMPLIANT: ${words(model.headline)}`)),
    words(model.scope),
    '',
    ...grid(
      ['Workspace', ...columns.map(([title]) => (title === 'API requests' ? 'Requests' : title))],
      model.workspaces.map((w) => [w.workspace, ...columns.map(([, value]) => count(value(w)))])
    )
  ]
  // What the organization's answer means for this verdict stands next to it, before any list.
  if (model.organization !== null) lines.push('', words(model.organization))
  if (model.admins !== null) lines.push('', `Admins not known. ${words(model.admins)}`)
  if (model.withheld !== null) lines.push('', `Names withheld. ${words(model.withheld.note)}`)
  for (const group of model.groups) {
    lines.push('', paint(GROUP_STYLE[group.kind], paint('bold', `${group.title} (${count(group.people.length)})`)))
    if (group.note !== null) lines.push(`  ${words(group.note)}`)
    if (model.withheld !== null) lines.push(`  ${plural(group.people.length, 'account')}; names withheld.`)
    else lines.push(...grid(...columnsOf(group, model)).map((line) => `  ${line}`))
  }
  // The same findings, order and words as the job summary's "Exemptions to review", spelled for a terminal.
  if (model.findings.length > 0) lines.push('', paint('bold', 'Exemptions to review'), ...model.findings.map((finding) => `  - ${words(finding)}`))
  if (model.fix.length > 0) lines.push('', paint('bold', 'How to fix'), ...model.fix.map((fix) => `  ${words(fix)}`))
  lines.push('', words(model.coverage), '', words(model.cost))
  return `${lines.join('\n')}\n`
}

const GROUP_STYLE: Readonly<Record<GroupKind, keyof typeof STYLE>> = {
  'non-compliant': 'red',
  'not-a-member': 'red',
  unknown: 'yellow',
  'atlassian-2sv': 'green',
  exempted: 'dim',
  'app-users': 'dim'
}

function columnsOf(group: Group, model: Presentation): [string[], string[][]] {
  const people = group.people
  const repositoryScope = model.scopeKind === 'repository'
  const markHeader = [...(model.adminColumn ? ['Admin'] : []), ...(repositoryScope ? ['Access'] : [])]
  const marks = (p: Person): string[] => [...(model.adminColumn ? [adminWord(p.admin)] : []), ...(repositoryScope ? [access(p)] : [])]
  switch (group.kind) {
    case 'exempted':
      return [
        ['Name', 'Account ID', ...markHeader, '2FA', 'Until', 'Reason'],
        people.map((p) => [
          name(p.account.displayName),
          id(p),
          ...marks(p),
          twoFactorWord(p),
          p.exemption?.until ?? 'no end',
          cell((p.exemption?.reasons ?? []).join('; '), 60)
        ])
      ]
    case 'app-users':
      return [
        ['Name', 'Account ID', 'Workspaces', ...(repositoryScope ? ['Access'] : [])],
        people.map((p) => [name(p.account.displayName), id(p), p.account.workspaces.join(', '), ...(repositoryScope ? [access(p)] : [])])
      ]
    default: {
      const asked = group.secondFactorColumn
      return [
        ['Name', 'Nickname', 'Account ID', 'Workspaces', ...markHeader, ...(asked ? ['Atlassian 2SV'] : [])],
        people.map((p) => [
          name(p.account.displayName),
          name(p.account.nickname),
          id(p),
          p.account.workspaces.join(', '),
          ...marks(p),
          ...(asked ? [p.secondFactor ?? 'unknown'] : [])
        ])
      ]
    }
  }
}

function access(person: Person): string {
  return person.grants.map((g) => `${cleanText(g.repository, 200)} ${g.permission}`).join(', ') || '–'
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
function id(person: Person): string {
  return cleanText(person.id, 200)
}
