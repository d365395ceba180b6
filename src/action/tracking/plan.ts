import type { Verdict } from '../../gate/verdict.js'
import { keepEarliest, readState, type TrackingState } from './state.js'
import { brokenComment, changeComment, closingComment, issueTitle, noVerdictBody, trackedPeople, verdictBody, type IssueContext } from './text.js'

/** An open issue that carries this run's marker. */
export interface OpenIssue {
  readonly number: number
  readonly body: string | null
}

/** What this run means for the tracking issue. */
export type TrackingStep =
  | { readonly kind: 'nothing' }
  | { readonly kind: 'open'; readonly title: string; readonly body: string }
  | { readonly kind: 'update'; readonly number: number; readonly title: string; readonly body: string; readonly comment: string | null }
  | { readonly kind: 'close'; readonly number: number; readonly comment: string }

/** The run's result as the tracking issue sees it: a verdict, or the message of a run that had none. */
export type RunResult = { readonly verdict: Verdict } | { readonly error: string }

/**
 * Decides the issue's next step. Not compliant: open it, or update its body in place (a comment only
 * when the set of people or the outcome changed, since body edits notify nobody). Compliant: a closing
 * comment and close. No verdict: open or update with the error, never close. What the old body says is
 * read only for first-seen dates and for noticing a change; it cannot turn anything green.
 */
export function planTracking(result: RunResult, issue: OpenIssue | null, marker: string, context: IssueContext): TrackingStep {
  const previous = issue === null ? null : readState(issue.body, context.today)
  if ('verdict' in result && result.verdict.compliant) {
    return issue === null ? { kind: 'nothing' } : { kind: 'close', number: issue.number, comment: closingComment(result.verdict, context.runUrl) }
  }
  const since = previous?.since ?? context.today
  if ('error' in result) {
    // An outage keeps what was known: the people and their dates carry over untouched.
    const state: TrackingState = { outcome: 'no-verdict', since, people: previous?.people ?? new Map(), counts: previous?.counts ?? null }
    const body = noVerdictBody(marker, result.error, state, context)
    const title = issueTitle(null, context.workspaces)
    if (issue === null) return { kind: 'open', title, body }
    return { kind: 'update', number: issue.number, title, body, comment: previous?.outcome === 'no-verdict' ? null : brokenComment(context.runUrl) }
  }
  const { verdict } = result
  const people = trackedPeople(verdict)
  const dates = new Map<string, string>()
  if (!context.redact) for (const person of people) dates.set(person.uuid, previous?.people.get(person.uuid) ?? context.today)
  const state: TrackingState = {
    outcome: 'not-compliant',
    since,
    people: keepEarliest(dates),
    counts: { nonCompliant: verdict.nonCompliant.length, unknown: verdict.failOnUnknown ? verdict.unknown.length : 0 }
  }
  const body = verdictBody(marker, verdict, state, context)
  const title = issueTitle(verdict, context.workspaces)
  if (issue === null) return { kind: 'open', title, body }
  const comment = changed(previous, state) ? changeComment(verdict, previous, context.redact, context.runUrl) : null
  return { kind: 'update', number: issue.number, title, body, comment }
}

/**
 * Whether the people differ from the last run's: by uuid when both states hold everyone, else (names
 * withheld, or more people than the state keeps) by the counts.
 */
function changed(previous: TrackingState | null, now: TrackingState): boolean {
  if (previous === null || previous.outcome !== now.outcome) return true
  if (previous.counts?.nonCompliant !== now.counts?.nonCompliant || previous.counts?.unknown !== now.counts?.unknown) return true
  if (!holdsEveryone(previous) || !holdsEveryone(now)) return false
  return [...now.people.keys()].some((uuid) => !previous.people.has(uuid))
}

function holdsEveryone(state: TrackingState): boolean {
  return state.counts !== null && state.people.size > 0 && state.people.size === state.counts.nonCompliant + state.counts.unknown
}
