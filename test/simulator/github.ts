import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Transport } from '../../src/http/transport.js'
import { close, InFlight, jsonAnswer, listen, memoryTransport, socketListener, type Handler, type PlainAnswer, type PlainRequest } from './http.js'

/**
 * A local fake of the few GitHub REST calls the tracking issue makes (list, create, update, comment on
 * issues; read the repository; GET /user), with GitHub's own refusals: 401 for a bad token, 403
 * "Resource not accessible by integration" for a token that may not write (and for an installation
 * token asking GET /user), 410 when issues are off, 422 for a body over 65,536 characters. Served on a
 * socket after `start()` (set GITHUB_API_URL to `apiUrl`), or in memory through `transport()`.
 */

/** Where an in-memory GitHub fake answers. */
export const GITHUB_MEMORY_ORIGIN = 'http://github.test'

/** An issue's author as GitHub shows it (`user.login`, `user.type`). */
export interface FakeUser {
  readonly login: string
  readonly type: 'User' | 'Bot' | 'Organization'
}

/** Who an installation token (GITHUB_TOKEN) acts as. */
export const ACTIONS_BOT: FakeUser = { login: 'github-actions[bot]', type: 'Bot' }

export interface FakeIssue {
  readonly number: number
  title: string
  body: string
  state: 'open' | 'closed'
  stateReason: string | null
  labels: string[]
  readonly author: FakeUser
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
const INTEGRATION_REFUSAL = 'Resource not accessible by integration'

export class GitHubFake {
  readonly issues: FakeIssue[] = []
  readonly log: FakeRequest[] = []
  /** token → what it may do. */
  readonly tokens = new Map<string, 'write' | 'read'>()
  /**
   * token → the login of the person a personal token belongs to: GET /user answers it, and issues the
   * token opens are theirs. A token not here is an installation token (GITHUB_TOKEN): GET /user answers
   * 403 and its issues are by `github-actions[bot]`.
   */
  readonly logins = new Map<string, string>()
  /** Answer GET /repos/{owner}/{repo} with this status instead (e.g. 403, 500). */
  repositoryStatus = 200
  /** The message of a 403 to a token that may not write (GitHub's own by default). */
  refusalMessage = INTEGRATION_REFUSAL
  /** Serve the `rel="next"` links of listings on this origin instead of the one asked (a hostile or confused server). */
  nextLinkOrigin: string | null = null
  private server: Server | null = null
  private readonly inFlight = new InFlight()
  private readonly memoryOrigin: string

  constructor(
    readonly repository: FakeRepository,
    options: { memoryOrigin?: string } = {}
  ) {
    this.memoryOrigin = new URL(options.memoryOrigin ?? GITHUB_MEMORY_ORIGIN).origin
  }

  /** Where the fake answers: its socket once started (http://127.0.0.1:43567), before that the in-memory origin. */
  get origin(): string {
    const address = this.server?.address() as AddressInfo | null | undefined
    return address ? `http://127.0.0.1:${address.port}` : this.memoryOrigin
  }

  /** GITHUB_API_URL for this fake: its origin, as for github.com's api.github.com. */
  get apiUrl(): string {
    return this.origin
  }

  get slug(): string {
    return `${this.repository.owner}/${this.repository.name}`
  }

  /** An issue as a person (or an earlier run) left it; by default a person `someone` opened it. */
  addIssue(issue: Partial<FakeIssue> & Pick<FakeIssue, 'body'>): FakeIssue {
    const created: FakeIssue = {
      number: this.issues.length + 1,
      title: 'An issue',
      state: 'open',
      stateReason: null,
      labels: [],
      author: { login: 'someone', type: 'User' },
      comments: [],
      ...issue
    }
    this.issues.push(created)
    return created
  }

  openIssues(): FakeIssue[] {
    return this.issues.filter((issue) => issue.state === 'open')
  }

  /** Serves on a socket on 127.0.0.1. */
  async start(): Promise<this> {
    this.server = await listen(createServer(socketListener(this.serve, 'http', this.inFlight)))
    return this
  }

  async stop(): Promise<void> {
    const server = this.server
    this.server = null
    await close(server)
  }

  /** The same fake without a socket: a Transport for requests to `origin`. */
  transport(): Transport {
    return memoryTransport(() => this.origin, this.serve, this.inFlight)
  }

  private readonly serve: Handler = (request) => Promise.resolve(this.handle(request))

  private handle(request: PlainRequest): PlainAnswer {
    const { url, method } = request
    const authorization = request.headers.authorization ?? ''
    this.log.push({ method, path: url.pathname + url.search, authorization })
    const body: unknown = request.body === '' ? {} : JSON.parse(request.body)
    const token = /^(?:token|bearer) (.+)$/i.exec(authorization)?.[1] ?? ''
    const may = this.tokens.get(token)
    if (may === undefined) return jsonAnswer(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' })
    const login = this.logins.get(token)
    if (url.pathname === '/user' && method === 'GET') {
      if (login === undefined) return jsonAnswer(403, { message: INTEGRATION_REFUSAL, documentation_url: 'https://docs.github.com/rest/users/users' })
      return jsonAnswer(200, { login, id: 1, type: 'User' })
    }
    const { owner, name } = this.repository
    const base = `/repos/${owner}/${name}`
    if (!url.pathname.startsWith(base)) return jsonAnswer(404, { message: 'Not Found' })
    const rest = url.pathname.slice(base.length)
    const refusal = (): PlainAnswer => jsonAnswer(403, { message: this.refusalMessage, documentation_url: 'https://docs.github.com/rest/issues/issues' })

    if (rest === '' && method === 'GET') {
      if (this.repositoryStatus !== 200) return jsonAnswer(this.repositoryStatus, { message: 'Repository not available' })
      return jsonAnswer(200, { full_name: this.slug, private: this.repository.private, visibility: this.repository.visibility })
    }
    if (!this.repository.issuesEnabled && rest.startsWith('/issues')) return jsonAnswer(410, { message: 'Issues are disabled for this repo' })
    if (rest === '/issues' && method === 'GET') return this.list(url)
    if (rest === '/issues' && method === 'POST') {
      if (may !== 'write') return refusal()
      const issue = body as { title?: string; body?: string; labels?: string[] }
      if (typeof issue.title !== 'string' || issue.title === '') return jsonAnswer(422, { message: 'Validation Failed' })
      if ((issue.body ?? '').length > MAX_BODY) {
        return jsonAnswer(422, { message: 'Validation Failed', errors: [{ field: 'body', code: 'custom', message: 'body is too long' }] })
      }
      const author: FakeUser = login === undefined ? ACTIONS_BOT : { login, type: 'User' }
      const created = this.addIssue({ title: issue.title, body: issue.body ?? '', labels: issue.labels ?? [], author })
      return jsonAnswer(201, view(created))
    }
    const one = /^\/issues\/(\d+)(\/comments)?$/.exec(rest)
    const issue = one ? this.issues.find((i) => i.number === Number(one[1])) : undefined
    if (!one || !issue) return jsonAnswer(404, { message: 'Not Found' })
    if (may !== 'write') return refusal()
    if (one[2] === '/comments' && method === 'POST') {
      const text = (body as { body?: unknown }).body
      issue.comments.push(typeof text === 'string' ? text : '')
      return jsonAnswer(201, { id: issue.comments.length, body: issue.comments.at(-1) })
    }
    if (one[2] === undefined && method === 'PATCH') {
      const patch = body as { title?: string; body?: string; state?: 'open' | 'closed'; state_reason?: string }
      if ((patch.body ?? '').length > MAX_BODY) return jsonAnswer(422, { message: 'Validation Failed' })
      if (patch.title !== undefined) issue.title = patch.title
      if (patch.body !== undefined) issue.body = patch.body
      if (patch.state !== undefined) issue.state = patch.state
      if (patch.state_reason !== undefined) issue.stateReason = patch.state_reason
      return jsonAnswer(200, view(issue))
    }
    return jsonAnswer(404, { message: 'Not Found' })
  }

  /**
   * GET /issues: open or closed, filtered by every label named (comma-separated), newest first, paged
   * with a Link header on the origin asked (or `nextLinkOrigin`).
   */
  private list(url: URL): PlainAnswer {
    const state = url.searchParams.get('state') ?? 'open'
    const labels = (url.searchParams.get('labels') ?? '').split(',').filter((l) => l !== '')
    const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? '30'))
    const page = Number(url.searchParams.get('page') ?? '1')
    const matching = this.issues.filter((i) => (state === 'all' || i.state === state) && labels.every((l) => i.labels.includes(l))).reverse()
    const slice = matching.slice((page - 1) * perPage, page * perPage)
    const answer = jsonAnswer(200, slice.map(view))
    if (page * perPage >= matching.length || answer.kind !== 'answer') return answer
    const next = new URL(url.pathname + url.search, this.nextLinkOrigin ?? url.origin)
    next.searchParams.set('page', String(page + 1))
    return { ...answer, headers: { ...answer.headers, Link: `<${next.href}>; rel="next"` } }
  }
}

function view(issue: FakeIssue): Record<string, unknown> {
  return {
    number: issue.number,
    title: issue.title,
    body: issue.body,
    state: issue.state,
    labels: issue.labels.map((name) => ({ name })),
    user: { login: issue.author.login, type: issue.author.type },
    ...(issue.isPullRequest === true ? { pull_request: { url: 'https://example.invalid/pr' } } : {})
  }
}
