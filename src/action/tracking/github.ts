import { GateError, type ServerSaid } from '../../errors.js'
import { isRecord } from '../../json.js'
import { scrubberFor } from '../../secrets.js'
import { ServerText } from '../../text.js'
import type { GitHubAccount, OpenIssue } from './plan.js'

/** The shape of `fetch` that Octokit's `request.fetch` takes. */
export type GitHubFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>

/** Pages of 100 labelled open issues read at most: a bound on requests and memory, far above any real repository's. */
export const MAX_LABELLED_PAGES = 5

/** The few GitHub REST calls the tracking issue needs, in the current repository. */
export interface IssuesApi {
  /** Open issues (not pull requests) that carry `label`, at most MAX_LABELLED_PAGES pages of 100. */
  openIssuesWithLabel(label: string): Promise<OpenIssue[]>
  /** Open issues (not pull requests), newest first, at most `maxPages` pages of 100; `labelled` says which carry `label`. */
  recentOpenIssues(maxPages: number, label: string): Promise<OpenIssue[]>
  /**
   * Who the token acts as, so that an issue it opened earlier is known as its own; null when that
   * cannot be told (then only labelled issues are adopted). One request, GET /user. See `identityOf`.
   */
  tokenIdentity(): Promise<GitHubAccount | null>
  create(issue: { title: string; body: string; labels: string[] }): Promise<number>
  update(number: number, issue: { title: string; body: string }): Promise<void>
  comment(number: number, body: string): Promise<void>
  close(number: number): Promise<void>
  /** The repository's visibility, as GitHub states it. */
  visibility(): Promise<{ readonly private: boolean; readonly visibility: string | null }>
  /** Requests sent to GitHub so far, every page and GET /user included. */
  requestsMade(): number
}

/**
 * A failed GitHub call: its HTTP status (0 when no answer came), what GitHub said (kept apart from the
 * gate's words, already tagged for `errorMessage`), and, when the request core refused the request or
 * got no answer, its own error (an origin it will not send the token to, a redirect, a network code).
 */
export class GitHubCallError extends Error {
  constructor(
    readonly status: number,
    readonly call: string,
    readonly said: ServerSaid | null = null,
    readonly refusal: GateError | null = null
  ) {
    super(status === 0 ? `No answer from GitHub to ${call}` : `GitHub answered ${status} to ${call}`)
    this.name = 'GitHubCallError'
  }
}

/** Who GITHUB_TOKEN acts as: the author of every issue a workflow opens with it. */
export const ACTIONS_BOT: GitHubAccount = { login: 'github-actions[bot]', type: 'Bot' }

/**
 * The REST API through @actions/github's Octokit, imported only here and only when the tracking issue is
 * on, so the gate's start-up does not pay for it. Every request goes through `options.fetch` (the
 * request core, which locks the token to GITHUB_API_URL's origin) and is counted. What GitHub says in
 * an error becomes ServerText scrubbed by `options.scrub` (the run's live scrubber) and, whatever that
 * holds, of `token` itself; the titles, bodies and comments sent are scrubbed the same way.
 */
export async function octokitIssues(
  token: string,
  apiUrl: string,
  repository: { owner: string; repo: string },
  options: { fetch: GitHubFetch; scrub: (text: string) => string }
): Promise<IssuesApi> {
  const { getOctokit } = await import('@actions/github')
  const ownScrub = scrubberFor([token])
  const scrub = (text: string): string => options.scrub(ownScrub(text))
  let requests = 0
  const fetch: GitHubFetch = (input, init) => {
    requests++
    return options.fetch(input, init)
  }
  const octokit = getOctokit(token, { baseUrl: apiUrl.replace(/\/+$/, ''), request: { fetch } })
  const { owner, repo } = repository
  const call = async <T>(name: string, request: () => Promise<T>): Promise<T> => {
    try {
      return await request()
    } catch (error) {
      throw asCallError(name, error, scrub)
    }
  }
  const listed = async (name: string, label: string, maxPages: number, labels?: string): Promise<OpenIssue[]> =>
    call(name, async () => {
      const found: OpenIssue[] = []
      let pages = 0
      const parameters = { owner, repo, state: 'open' as const, per_page: 100, ...(labels === undefined ? {} : { labels }) }
      const linked = new Set<string>()
      for await (const page of octokit.paginate.iterator(octokit.rest.issues.listForRepo, parameters)) {
        const items: unknown = page.data
        if (!Array.isArray(items)) throw new GitHubCallError(page.status, name)
        for (const item of items) {
          const issue = openIssueOf(item, label)
          if (issue !== null) found.push(issue)
        }
        if (++pages >= maxPages) break
        // A link back to a page already linked would go round for ever: the listing ends here.
        const next = /<([^<>]+)>;\s*rel="next"/.exec(page.headers.link ?? '')?.[1]
        if (next !== undefined && linked.has(next)) break
        if (next !== undefined) linked.add(next)
      }
      return found
    })
  return {
    openIssuesWithLabel: (label) => listed('list issues', label, MAX_LABELLED_PAGES, label),
    recentOpenIssues: (maxPages, label) => listed('list issues', label, maxPages),
    tokenIdentity: async () => {
      try {
        const { status, data } = await octokit.rest.users.getAuthenticated()
        return identityOf(token, { status, data })
      } catch (error) {
        return identityOf(token, { status: asCallError('read the user', error, scrub).status, data: null })
      }
    },
    create: (issue) =>
      call('create an issue', async () => {
        const { status, data } = await octokit.rest.issues.create({ owner, repo, title: scrub(issue.title), body: scrub(issue.body), labels: issue.labels })
        const number: unknown = isRecord(data) ? data.number : undefined
        if (!isSuccess(status) || typeof number !== 'number' || !Number.isSafeInteger(number) || number <= 0)
          throw new GitHubCallError(status, 'create an issue')
        return number
      }),
    update: (number, issue) =>
      call(`update issue #${number}`, async () => {
        const { status } = await octokit.rest.issues.update({ owner, repo, issue_number: number, title: scrub(issue.title), body: scrub(issue.body) })
        if (!isSuccess(status)) throw new GitHubCallError(status, `update issue #${number}`)
      }),
    comment: (number, body) =>
      call(`comment on issue #${number}`, async () => {
        const { status } = await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body: scrub(body) })
        if (!isSuccess(status)) throw new GitHubCallError(status, `comment on issue #${number}`)
      }),
    close: (number) =>
      call(`close issue #${number}`, async () => {
        const { status } = await octokit.rest.issues.update({ owner, repo, issue_number: number, state: 'closed', state_reason: 'completed' })
        if (!isSuccess(status)) throw new GitHubCallError(status, `close issue #${number}`)
      }),
    visibility: () =>
      call('read the repository', async () => {
        const { data } = await octokit.rest.repos.get({ owner, repo })
        return { private: data.private, visibility: data.visibility ?? null }
      }),
    requestsMade: () => requests
  }
}

/**
 * Who a token acts as, from its form and GitHub's answer to GET /user, modelled conservatively: a wrong
 * identity would hand the tracking issue to whoever opened an issue under that name.
 * - `ghs_…` is an installation token: GITHUB_TOKEN, or another GitHub App's. GET /user refuses every
 *   installation token with 403 ("Resource not accessible by integration"); then the token is taken for
 *   GITHUB_TOKEN, whose issues are by `github-actions[bot]` (type Bot), and only a workflow of this
 *   repository can open an issue under that name. Another app's token does not recognise its own
 *   unlabelled issues (they are by `<app>[bot]`): the label finds them. Any other answer: null.
 * - Any other token (`ghp_`, `github_pat_`, `gho_`, `ghu_`, or a form GitHub adds later) acts as the
 *   account GET /user returns with 200. Any other answer, a 403 included: null.
 */
export function identityOf(token: string, answer: { readonly status: number; readonly data: unknown }): GitHubAccount | null {
  if (token.startsWith('ghs_')) return answer.status === 403 ? ACTIONS_BOT : null
  if (answer.status !== 200 || !isRecord(answer.data)) return null
  const { login, type } = answer.data
  return typeof login === 'string' && login !== '' && typeof type === 'string' && type !== '' ? { login, type } : null
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300
}

/** An issue of a listing, or null for a pull request or an entry that is not an issue. */
function openIssueOf(item: unknown, label: string): OpenIssue | null {
  if (!isRecord(item) || item.pull_request !== undefined) return null
  const { number, body, user, labels } = item
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number <= 0) return null
  const author = isRecord(user) && typeof user.login === 'string' && typeof user.type === 'string' ? { login: user.login, type: user.type } : null
  // GitHub compares label names without case.
  const wanted = label.toLowerCase()
  const labelled = Array.isArray(labels) && labels.some((entry: unknown) => labelName(entry)?.toLowerCase() === wanted)
  return { number, body: typeof body === 'string' ? body : null, author, labelled }
}

/** A label as a listing gives it: an object with a name, or (in older answers) the name itself. */
function labelName(entry: unknown): string | null {
  if (typeof entry === 'string') return entry
  return isRecord(entry) && typeof entry.name === 'string' ? entry.name : null
}

/**
 * Octokit's error as a GitHubCallError. Without an answer (Octokit says 500 then, with the fetch's
 * error as `cause`) the status is 0, and a refusal of the request core travels along. With an answer,
 * GitHub's `message` (and the messages of its `errors`) or the start of a body that is not JSON becomes
 * what GitHub said, as ServerText: never part of the gate's sentence, scrubbed before it is ever cut.
 */
function asCallError(call: string, error: unknown, scrub: (text: string) => string): GitHubCallError {
  if (error instanceof GitHubCallError) return error
  const response = isRecord(error) ? error.response : undefined
  if (!isRecord(response) || typeof response.status !== 'number') {
    const cause = isRecord(error) ? error.cause : undefined
    const refusal = error instanceof GateError ? error : cause instanceof GateError ? cause : null
    return new GitHubCallError(0, call, null, refusal)
  }
  const headers = isRecord(response.headers) ? response.headers : {}
  const contentType = typeof headers['content-type'] === 'string' ? headers['content-type'] : ''
  const { data } = response
  const body =
    typeof data === 'string' ? data : data instanceof ArrayBuffer ? Buffer.from(data).toString('utf8') : data === undefined ? '' : JSON.stringify(data)
  const said = (raw: string, how: ServerSaid['how']): ServerSaid | null => {
    const text = ServerText.of(raw, scrub, { contentType, body })
    return text.isEmpty ? null : { who: 'GitHub', how, text }
  }
  if (isRecord(data) && typeof data.message === 'string') {
    const details = Array.isArray(data.errors) ? data.errors.flatMap((e: unknown) => (isRecord(e) && typeof e.message === 'string' ? [e.message] : [])) : []
    return new GitHubCallError(response.status, call, said([data.message, ...details].join('; '), 'says'))
  }
  return new GitHubCallError(response.status, call, typeof data === 'string' ? said(data, 'starts') : null)
}
