import { GateError } from '../../errors.js'
import { GitHubCallError, type IssuesApi } from './github.js'
import { planTracking, type RunResult } from './plan.js'
import { hasMarker, markerFor } from './state.js'
import type { IssueContext } from './text.js'

/** Pages of 100 recent open issues searched for the marker when no labelled issue carries it. */
export const UNLABELLED_PAGES = 3

/** Where the issue lives and how the run was started, for links and for advice. */
export interface TrackingContext extends IssueContext {
  readonly label: string
  /** GITHUB_EVENT_NAME: a pull request's token may be read-only. */
  readonly eventName: string
}

/**
 * Finds this set of workspaces' open issue (the label and the hidden marker), and opens, updates or
 * closes it for this run. Returns a line for the log. Throws a GateError that names the permission or
 * input to fix when GitHub refuses.
 */
export async function trackIssue(api: IssuesApi, result: RunResult, context: TrackingContext): Promise<string> {
  const marker = markerFor(context.workspaces)
  try {
    let candidates = (await api.openIssuesWithLabel(context.label)).filter((issue) => hasMarker(issue.body, marker))
    // GitHub drops the labels of a new issue silently when the token may not set them, and someone may
    // remove the label: the marker still finds the issue among the recent ones, so there is never a second.
    if (candidates.length === 0) candidates = (await api.recentOpenIssues(UNLABELLED_PAGES)).filter((issue) => hasMarker(issue.body, marker))
    // Never a second issue: the oldest one that carries the marker is the one.
    const issue = candidates.sort((a, b) => a.number - b.number)[0] ?? null
    const step = planTracking(result, issue, marker, context)
    switch (step.kind) {
      case 'nothing':
        return `Tracking issue: none open for ${context.workspaces.join(', ')}, and none needed.`
      case 'open': {
        const number = await api.create({ title: step.title, body: step.body, labels: [context.label] })
        return `Tracking issue: opened #${number}.`
      }
      case 'update':
        await api.update(step.number, { title: step.title, body: step.body })
        if (step.comment !== null) await api.comment(step.number, step.comment)
        return `Tracking issue: updated #${step.number}${step.comment === null ? '' : ', with a comment on what changed'}.`
      case 'close':
        await api.comment(step.number, step.comment)
        await api.close(step.number)
        return `Tracking issue: closed #${step.number}, everyone is compliant.`
    }
  } catch (error) {
    if (error instanceof GitHubCallError) throw explain(error, context.eventName)
    throw error
  }
}

/** A GitHub refusal in the admin's words: which permission or input to fix. */
export function explain(error: GitHubCallError, eventName: string): GateError {
  const says = error.githubMessage === '' ? '' : ` GitHub says: \`${error.githubMessage.replace(/[`\r\n]/g, ' ').slice(0, 200)}\`.`
  const head = `The tracking issue was not updated: GitHub answered ${error.status} when asked to ${error.call}.${says}`
  const fork = eventName.startsWith('pull_request')
    ? ' On a pull request from a fork, GitHub gives the workflow a read-only token whatever it asks for; run the audit on `schedule` or `push` instead.'
    : ''
  switch (true) {
    case error.status === 401:
      return new GateError(`${head} Check \`github-token\` (the default is the job's own \`github.token\`): it is missing, expired or revoked.`)
    case error.status === 403 || error.status === 404:
      return new GateError(
        `${head} The token may not write issues in this repository: give the job \`permissions: issues: write\` ` +
          `(and \`contents: read\`), or pass a \`github-token\` that may.${fork}`
      )
    case error.status === 410:
      return new GateError(`${head} Issues are turned off in this repository: turn them on (Settings → General → Features), or set \`tracking-issue: false\`.`)
    case error.status === 0:
      return new GateError(`${head} No answer came from GitHub's API: check the runner's network and GITHUB_API_URL, then re-run.`)
    default:
      return new GateError(`${head} Check \`tracking-label\` and re-run; if it persists, report it at the issue tracker.`)
  }
}
