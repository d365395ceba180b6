import { agentFetch } from './fetch.js'
import type { OpenIssue } from './plan.js'

/** The few GitHub REST calls the tracking issue needs, in the current repository. */
export interface IssuesApi {
  /** Open issues (not pull requests) that carry `label`, every page. */
  openIssuesWithLabel(label: string): Promise<OpenIssue[]>
  /** Open issues (not pull requests), newest first, at most `maxPages` pages of 100. */
  recentOpenIssues(maxPages: number): Promise<OpenIssue[]>
  create(issue: { title: string; body: string; labels: string[] }): Promise<number>
  update(number: number, issue: { title: string; body: string }): Promise<void>
  comment(number: number, body: string): Promise<void>
  close(number: number): Promise<void>
  /** The repository's visibility, as GitHub states it. */
  visibility(): Promise<{ readonly private: boolean; readonly visibility: string | null }>
}

/** A failed GitHub call: its HTTP status (0 when none came) and GitHub's own message. */
export class GitHubCallError extends Error {
  constructor(
    readonly status: number,
    readonly call: string,
    readonly githubMessage: string
  ) {
    super(`GitHub answered ${status} to ${call}`)
    this.name = 'GitHubCallError'
  }
}

/**
 * The REST API through @actions/github (Octokit with the runner's proxy rules), imported only here and
 * only when the tracking issue is on, so the gate's start-up does not pay for it.
 */
export async function octokitIssues(token: string, apiUrl: string, repository: { owner: string; repo: string }): Promise<IssuesApi> {
  const { getOctokit } = await import('@actions/github')
  const octokit = getOctokit(token, { baseUrl: apiUrl.replace(/\/+$/, ''), request: { fetch: agentFetch() } })
  const { owner, repo } = repository
  const call = async <T>(name: string, request: () => Promise<T>): Promise<T> => {
    try {
      return await request()
    } catch (error) {
      throw asCallError(name, error)
    }
  }
  return {
    openIssuesWithLabel: (label) =>
      call('list issues', async () => {
        const items = await octokit.paginate(octokit.rest.issues.listForRepo, { owner, repo, state: 'open', labels: label, per_page: 100 })
        return items.filter((item) => item.pull_request === undefined).map((item) => ({ number: item.number, body: item.body ?? null }))
      }),
    recentOpenIssues: (maxPages) =>
      call('list issues', async () => {
        const found: OpenIssue[] = []
        let pages = 0
        for await (const { data } of octokit.paginate.iterator(octokit.rest.issues.listForRepo, { owner, repo, state: 'open', per_page: 100 })) {
          for (const item of data) if (item.pull_request === undefined) found.push({ number: item.number, body: item.body ?? null })
          if (++pages >= maxPages) break
        }
        return found
      }),
    create: (issue) =>
      call('create an issue', async () => {
        const { data } = await octokit.rest.issues.create({ owner, repo, ...issue })
        return data.number
      }),
    update: (number, issue) =>
      call(`update issue #${number}`, async () => {
        await octokit.rest.issues.update({ owner, repo, issue_number: number, ...issue })
      }),
    comment: (number, body) =>
      call(`comment on issue #${number}`, async () => {
        await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body })
      }),
    close: (number) =>
      call(`close issue #${number}`, async () => {
        await octokit.rest.issues.update({ owner, repo, issue_number: number, state: 'closed', state_reason: 'completed' })
      }),
    visibility: () =>
      call('read the repository', async () => {
        const { data } = await octokit.rest.repos.get({ owner, repo })
        return { private: data.private, visibility: data.visibility ?? null }
      })
  }
}

function asCallError(call: string, error: unknown): GitHubCallError {
  const status = typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number' ? error.status : 0
  const response = typeof error === 'object' && error !== null && 'response' in error ? error.response : undefined
  const data = typeof response === 'object' && response !== null && 'data' in response ? response.data : undefined
  const message = typeof data === 'object' && data !== null && 'message' in data && typeof data.message === 'string' ? data.message : ''
  return new GitHubCallError(status, call, message)
}
