import { isBracedUuid } from '../../config/exemptions.js'
import { isRecord } from '../../json.js'

/**
 * What the tracking issue remembers between runs, hidden in its body. Read back only as information
 * (first-seen dates, whether the set of people changed): it never reaches the verdict, and anything
 * malformed or edited is ignored rather than trusted.
 */
export interface TrackingState {
  /** What the last run came to. */
  readonly outcome: 'not-compliant' | 'no-verdict'
  /** The day the issue was opened, or first saw a problem. */
  readonly since: string
  /** uuid → the day the person was first seen without 2FA (or unknown). Empty when names are withheld. */
  readonly people: ReadonlyMap<string, string>
  /** Counts for a body written with names withheld, where the people themselves are not stored. */
  readonly counts: { readonly nonCompliant: number; readonly unknown: number } | null
}

/**
 * People whose first-seen dates are kept, earliest first: the hidden state must leave room in an issue
 * body (GitHub takes 65,536 characters). Beyond them, changes are noticed by the counts.
 */
export const MAX_STATE_PEOPLE = 400

/** The `MAX_STATE_PEOPLE` earliest dates (ties by uuid), so the people waiting longest keep theirs. */
export function keepEarliest(people: ReadonlyMap<string, string>): Map<string, string> {
  return new Map([...people].sort(([ua, a], [ub, b]) => a.localeCompare(b) || ua.localeCompare(ub)).slice(0, MAX_STATE_PEOPLE))
}

const MARKER_PREFIX = '<!-- bitbucket-2fa-gate:tracking '
const STATE_PREFIX = '<!-- bitbucket-2fa-gate:state '
const SUFFIX = ' -->'
const DAY = /^\d{4}-\d{2}-\d{2}$/

/**
 * The hidden line that says "this issue tracks these workspaces": one issue per set of workspaces, so two
 * workflows auditing different workspaces never touch each other's issue.
 */
export function markerFor(workspaces: readonly string[], repositories: readonly string[] = []): string {
  const sorted = (items: readonly string[]): string => [...new Set(items.map((w) => w.toLowerCase()))].sort().map(encodeURIComponent).join(',')
  // The repository scope has its own issue: a workspace audit and a repository gate over the same workspace never share one.
  const scope = repositories.length === 0 ? '' : `;repositories=${sorted(repositories)}`
  return `${MARKER_PREFIX}workspaces=${sorted(workspaces)}${scope}${SUFFIX}`
}

/** Whether a body is this set of workspaces' tracking issue: the marker on a line of its own. */
export function hasMarker(body: string | null | undefined, marker: string): boolean {
  return typeof body === 'string' && body.split(/\r?\n/).some((line) => line.trim() === marker)
}

/**
 * The hidden state line. Whatever a value holds, it cannot end the comment early (`-->`, `--!>`), open
 * another, or mention anyone: `<`, `>`, `&` and `@` are written as JSON escapes (`\u003c` …), which
 * JSON.parse reads back as they were. Only entries that `readState` would take are written (a braced
 * uuid and a day), so nothing else about a person reaches the issue. The escapes cost nothing in
 * practice: uuids and days hold none of these characters, so the line stays as long as before.
 */
export function renderState(state: TrackingState): string {
  const people = [...state.people].filter(([uuid, day]) => isBracedUuid(uuid) && DAY.test(day)).sort(([a], [b]) => a.localeCompare(b))
  const json = JSON.stringify({ v: 1, outcome: state.outcome, since: state.since, people: Object.fromEntries(people), counts: state.counts })
  return `${STATE_PREFIX}${escapeForComment(json)}${SUFFIX}`
}

/** JSON with `<`, `>`, `&` and `@` as `\uXXXX` escapes: they only occur inside its strings, where an escape means the same. */
function escapeForComment(json: string): string {
  return json.replace(/[<>&@]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/**
 * The state hidden in a body, or null when there is none or it does not read cleanly. Entries that are
 * not a braced uuid with a past-or-present day are dropped one by one; `today` bounds the dates.
 */
export function readState(body: string | null | undefined, today: string): TrackingState | null {
  if (typeof body !== 'string') return null
  const line = body.split(/\r?\n/).find((l) => l.startsWith(STATE_PREFIX) && l.trimEnd().endsWith(SUFFIX))
  // Stryker disable next-line ConditionalExpression: equivalent, without it an absent line throws inside the try below, which reads as null like any unparsable line
  if (line === undefined) return null
  let parsed: unknown
  try {
    parsed = JSON.parse(line.trimEnd().slice(STATE_PREFIX.length, -SUFFIX.length))
  } catch {
    // Not JSON: `parsed` stays undefined, which is no record, so the next line returns null.
  }
  if (!isRecord(parsed) || parsed.v !== 1) return null
  const { outcome, since, people, counts } = parsed
  if (outcome !== 'not-compliant' && outcome !== 'no-verdict') return null
  if (!isDay(since, today)) return null
  const kept = new Map<string, string>()
  if (isRecord(people)) {
    for (const [uuid, day] of Object.entries(people)) if (isBracedUuid(uuid) && isDay(day, today)) kept.set(uuid.toLowerCase(), day)
  }
  return { outcome, since, people: kept, counts: readCounts(counts) }
}

function readCounts(value: unknown): TrackingState['counts'] {
  if (!isRecord(value)) return null
  const { nonCompliant, unknown } = value
  return isCount(nonCompliant) && isCount(unknown) ? { nonCompliant, unknown } : null
}

function isCount(value: unknown): value is number {
  // Number.isSafeInteger is false for anything but a number; Number() only tells the compiler so.
  return Number.isSafeInteger(value) && Number(value) >= 0
}

function isDay(value: unknown, today: string): value is string {
  return typeof value === 'string' && DAY.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && value <= today
}
