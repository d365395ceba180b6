import { say } from '../../sentence.js'
import { GateError } from '../../errors.js'
import { plural } from '../../present/words.js'
import { GitHubCallError, type IssuesApi } from './github.js'
import { planTracking, type GitHubAccount, type OpenIssue, type RunResult, type TrackingStep } from './plan.js'
import { hasMarker, markerFor } from './state.js'
import { targetsOf, type IssueContext } from './text.js'

/** Pages of 100 recent open issues searched for the marker when no labelled issue carries it. */
export const UNLABELLED_PAGES = 3

/** Where the issue lives and how the run was started, for links and for advice. */
export interface TrackingContext extends IssueContext {
  readonly label: string
  /** GITHUB_EVENT_NAME: a pull request's token may be read-only. */
  readonly eventName: string
}

/**
 * Finds this set of workspaces' open issue and opens, updates or closes it for this run. Returns a line
 * for the log, which counts the requests made. Throws a GateError that names the permission or input to
 * fix when GitHub refuses.
 *
 * An issue is adopted only when it carries the marker and either the tracking label (only people with
 * triage rights can set one) or, as its author, the account the token acts as: in a public repository
 * anyone may open an issue and paste the marker, and such an issue is left alone (the gate opens its own).
 */
export async function trackIssue(api: IssuesApi, result: RunResult, context: TrackingContext): Promise<string> {
  const marker = markerFor(context.workspaces, context.repositories ?? [])
  const before = api.requestsMade()
  try {
    const { issue, leftAlone } = await findIssue(api, marker, context.label)
    const step = planTracking(result, issue, marker, context)
    const line = await apply(api, step, context)
    return `${line}${leftAloneNote(leftAlone)} It took ${plural(api.requestsMade() - before, 'request')} to GitHub.`
  } catch (error) {
    if (error instanceof GitHubCallError) throw explain(error, context.eventName)
    throw error
  }
}

/**
 * The issue to keep, oldest first (never a second one): a labelled issue with the marker; else, among
 * the recent open issues with the marker (GitHub drops the labels of a new issue silently when the
 * token may not set them, and someone may remove the label), a labelled one or one the token opened.
 * Who the token is is asked only then, once.
 */
async function findIssue(api: IssuesApi, marker: string, label: string): Promise<{ issue: OpenIssue | null; leftAlone: number[] }> {
  const labelled = (await api.openIssuesWithLabel(label)).filter((issue) => hasMarker(issue.body, marker))
  if (labelled.length > 0) return { issue: oldest(labelled), leftAlone: [] }
  const marked = (await api.recentOpenIssues(UNLABELLED_PAGES, label)).filter((issue) => hasMarker(issue.body, marker))
  if (marked.length === 0) return { issue: null, leftAlone: [] }
  const byLabel = marked.filter((issue) => issue.labelled)
  if (byLabel.length > 0) return { issue: oldest(byLabel), leftAlone: [] }
  const identity = await api.tokenIdentity()
  const own = marked.filter((issue) => identity !== null && issue.author !== null && sameAccount(issue.author, identity))
  return { issue: oldest(own), leftAlone: marked.filter((issue) => !own.includes(issue)).map((issue) => issue.number) }
}

/** The same GitHub account: logins as GitHub writes them (it returns one spelling), and the same type. */
function sameAccount(a: GitHubAccount, b: GitHubAccount): boolean {
  return a.login === b.login && a.type === b.type
}

function oldest(issues: readonly OpenIssue[]): OpenIssue | null {
  return [...issues].sort((a, b) => a.number - b.number)[0] ?? null
}

function leftAloneNote(numbers: readonly number[]): string {
  if (numbers.length === 0) return ''
  const sorted = [...numbers].sort((a, b) => a - b)
  const listed = `${sorted
    .slice(0, 10)
    .map((n) => `#${n}`)
    .join(', ')}${sorted.length > 10 ? ', …' : ''}`
  const one = sorted.length === 1
  return (
    ` Left alone ${listed}: ${one ? 'it carries' : 'they carry'} the marker but neither the label (\`tracking-label\`) ` +
    `nor this token as ${one ? 'its' : 'their'} author.`
  )
}

async function apply(api: IssuesApi, step: TrackingStep, context: TrackingContext): Promise<string> {
  switch (step.kind) {
    case 'nothing':
      return `Tracking issue: none open for ${targetsOf(context)}, and none needed.`
    case 'open': {
      const number = await api.create({ title: step.title, body: step.body, labels: [context.label] })
      return `Tracking issue: opened #${number}.`
    }
    case 'update':
      await api.update(step.number, { title: step.title, body: step.body })
      if (step.comment !== null) await api.comment(step.number, step.comment)
      return `Tracking issue: updated #${step.number}${step.comment === null ? '' : ', with a comment on what changed'}.`
    case 'close':
      // The closed issue must not read as a problem: its title and body say everyone is compliant.
      await api.comment(step.number, step.comment)
      await api.update(step.number, { title: step.title, body: step.body })
      await api.close(step.number)
      return `Tracking issue: closed #${step.number}, everyone is compliant.`
  }
}

/**
 * A GitHub refusal in the admin's words: which permission or input to fix. What GitHub said is not in
 * the sentence; it travels as `said`, and `errorMessage` quotes it (scrubbed, then cut) or, in redact
 * mode, gives only its shape.
 */
export function explain(error: GitHubCallError, eventName: string): GateError {
  if (error.status === 0) {
    const head = `The tracking issue was not updated: no answer from GitHub when asked to ${error.call}.`
    const { refusal } = error
    if (refusal !== null)
      return new GateError(say`${head} ${refusal.sentence}`, { redactedMessage: say`${head} ${refusal.redactedSentence}`, said: refusal.said })
    return new GateError(`${head} Check the runner's network and GITHUB_API_URL, then re-run.`)
  }
  const head = `The tracking issue was not updated: GitHub answered ${error.status} when asked to ${error.call}.`
  const said = { said: error.said }
  const fork = eventName.startsWith('pull_request')
    ? ' On a pull request from a fork, GitHub gives the workflow a read-only token whatever it asks for; run the audit on `schedule` or `push` instead.'
    : ''
  switch (true) {
    case error.status < 400:
      return new GateError(
        `${head} That is not an answer GitHub's REST API gives to this request: check that GITHUB_API_URL names GitHub's API, then re-run.`,
        said
      )
    case error.status === 401:
      return new GateError(`${head} Check \`github-token\` (the default is the job's own \`github.token\`): it is missing, expired or revoked.`, said)
    case error.status === 403 || error.status === 404:
      return new GateError(
        `${head} The token may not write issues in this repository: give the job \`permissions: issues: write\` ` +
          `(and \`contents: read\`), or pass a \`github-token\` that may.${fork}`,
        said
      )
    case error.status === 410:
      return new GateError(
        `${head} Issues are turned off in this repository: turn them on (Settings → General → Features), or set \`tracking-issue: false\`.`,
        said
      )
    default:
      return new GateError(`${head} Check \`tracking-label\` and re-run; if it persists, report it at the issue tracker.`, said)
  }
}
