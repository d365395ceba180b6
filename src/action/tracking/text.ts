import packageJson from '../../../package.json' with { type: 'json' }
import type { Verdict } from '../../gate/verdict.js'
import type { AccountRecord } from '../../gate/types.js'
import { adminWord, failingAccounts, present, type Presentation, type WithheldBecause } from '../../present/model.js'
import { byName } from '../../present/order.js'
import type { ReleaseSource } from '../../present/release.js'
import { proseWithCode, renderErrorSummary, renderSummary } from '../../present/summary.js'
import { count, plural } from '../../present/words.js'
import { ACTION_SPELLING } from '../../config/spellings.js'
import { codeSpan } from '../../text.js'
import { renderState, type TrackingState } from './state.js'

/** GitHub refuses an issue body over 65,536 characters; the summary part stays well inside. */
const MAX_SUMMARY_PART_BYTES = 25_000
export const MAX_BODY_CHARACTERS = 60_000
/** Rows of the first-seen table; beyond them the count is given. */
const MAX_FIRST_SEEN_ROWS = 300

export interface IssueContext {
  readonly workspaces: readonly string[]
  /** The repository scope (`workspace/slug`); empty or absent: the whole workspaces. */
  readonly repositories?: readonly string[]
  readonly redact: boolean
  readonly failOnViolation: boolean
  readonly today: string
  /** Link to the run that wrote this, when the runner says where it is. */
  readonly runUrl: string | null
  /** Why names are withheld, when `redact` (default: the visibility is not known). */
  readonly withheldBecause?: WithheldBecause
  /** The running release, for the advice; default this bundle's version, from no known repository. */
  readonly release?: ReleaseSource
  /** The run's report file ('' for none): where the full list is. */
  readonly reportFile?: string
}

/** The model the issue renders: the run's verdict under the issue's own redaction. */
function modelOf(verdict: Verdict, context: IssueContext): Presentation {
  return present(verdict, {
    withhold: context.redact ? (context.withheldBecause ?? 'unknown') : null,
    failOnViolation: context.failOnViolation,
    workspaces: context.workspaces,
    repositories: context.repositories ?? [],
    release: context.release ?? { version: packageJson.version, repository: null, ref: null },
    reportFile: context.reportFile ?? '',
    runUrl: context.runUrl
  })
}

/** The people a tracking issue follows: not proven and not exempt. */
export function trackedPeople(verdict: Verdict): AccountRecord[] {
  return failingAccounts(verdict)
}

/** What the issue is about, in words: the workspaces, or the repositories of the repository scope. */
export function targetsOf(scope: Pick<IssueContext, 'workspaces' | 'repositories'>): string {
  return targetList(scope).join(', ')
}

function targetList(scope: Pick<IssueContext, 'workspaces' | 'repositories'>): readonly string[] {
  const repositories = scope.repositories ?? []
  return repositories.length > 0 ? repositories : scope.workspaces
}

export function issueTitle(verdict: Verdict | null, scope: Pick<IssueContext, 'workspaces' | 'repositories'>): string {
  const where = targetsOf(scope)
  const scoped = (scope.repositories ?? []).length > 0
  if (verdict === null) return `Bitbucket 2FA: the ${scoped ? 'release gate' : 'audit'} of ${where} could not decide`
  return `Bitbucket 2FA: ${plural(trackedPeople(verdict).length, 'person', 'people')} without proven two-factor authentication ${scoped ? 'who can write to' : 'in'} ${where}`
}

/**
 * The title of an issue closed by a compliant run, so that the closed issue no longer reads as a
 * problem. "Has two-factor authentication" only when it is true of everyone; "is compliant" when
 * someone passes by an exemption or as an unknown that `fail-on-unknown: false` lets through.
 */
export function closedTitle(verdict: Verdict, scope: Pick<IssueContext, 'workspaces' | 'repositories'>, today: string): string {
  const where = (scope.repositories ?? []).length > 0 ? `who can write to ${targetsOf(scope)}` : `in ${targetsOf(scope)}`
  const state = verdict.exempted.length + verdict.unknown.length === 0 ? 'has two-factor authentication' : 'is compliant'
  return `Bitbucket 2FA: everyone ${where} ${state} (closed ${today})`
}

/**
 * The body of an issue closed by a compliant run: the marker, when and by which run it closed, and the
 * summary of that run, whose heading says that everyone is compliant. No hidden state: nobody is
 * tracked any more, and a new problem opens a new issue (one reopened by hand starts afresh).
 */
export function closedBody(marker: string, verdict: Verdict, openSince: string | null, context: IssueContext): string {
  const summary = renderSummary(modelOf(verdict, context), { maxBytes: MAX_SUMMARY_PART_BYTES })
  const run = context.runUrl === null ? 'the last run' : `[the last run](${context.runUrl})`
  const since = openSince === null ? '' : `; open since ${openSince}`
  const intro =
    `Kept by the bitbucket-2fa-gate workflow for ${targetList(context)
      .map((w) => codeSpan(w))
      .join(', ')}. ` +
    `Closed on ${context.today} by ${run}, which found everyone compliant${since}. ` +
    'If anyone lacks proven two-factor authentication again, a run opens a new issue.'
  return [marker, intro, '', summary.trimEnd(), ''].join('\n')
}

/** The body for a run that reached a non-compliant verdict: the summary's tables, first-seen dates, hidden state. */
export function verdictBody(marker: string, verdict: Verdict, state: TrackingState, context: IssueContext): string {
  const model = modelOf(verdict, context)
  const summary = renderSummary(model, { maxBytes: MAX_SUMMARY_PART_BYTES })
  const people = trackedPeople(verdict)
  const rest = proseWithCode(model.rest.spell(ACTION_SPELLING))
  const render = (rows: number): string =>
    [
      marker,
      intro(state, context),
      '',
      summary.trimEnd(),
      '',
      ...firstSeenTable(people, state, context.redact, rows, rest, verdict.adminsLookedUp),
      renderState(state),
      ''
    ].join('\n')
  let rows = MAX_FIRST_SEEN_ROWS
  let body = render(rows)
  while (body.length > MAX_BODY_CHARACTERS && rows > 0) {
    rows = Math.floor(rows / 2)
    body = render(rows)
  }
  return body
}

/** The body for a run without a verdict: the error, and a plain statement that nothing is proven. */
export function noVerdictBody(marker: string, message: string, state: TrackingState, context: IssueContext): string {
  return [
    marker,
    intro(state, context),
    '',
    renderErrorSummary(message).trimEnd(),
    '',
    'This issue stays open until a run decides: an audit that silently stops working is the failure it exists to catch.',
    '',
    renderState(state),
    ''
  ].join('\n')
}

function intro(state: TrackingState, context: IssueContext): string {
  const run = context.runUrl === null ? 'the last run' : `[the last run](${context.runUrl})`
  return (
    `Kept by the bitbucket-2fa-gate workflow for ${targetList(context)
      .map((w) => codeSpan(w))
      .join(', ')}: updated in place by each run ` +
    `(last checked ${context.today} by ${run}), closed by the first run that finds everyone compliant. Open since ${state.since}. ` +
    'The hidden lines are the gate\u2019s own notes: editing them changes nothing but the first-seen dates.'
  )
}

/**
 * Who has waited longest first: by first-seen day, then by name, then by uuid (so the order never
 * depends on Bitbucket's). The identifier is the main table's Account ID column: the account id when
 * Bitbucket gave one, else the uuid, either of which can be pasted into `exempt`.
 */
function firstSeenTable(people: readonly AccountRecord[], state: TrackingState, redact: boolean, maxRows: number, rest: string, admins: boolean): string[] {
  if (redact || people.length === 0) return []
  const rows = [...people]
    .map((p) => ({ person: p, day: state.people.get(p.uuid) ?? state.since }))
    .sort((a, b) => Number(b.person.admin === true) - Number(a.person.admin === true) || a.day.localeCompare(b.day) || byName(a.person, b.person))
  const shown = rows.slice(0, maxRows)
  return [
    '### First seen without proven 2FA',
    '',
    `| Name | Account ID | ${admins ? 'Admin | ' : ''}First seen |`,
    `| --- | --- | ${admins ? '--- | ' : ''}--- |`,
    ...shown.map(
      ({ person, day }) =>
        `| ${codeSpan(person.displayName, { inTable: true })} | ${codeSpan(person.accountId ?? person.uuid, { max: 130, inTable: true })} | ${admins ? `${adminWord(person.admin)} | ` : ''}${day} |`
    ),
    ...(rows.length > shown.length ? ['', `… and ${count(rows.length - shown.length)} more. ${rest}`] : []),
    ''
  ]
}

/** A comment when the set of people changed: names when they may be shown, counts when withheld. */
export function changeComment(verdict: Verdict, previous: TrackingState | null, redact: boolean, runUrl: string | null): string {
  const people = trackedPeople(verdict)
  const run = runUrl === null ? '' : ` ([run](${runUrl}))`
  const now = `Now ${plural(people.length, 'person', 'people')} without proven two-factor authentication${run}.`
  if (previous === null || previous.outcome === 'no-verdict') return `The audit reached a verdict again. ${now}`
  if (redact || previous.people.size === 0) {
    const before = previous.counts === null ? '' : ` Before: ${count(previous.counts.nonCompliant)} non-compliant, ${count(previous.counts.unknown)} unknown.`
    return `The set of people changed. ${now}${before} Names are withheld in this repository.`
  }
  const added = people.filter((p) => !previous.people.has(p.uuid))
  const current = new Set(people.map((p) => p.uuid))
  const gone = [...previous.people.keys()].filter((uuid) => !current.has(uuid)).length
  const lines = [`The set of people changed. ${now}`]
  if (added.length > 0)
    lines.push(
      '',
      `Newly listed: ${added
        .slice(0, 50)
        .map((p) => codeSpan(p.displayName))
        .join(', ')}${added.length > 50 ? ', …' : ''}.`
    )
  if (gone > 0) lines.push('', `${plural(gone, 'person', 'people')} no longer listed (2FA turned on, exempted, or left the workspace).`)
  return lines.join('\n')
}

export function brokenComment(runUrl: string | null): string {
  const run = runUrl === null ? 'The last run' : `[The last run](${runUrl})`
  return `${run} could not reach a verdict, so nobody's 2FA is proven. The body says why; this issue stays open until a run decides.`
}

export function closingComment(verdict: Verdict, runUrl: string | null): string {
  const run = runUrl === null ? 'the last run' : `[the last run](${runUrl})`
  const people = verdict.inScopeCount
  return `Every one of the ${plural(people, 'person', 'people')} now has two-factor authentication or an exemption in force, checked by ${run}. Closing.`
}
