import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { close, listen, readBody } from './http.js'

/**
 * A local fake of the few GitHub REST calls the tracking issue makes (list, create, update, comment on
 * issues; read the repository), with GitHub's own refusals: 401 for a bad token, 403 "Resource not
 * accessible by integration" for a token that may not write, 410 when issues are off, 422 for a body
 * over 65,536 characters. Set GITHUB_API_URL to `apiUrl`.
 */

export interface FakeIssue {
  readonly number: number
  title: string
  body: string
  state: 'open' | 'closed'
  stateReason: string | null
  labels: string[]
  readonly author: string
  readonly comments: string[]
  readonly isPullRequest?: boolean
}

export interface FakeRepository {
  readonly owner: string
  readonly name: string
  readonly private: boolean
  readonly visibility: 'public' | 'private' | 'internal'
  issuesEnabled: boolean
}

export interface FakeRequest {
  readonly method: string
  readonly path: string
  readonly authorization: string
}

const MAX_BODY = 65_536

export class GitHubFake {
  readonly issues: FakeIssue[] = []
  readonly log: FakeRequest[] = []
  /** token → what it may do. */
  readonly tokens = new Map<string, 'write' | 'read'>()
  /** Answer GET /repos/{owner}/{repo} with this status instead (e.g. 403, 500). */
  repositoryStatus = 200
  private server: Server | null = null

  constructor(readonly repository: FakeRepository) {}

  get apiUrl(): string {
    const address = this.server?.address() as AddressInfo | null
    if (!address) throw new Error('fake not started')
    return `http://127.0.0.1:${address.port}`
  }

  get slug(): string {
    return `${this.repository.owner}/${this.repository.name}`
  }

  /** An issue as a person (or an earlier run) left it. */
  addIssue(issue: Partial<FakeIssue> & Pick<FakeIssue, 'body'>): FakeIssue {
    const created: FakeIssue = {
      number: this.issues.length + 1,
      title: 'An issue',
      state: 'open',
      stateReason: null,
      labels: [],
      author: 'someone',
      comments: [],
      ...issue
    }
    this.issues.push(created)
    return created
  }

  openIssues(): FakeIssue[] {
    return this.issues.filter((issue) => issue.state === 'open')
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        json(res, 500, { message: `fake error: ${String(error)}` })
      })
    })
    this.server = await listen(server)
    return this
  }

  async stop(): Promise<void> {
    const server = this.server
    this.server = null
    await close(server)
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const method = req.method ?? 'GET'
    const authorization = req.headers.authorization ?? ''
    this.log.push({ method, path: url.pathname + url.search, authorization })
    const text = await readBody(req)
    const body: unknown = text === '' ? {} : JSON.parse(text)
    const token = /^(?:token|bearer) (.+)$/i.exec(authorization)?.[1] ?? ''
    const may = this.tokens.get(token)
    if (may === undefined) {
      json(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' })
      return
    }
    const { owner, name } = this.repository
    const base = `/repos/${owner}/${name}`
    if (!url.pathname.startsWith(base)) {
      json(res, 404, { message: 'Not Found' })
      return
    }
    const rest = url.pathname.slice(base.length)
    const refuse = (): void => {
      json(res, 403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest/issues/issues' })
    }

    if (rest === '' && method === 'GET') {
      if (this.repositoryStatus !== 200) {
        json(res, this.repositoryStatus, { message: 'Repository not available' })
        return
      }
      json(res, 200, { full_name: this.slug, private: this.repository.private, visibility: this.repository.visibility })
      return
    }
    if (!this.repository.issuesEnabled && rest.startsWith('/issues')) {
      json(res, 410, { message: 'Issues are disabled for this repo' })
      return
    }
    if (rest === '/issues' && method === 'GET') {
      this.list(url, res)
      return
    }
    if (rest === '/issues' && method === 'POST') {
      if (may !== 'write') {
        refuse()
        return
      }
      const issue = body as { title?: string; body?: string; labels?: string[] }
      if (typeof issue.title !== 'string' || issue.title === '') {
        json(res, 422, { message: 'Validation Failed' })
        return
      }
      if ((issue.body ?? '').length > MAX_BODY) {
        json(res, 422, { message: 'Validation Failed', errors: [{ field: 'body', code: 'custom', message: 'body is too long' }] })
        return
      }
      const created = this.addIssue({ title: issue.title, body: issue.body ?? '', labels: issue.labels ?? [], author: 'github-actions[bot]' })
      json(res, 201, view(created))
      return
    }
    const one = /^\/issues\/(\d+)(\/comments)?$/.exec(rest)
    const issue = one ? this.issues.find((i) => i.number === Number(one[1])) : undefined
    if (!one || !issue) {
      json(res, 404, { message: 'Not Found' })
      return
    }
    if (may !== 'write') {
      refuse()
      return
    }
    if (one[2] === '/comments' && method === 'POST') {
      const text = (body as { body?: unknown }).body
      issue.comments.push(typeof text === 'string' ? text : '')
      json(res, 201, { id: issue.comments.length, body: issue.comments.at(-1) })
      return
    }
    if (one[2] === undefined && method === 'PATCH') {
      const patch = body as { title?: string; body?: string; state?: 'open' | 'closed'; state_reason?: string }
      if ((patch.body ?? '').length > MAX_BODY) {
        json(res, 422, { message: 'Validation Failed' })
        return
      }
      if (patch.title !== undefined) issue.title = patch.title
      if (patch.body !== undefined) issue.body = patch.body
      if (patch.state !== undefined) issue.state = patch.state
      if (patch.state_reason !== undefined) issue.stateReason = patch.state_reason
      json(res, 200, view(issue))
      return
    }
    json(res, 404, { message: 'Not Found' })
  }

  /** GET /issues: open or closed, filtered by every label named (comma-separated), paged with a Link header. */
  private list(url: URL, res: ServerResponse): void {
    const state = url.searchParams.get('state') ?? 'open'
    const labels = (url.searchParams.get('labels') ?? '').split(',').filter((l) => l !== '')
    const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? '30'))
    const page = Number(url.searchParams.get('page') ?? '1')
    // GitHub's default order: newest first.
    const matching = this.issues.filter((i) => (state === 'all' || i.state === state) && labels.every((l) => i.labels.includes(l))).reverse()
    const slice = matching.slice((page - 1) * perPage, page * perPage)
    const headers: Record<string, string> = {}
    if (page * perPage < matching.length) {
      const next = new URL(url.href.replace('http://127.0.0.1', this.apiUrl))
      next.searchParams.set('page', String(page + 1))
      headers.Link = `<${next.href}>; rel="next"`
    }
    json(res, 200, slice.map(view), headers)
  }
}

function view(issue: FakeIssue): Record<string, unknown> {
  return {
    number: issue.number,
    title: issue.title,
    body: issue.body,
    state: issue.state,
    labels: issue.labels.map((name) => ({ name })),
    user: { login: issue.author },
    ...(issue.isPullRequest === true ? { pull_request: { url: 'https://example.invalid/pr' } } : {})
  }
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers })
  res.end(text)
}
