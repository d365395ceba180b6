import { errorMessage, GateError } from '../../errors.js'
import type { Verdict } from '../../gate/verdict.js'
import { keepEarliest, readState, type TrackingState } from './state.js'
import {
  brokenComment,
  changeComment,
  closedBody,
  closedTitle,
  closingComment,
  issueTitle,
  noVerdictBody,
  trackedPeople,
  verdictBody,
  type IssueContext
} from './text.js'

/** A GitHub account as GitHub shows it: an issue's author, or who a token acts as. */
export interface GitHubAccount {
  readonly login: string
  /** `User`, `Bot` or `Organization`. */
  readonly type: string
}

/** The issue a run keeps up to date: all the plan reads of it. */
export interface TrackedIssue {
  readonly number: number
  readonly body: string | null
}

/** An open issue (not a pull request), as the tracking issue needs to know it to adopt it or not. */
export interface OpenIssue extends TrackedIssue {
  /** Who opened it; null when GitHub does not say. */
  readonly author: GitHubAccount | null
  /** Whether it carries the tracking label (only people with triage rights can set one). */
  readonly labelled: boolean
}

/** What this run means for the tracking issue. */
export type TrackingStep =
  | { readonly kind: 'nothing' }
  | { readonly kind: 'open'; readonly title: string; readonly body: string }
  | { readonly kind: 'update'; readonly number: number; readonly title: string; readonly body: string; readonly comment: string | null }
  /** Comment, then retitle and rewrite the body to say everyone is compliant, then close. */
  | { readonly kind: 'close'; readonly number: number; readonly title: string; readonly body: string; readonly comment: string }

/** The counts of tracked people a state holds. */
type Counts = NonNullable<TrackingState['counts']>

/**
 * The run's result as the tracking issue sees it: a verdict, or what a run that had none threw (the
 * error itself, not its message: the issue words it for its own redaction, which may withhold more
 * than the log).
 */
export type RunResult = { readonly verdict: Verdict } | { readonly error: unknown }

/**
 * Decides the issue's next step. Not compliant: open it, or update its body in place (a comment only
 * when the set of people or the outcome changed, since body edits notify nobody). Compliant: a closing
 * comment, a title and body that say everyone is compliant (no hidden state: nobody is tracked), and
 * close. No verdict: open or update with the error, never close. What the old body says is
 * read only for first-seen dates and for noticing a change; it cannot turn anything green.
 */
export function planTracking(result: RunResult, issue: TrackedIssue | null, marker: string, context: IssueContext): TrackingStep {
  const previous = issue === null ? null : readState(issue.body, context.today)
  if ('verdict' in result && result.verdict.compliant) {
    if (issue === null) return { kind: 'nothing' }
    const { verdict } = result
    return {
      kind: 'close',
      number: issue.number,
      title: closedTitle(verdict, context, context.today),
      body: closedBody(marker, verdict, previous?.since ?? null, context),
      comment: closingComment(verdict, context.runUrl)
    }
  }
  const since = previous?.since ?? context.today
  if ('error' in result) {
    // An outage keeps what was known: the people and their dates carry over untouched, unless names are
    // withheld now: then no one is stored, whatever an earlier state held (counts only).
    const people = context.redact ? new Map<string, string>() : (previous?.people ?? new Map<string, string>())
    const state: TrackingState = { outcome: 'no-verdict', since, people, counts: previous?.counts ?? null }
    const body = noVerdictBody(marker, issueErrorText(result.error, context.redact), state, context)
    const title = issueTitle(null, context)
    if (issue === null) return { kind: 'open', title, body }
    return { kind: 'update', number: issue.number, title, body, comment: previous?.outcome === 'no-verdict' ? null : brokenComment(context.runUrl) }
  }
  const { verdict } = result
  const people = trackedPeople(verdict)
  const dates = new Map<string, string>()
  if (!context.redact) for (const person of people) dates.set(person.uuid, previous?.people.get(person.uuid) ?? context.today)
  const state: TrackingState & { readonly counts: Counts } = {
    outcome: 'not-compliant',
    since,
    people: keepEarliest(dates),
    // People not in the member listing fail as the non-compliant do, and count with them (as in `non-compliant-count`).
    counts: { nonCompliant: verdict.nonCompliant.length + verdict.notAMember.length, unknown: verdict.failOnUnknown ? verdict.unknown.length : 0 }
  }
  const body = verdictBody(marker, verdict, state, context)
  const title = issueTitle(verdict, context)
  if (issue === null) return { kind: 'open', title, body }
  const comment = changed(previous, state) ? changeComment(verdict, previous, context.redact, context.runUrl) : null
  return { kind: 'update', number: issue.number, title, body, comment }
}

/**
 * What the issue says of a run without a verdict: the gate's own message (its redacted form, and only
 * the shape of any server text, when names are withheld). Text of an error the gate did not word
 * itself may hold anything, so with names withheld it is not quoted at all.
 */
function issueErrorText(error: unknown, redact: boolean): string {
  if (error instanceof GateError) return errorMessage(error, redact)
  if (redact) return 'The run stopped on an unexpected error, not quoted here because names are withheld in this repository; the run\u2019s log says more.'
  return typeof error === 'string' ? error : `Unexpected error: ${errorMessage(error)}. Please report it at the issue tracker.`
}

/**
 * Whether the people differ from the last run's: by uuid when both states hold everyone, else (names
 * withheld, or more people than the state keeps) by the counts.
 */
function changed(previous: TrackingState | null, now: TrackingState & { readonly counts: Counts }): boolean {
  if (previous === null || previous.outcome !== now.outcome) return true
  const before = previous.counts
  if (before === null || before.nonCompliant !== now.counts.nonCompliant || before.unknown !== now.counts.unknown) return true
  if (!holdsEveryone(previous.people, before) || !holdsEveryone(now.people, now.counts)) return false
  return [...now.people.keys()].some((uuid) => !previous.people.has(uuid))
}

/** Whether a state's people are all it counted (none when it counted none: then no one is new either). */
function holdsEveryone(people: ReadonlyMap<string, string>, counts: Counts): boolean {
  return people.size === counts.nonCompliant + counts.unknown
}
