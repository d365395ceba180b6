import { ACTION_SPELLING } from '../config/spellings.js'
import type { Sentence, Spelling } from '../sentence.js'
import { cleanText, codeSpan, escapeMarkdown } from '../text.js'
import { adminWord, twoFactorWord, workspaceColumns, type Group, type Person, type Presentation } from './model.js'
import { count } from './words.js'

export interface SummaryOptions {
  /** Rows a table shows before it says where the rest is; default MAX_ROWS. */
  readonly maxRows?: number
  /** Size the text must fit in; default MAX_SUMMARY_BYTES (an issue body allows far less). */
  readonly maxBytes?: number
  /** How inputs are spelled; default the action's. */
  readonly spelling?: Spelling
}

export const MAX_ROWS = 500
/** GitHub refuses a job summary over 1 MiB; stay under it with room for other steps. */
export const MAX_SUMMARY_BYTES = 900 * 1024

/**
 * The presentation as GitHub-flavoured Markdown without raw HTML, within MAX_SUMMARY_BYTES: tables are
 * cut shorter (saying where the rest is) until it fits. Text from Bitbucket (names, ids) is shown in
 * code spans: verbatim, never a link, and an id copies exactly.
 */
export function renderSummary(model: Presentation, options: SummaryOptions = {}): string {
  let maxRows = options.maxRows ?? MAX_ROWS
  const spelling = options.spelling ?? ACTION_SPELLING
  let text = renderWith(model, maxRows, spelling)
  const maxBytes = options.maxBytes ?? MAX_SUMMARY_BYTES
  while (Buffer.byteLength(text, 'utf8') > maxBytes && maxRows > 1) {
    maxRows = Math.floor(maxRows / 2)
    text = renderWith(model, maxRows, spelling)
  }
  return text
}

function renderWith(model: Presentation, maxRows: number, spelling: Spelling): string {
  const prose = (sentence: Sentence): string => proseWithCode(sentence.spell(spelling))
  const mark = model.compliant ? '✅' : '❌'
  const lines: string[] = [`## ${mark} Bitbucket 2FA gate: ${prose(model.headline)}`, '', prose(model.scope), '']
  lines.push(...workspaceTable(model), '')
  // What the organization's answer means for this verdict stands next to it, before any list.
  if (model.organization !== null) lines.push(prose(model.organization), '')
  if (model.admins !== null) lines.push(`**Admins not known.** ${prose(model.admins)}`, '')
  if (model.withheld !== null) lines.push(`**Names withheld.** ${prose(model.withheld.note)}`, '')
  for (const group of model.groups) lines.push(...groupSection(group, model, maxRows, prose))
  if (model.findings.length > 0) lines.push('### Exemptions to review', '', ...model.findings.map((f) => `- ${prose(f)}`), '')
  if (model.fix.length > 0) lines.push('### How to fix', '', ...model.fix.flatMap((f) => [prose(f), '']))
  lines.push(prose(model.coverage), '', prose(model.cost), '')
  return lines.join('\n')
}

function workspaceTable(model: Presentation): string[] {
  const columns = workspaceColumns(model)
  const rows = model.workspaces.map((w) => [codeSpan(w.workspace, { inTable: true }), ...columns.map(([, value]) => count(value(w)))].join(' | '))
  return [
    `| Workspace | ${columns.map(([title]) => title).join(' | ')} |`,
    `| --- | ${columns.map(() => '---:').join(' | ')} |`,
    ...rows.map((row) => `| ${row} |`)
  ]
}

function groupSection(group: Group, model: Presentation, maxRows: number, prose: (s: Sentence) => string): string[] {
  const heading = [`### ${group.title} (${count(group.people.length)})`, '', ...(group.note === null ? [] : [prose(group.note), ''])]
  if (model.withheld !== null) {
    const unit = group.kind === 'app-users' ? ['app user', 'app users'] : ['person', 'people']
    return [...heading, `${count(group.people.length)} ${group.people.length === 1 ? unit[0] : unit[1]}; names withheld (see the note above).`, '']
  }
  const { header, row } = columnsOf(group, model)
  return [
    ...heading,
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...group.people.slice(0, maxRows).map((p) => `| ${row(p).join(' | ')} |`),
    ...(group.people.length > maxRows ? ['', `… and ${count(group.people.length - maxRows)} more. ${prose(model.rest)}`] : []),
    ''
  ]
}

function columnsOf(group: Group, model: Presentation): { header: string[]; row: (p: Person) => string[] } {
  const asked = group.secondFactorColumn
  // Who is an admin, and (in repository scope) what access puts them in scope.
  const marks = {
    header: [...(model.adminColumn ? ['Admin'] : []), ...(model.scopeKind === 'repository' ? ['Access'] : [])],
    row: (p: Person): string[] => [
      ...(model.adminColumn ? [adminWord(p.admin).replace(/^admin$/, '**admin**')] : []),
      ...(model.scopeKind === 'repository' ? [accessCell(p)] : [])
    ]
  }
  switch (group.kind) {
    case 'exempted':
      return {
        header: ['Name', 'Account ID', ...marks.header, '2FA', 'Until', 'Lines', 'Reason'],
        row: (p) => [
          cell(p.account.displayName),
          idCell(p),
          ...marks.row(p),
          twoFactorWord(p),
          p.exemption?.until ?? 'no end',
          (p.exemption?.lines ?? []).map((e) => e.line).join(', '),
          reasonCell(p.exemption?.reasons ?? [])
        ]
      }
    case 'app-users':
      return {
        header: ['Name', 'Account ID', 'Workspaces', ...(model.scopeKind === 'repository' ? ['Access'] : [])],
        row: (p) => [cell(p.account.displayName), idCell(p), workspacesCell(p), ...(model.scopeKind === 'repository' ? [accessCell(p)] : [])]
      }
    default:
      return {
        header: ['Name', 'Nickname', 'Account ID', 'Workspaces', ...marks.header, ...(asked ? ['Atlassian 2SV'] : [])],
        row: (p) => [
          cell(p.account.displayName),
          cell(p.account.nickname),
          idCell(p),
          workspacesCell(p),
          ...marks.row(p),
          ...(asked ? [p.secondFactor ?? 'unknown'] : [])
        ]
      }
  }
}

function accessCell(person: Person): string {
  return person.grants.map((g) => `${codeSpan(g.repository, { inTable: true })} ${g.permission}`).join(', ') || '–'
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
    'Nothing was proven, so the gate fails closed (`compliant` is `false`). Fix the cause above and run the gate again.',
    ''
  ].join('\n')
}

/** A message of ours as a Markdown paragraph (prose escaped, `code spans` kept), e.g. a later step's failure. */
export function renderNote(message: string): string {
  return `${proseWithCode(message)}\n`
}

/**
 * A message of ours for Markdown: `code spans` kept as code spans, and every character that could
 * start markup in the prose between them escaped (emphasis, links, HTML, entities, table cells,
 * mentions). Our sentences start no line, so block markup (`-`, `>`) cannot begin.
 */
export function proseWithCode(message: string): string {
  const clean = cleanText(message, 4000)
  const parts: string[] = []
  let last = 0
  for (const match of clean.matchAll(/`([^`]+)`/g)) {
    parts.push(escapeInline(clean.slice(last, match.index)), codeSpan(match[1] ?? '', { max: 400 }))
    last = match.index + match[0].length
  }
  parts.push(escapeInline(clean.slice(last)))
  return parts.join('')
}

function escapeInline(text: string): string {
  // `@` and `#` too: in an issue body they would mention a person or a team, or link an issue.
  return text.replace(/[\\*_[\]<>|~&`!@#]/g, (char) => `\\${char}`)
}

function cell(text: string): string {
  return codeSpan(text, { inTable: true })
}

/** The account id when Bitbucket gave one, else the uuid: either one can be pasted into `exempt`. */
function idCell(person: Person): string {
  return codeSpan(person.id, { max: 130, inTable: true })
}

function reasonCell(reasons: readonly string[]): string {
  return reasons.length === 0 ? '–' : escapeMarkdown(reasons.join('; '), 200)
}

function workspacesCell(person: Person): string {
  return person.account.workspaces.map((w) => codeSpan(w, { inTable: true })).join(', ')
}
