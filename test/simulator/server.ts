import { randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { applyFields, mentions, parseFields } from './fields.js'
import type { Transport } from '../../src/http/transport.js'
import { answer, close, InFlight, listen, memoryTransport, socketListener, type Handler, type PlainAnswer, type PlainRequest, type ServeEnv } from './http.js'
import {
  findRepository,
  permissionFilter,
  REPOSITORY_PERMISSIONS,
  repositoryPermissionEntries,
  repositoryPermissionItem,
  userObject,
  workspaceObject,
  WORKSPACE_PERMISSIONS,
  workspacePermissionEntries,
  workspacePermissionItem
} from './permissions.js'

/**
 * A local Bitbucket Cloud API for tests, the demo and the bench, following
 * ../shared/bitbucket-api/REFERENCE.md: GET /2.0/workspaces/{workspace}/members with pagination,
 * `fields`, admin-only 2FA flags, Basic and Bearer auth, Bitbucket's error bodies, a rate limit, and
 * scriptable faults; and the two permission listings the gate reads,
 * GET /2.0/workspaces/{workspace}/permissions and …/permissions/repositories/{repo_slug}, paged,
 * filtered and faulted the same way (their data in permissions.ts).
 */

export interface SimUser {
  readonly uuid: string
  readonly account_id?: string
  readonly display_name: string
  readonly nickname?: string
  readonly type?: 'user' | 'app_user'
  /** `undefined` leaves the flag out even for an admin; `null` is sent as null. */
  readonly has_2fa_enabled?: boolean | null
}

export interface SimWorkspace {
  readonly slug: string
  readonly uuid: string
  members: SimUser[]
  /**
   * Uuids (braced, as `SimUser.uuid`) of the workspace's admins (`owner` on `/permissions`), members or
   * outsiders. Default: the first member who is not an app user and has 2FA on (the admin running the
   * gate); none if there is no such member.
   */
  owners?: readonly string[]
  /**
   * Users the member listing never names who can still hold permissions: on repositories, and (as
   * owners) on `/permissions`. REFERENCE.md has seen such users with access to a repository.
   */
  outsiders?: SimUser[]
  /** Uuids whose workspace permission is `collaborator`; everyone else who is not an owner is `member`. */
  collaborators?: readonly string[]
  /** Repositories and their effective permissions, for `/permissions/repositories/{repo_slug}`. */
  repositories?: SimRepository[]
}

export interface SimRepository {
  readonly slug: string
  /** Default: a braced uuid derived from the workspace and the slug. */
  readonly uuid?: string
  /** One line each of the effective listing, in this order. */
  grants: SimGrant[]
  /**
   * Whether the effective listing also names every workspace owner a grant does not name, as `admin`.
   * Whether Bitbucket's does is not known [guess]: default false, so a client must add the owners itself.
   */
  readonly listsOwners?: boolean
}

/** The effective permission of a user (member or outsider) on a repository: the highest they hold. */
export interface SimGrant {
  readonly uuid: string
  readonly permission: 'read' | 'write' | 'admin' | 'none'
}

export type SimCredential = SimApiToken | SimAccessToken | SimOAuthConsumer

/** An OAuth consumer: its key and secret buy access tokens at POST /site/oauth2/access_token. */
export interface SimOAuthConsumer {
  readonly kind: 'oauth-consumer'
  readonly key: string
  readonly secret: string
  /** Only private consumers may use client credentials. Default true. */
  readonly private?: boolean
  /** Default ['account']. */
  readonly scopes?: readonly string[]
  /** Workspaces where the consumer's owner is an admin (sees 2FA flags). Default: all. */
  readonly adminOf?: readonly string[]
  /** Workspaces the owner can see. Default: all. */
  readonly memberOf?: readonly string[]
  /** Leave `scopes` out of the grant's answer. */
  readonly omitScopes?: boolean
}

/** The path of the token endpoint, as on bitbucket.org. */
export const TOKEN_PATH = '/site/oauth2/access_token'

export interface SimApiToken {
  readonly kind: 'api-token'
  readonly email: string
  readonly token: string
  /** Default: ['read:workspace:bitbucket']. */
  readonly scopes?: readonly string[]
  /** Workspaces (slugs) where this account is an admin and so sees 2FA flags. Default: all. */
  readonly adminOf?: readonly string[]
  /** Workspaces this account can see at all. Default: all. */
  readonly memberOf?: readonly string[]
}

export interface SimAccessToken {
  readonly kind: 'access-token'
  readonly token: string
  readonly workspace: string
  /** Whether the access token's bot user sees 2FA flags (undocumented at Bitbucket). Default false. */
  readonly seesFlags?: boolean
}

/**
 * The endpoints a fault rule can aim at: the member listing, the OAuth token endpoint, the workspace
 * permissions (`admins`: GET /2.0/workspaces/{ws}/permissions) and a repository's permissions
 * (`repository`: GET /2.0/workspaces/{ws}/permissions/repositories/{repo_slug}).
 */
export type SimEndpoint = 'members' | 'token' | 'admins' | 'repository'

/** The endpoints that list pages. */
type ListingEndpoint = Exclude<SimEndpoint, 'token'>

export interface SimRequest {
  /** 1-based count of requests to this endpoint so far (for `members`, member-list requests). */
  readonly n: number
  readonly endpoint: SimEndpoint
  /** The workspace as the path names it (slug or braced uuid); '' on the token endpoint. */
  readonly workspace: string
  /** The repository slug as the path names it, on `repository` requests only. */
  readonly repository?: string
  readonly page: number
  readonly url: URL
  /** Names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>
}

export interface PageBody {
  pagelen: number
  values: unknown[]
  page?: number
  size?: number
  next?: string
  [key: string]: unknown
}

export type FaultAction =
  | {
      readonly status: number
      /** The body, or a function of the request (to echo what it was sent, as a careless proxy might). */
      readonly body?: string | ((request: SimRequest) => string)
      readonly contentType?: string
      readonly headers?: Record<string, string>
    }
  | { readonly reset: true }
  | { readonly hang: true }
  /** Serve the right page cut short, as a complete response. */
  | { readonly truncate: true }
  /** Start the right page with its full Content-Length, then drop the connection halfway. */
  | { readonly cut: true }
  /** Change the simulator's state, then serve normally. */
  | { readonly mutate: (sim: BitbucketSimulator) => void }
  /** Serve the normal page, rewritten. */
  | { readonly rewrite: (body: PageBody, request: SimRequest) => unknown }
  /** Wait, then serve normally (or per `then`). */
  | { readonly delayMs: number }

export interface FaultRule {
  /** Which endpoint the rule is for; default the members listing (never the permission listings). */
  readonly endpoint?: SimEndpoint
  readonly when?: (request: SimRequest) => boolean
  /** How many matching requests the rule takes; default 1. */
  times?: number
  readonly action: FaultAction
}

export interface SimOptions {
  readonly workspaces: SimWorkspace[]
  readonly credentials: readonly SimCredential[]
  /** Send `size` (and `page`) on pages; default true. */
  readonly includeSize?: boolean
  /**
   * The world is never edited after the first request (the bench): the permission entries of each
   * workspace and repository are worked out once. Off by default, since tests edit worlds in place.
   */
  readonly frozenWorld?: boolean
  /** Delay before every answer, for the bench. */
  readonly latencyMs?: number
  /** Requests per credential before 429s; default 1000. */
  readonly rateLimit?: number
  readonly faults?: FaultRule[]
  /** Serve https with this key and certificate (PEM) instead of plain http. */
  readonly tls?: { readonly key: string; readonly cert: string }
  /** Port to listen on; default any free one. */
  readonly port?: number
  /** The origin `transport()` serves in memory, without a socket; default http://bitbucket.test. */
  readonly memoryOrigin?: string
  /**
   * The permission listings ignore `q` and list every entry (the unfiltered list, `size` included), to
   * prove a client checks every entry itself. Default false.
   */
  readonly ignoreQuery?: boolean
}

export interface SimLogEntry {
  readonly path: string
  readonly status: number | 'reset' | 'hang'
  readonly authorization: string
}

/** Where an in-memory simulator answers: a name no DNS resolves, so nothing can reach it by accident. */
export const MEMORY_ORIGIN = 'http://bitbucket.test'

export const RATE_LIMIT_TEXT = 'Rate limit for this resource has been exceeded'
const API_TOKEN_BEARER_TEXT = 'Token is invalid, expired, or not supported for this endpoint.'
const SCOPES_TEXT = 'Your credentials lack one or more required privilege scopes.'
/** REFERENCE.md: "You can't use an access token to manipulate or query … permissions". */
export const ACCESS_TOKEN_PERMISSIONS_TEXT = "You can't use an access token to query permissions."
export const NOT_WORKSPACE_ADMIN_TEXT = 'You must be an administrator of this workspace to view its permissions.'
export const NOT_REPOSITORY_ADMIN_TEXT = 'You do not have admin access to this repository.'
export const INVALID_QUERY_TEXT = 'Invalid query'

export class BitbucketSimulator {
  readonly workspaces: SimWorkspace[]
  readonly faults: FaultRule[]
  readonly log: SimLogEntry[] = []
  includeSize: boolean
  private readonly frozenWorld: boolean
  private readonly memo = new WeakMap<object, unknown>()
  latencyMs: number
  /** See `SimOptions.ignoreQuery`. */
  ignoreQuery: boolean
  private readonly credentials: readonly SimCredential[]
  private readonly tls: SimOptions['tls']
  private readonly listenPort: number
  private readonly memoryOrigin: string
  private readonly rateLimit: number
  private readonly used = new Map<string, number>()
  private server: Server | null = null
  private readonly inFlight = new InFlight()
  /** Requests per listing endpoint, answered or cut. */
  private readonly counts: Record<ListingEndpoint, number> = { members: 0, admins: 0, repository: 0 }
  /** Access tokens handed out by the token endpoint, and whether each has expired. */
  private readonly issued = new Map<string, { consumer: SimOAuthConsumer; expired: boolean }>()
  /** Requests to the token endpoint. */
  tokenRequests = 0

  constructor(options: SimOptions) {
    this.workspaces = options.workspaces
    this.credentials = options.credentials
    this.includeSize = options.includeSize ?? true
    this.frozenWorld = options.frozenWorld === true
    this.latencyMs = options.latencyMs ?? 0
    this.ignoreQuery = options.ignoreQuery ?? false
    this.rateLimit = options.rateLimit ?? 1000
    this.faults = options.faults ?? []
    this.tls = options.tls
    this.listenPort = options.port ?? 0
    this.memoryOrigin = new URL(options.memoryOrigin ?? MEMORY_ORIGIN).origin
  }

  /**
   * Where the simulator answers: once started, its socket (e.g. http://127.0.0.1:43567); before, the
   * in-memory origin that `transport()` serves.
   */
  get origin(): string {
    const address = this.server?.address() as AddressInfo | null | undefined
    if (!address) return this.memoryOrigin
    return `${this.tls ? 'https' : 'http'}://127.0.0.1:${address.port}`
  }

  /** Base URL to use as `api-url`, e.g. http://127.0.0.1:43567/2.0, or http://bitbucket.test/2.0 in memory. */
  get apiUrl(): string {
    return `${this.origin}/2.0`
  }

  get port(): number {
    const address = this.server?.address() as AddressInfo | null | undefined
    if (!address) throw new Error('simulator not started')
    return address.port
  }

  /** Member-list requests answered or cut so far (not the permission listings, not the token endpoint). */
  get requests(): number {
    return this.counts.members
  }

  /** Requests to GET /2.0/workspaces/{ws}/permissions answered or cut so far. */
  get adminRequests(): number {
    return this.counts.admins
  }

  /** Requests to GET /2.0/workspaces/{ws}/permissions/repositories/{repo_slug} answered or cut so far. */
  get repositoryRequests(): number {
    return this.counts.repository
  }

  /** The most requests in flight at once, on any endpoint. */

  get maxInFlight(): number {
    return this.inFlight.peak
  }

  resetStats(): void {
    this.counts.members = 0
    this.counts.admins = 0
    this.counts.repository = 0
    this.inFlight.resetPeak()
    this.log.length = 0
    this.used.clear()
    this.tokenRequests = 0
  }

  /** Serves on a socket on 127.0.0.1 (the client, end-to-end, bench and demo runs). */
  async start(): Promise<this> {
    const listener = socketListener(this.serve, this.tls ? 'https' : 'http', this.inFlight)
    const server: Server = this.tls ? createTlsServer({ key: this.tls.key, cert: this.tls.cert }, listener) : createServer(listener)
    server.keepAliveTimeout = 5000
    this.server = await listen(server, this.listenPort)
    return this
  }

  async stop(): Promise<void> {
    const server = this.server
    this.server = null
    await close(server)
  }

  /**
   * The same simulator without a socket: a Transport for requests to `origin` (the in-process tests).
   * Faults map as a client sees them: reset and cut reject ECONNRESET, hang rejects ETIMEDOUT at once,
   * latency and delays pass as turns of the event loop.
   */
  transport(): Transport {
    return memoryTransport(() => this.origin, this.serve, this.inFlight)
  }

  /** Every access token handed out so far expires now (as after an hour). */
  expireAccessTokens(): void {
    for (const entry of this.issued.values()) entry.expired = true
  }

  /** Base URL of the token endpoint, for `oauth-token-url`. */
  get tokenUrl(): string {
    return this.apiUrl.replace(/\/2\.0$/, TOKEN_PATH)
  }

  findWorkspace(id: string): SimWorkspace | undefined {
    const key = id.toLowerCase()
    return this.workspaces.find((w) => w.slug.toLowerCase() === key || w.uuid.toLowerCase() === key)
  }

  /** One request, whichever front end brought it. */
  readonly serve: Handler = async (req, env) => {
    const { url } = req
    const authorization = req.headers.authorization ?? ''
    if (url.pathname === TOKEN_PATH) return this.grant(req, authorization)
    const route = req.method === 'GET' ? routeOf(url.pathname) : undefined
    if (!route) {
      this.log.push({ path: url.pathname + url.search, status: 404, authorization })
      return errorAnswer(404, 'Resource not found')
    }
    const page = Number(url.searchParams.get('page') ?? '1')
    const request: SimRequest = {
      n: ++this.counts[route.endpoint],
      endpoint: route.endpoint,
      workspace: route.workspace,
      ...(route.repository === undefined ? {} : { repository: route.repository }),
      page,
      url,
      headers: req.headers
    }
    return this.serveListing(request, env, authorization, () => this.answer(route, url, authorization))
  }

  /**
   * One request to a listing, with the faults scripted for its endpoint: a fault that answers (status,
   * reset, hang) stands in for the listing; the others change how the listing's own answer goes out.
   */
  private async serveListing(request: SimRequest, env: ServeEnv, authorization: string, listing: () => ListingResult): Promise<PlainAnswer> {
    const { url } = request
    if (this.latencyMs > 0) await env.sleep(this.latencyMs)
    const record = (status: SimLogEntry['status']): void => {
      this.log.push({ path: url.pathname + url.search, status, authorization })
    }

    let rewrite: ((body: PageBody, request: SimRequest) => unknown) | null = null
    let truncate = false
    let cut = false
    const rule = this.takeFault(request, request.endpoint)
    if (rule) {
      const action = rule.action
      if ('reset' in action) {
        record('reset')
        return { kind: 'reset' }
      }
      if ('hang' in action) {
        record('hang')
        return { kind: 'hang' }
      }
      if ('status' in action) {
        record(action.status)
        const body = typeof action.body === 'function' ? action.body(request) : (action.body ?? '')
        return answer(action.status, action.contentType ?? 'application/json', body, action.headers)
      }
      if ('mutate' in action) action.mutate(this)
      if ('delayMs' in action) await env.sleep(action.delayMs)
      if ('rewrite' in action) rewrite = action.rewrite
      if ('truncate' in action) truncate = true
      if ('cut' in action) cut = true
    }

    const result = listing()
    if (result.kind === 'error') {
      record(result.status)
      return answer(result.status, result.contentType, result.body)
    }
    const body = rewrite ? rewrite(result.body, request) : result.body
    let text = JSON.stringify(body)
    if (truncate) text = text.slice(0, Math.max(1, Math.floor(text.length / 2)))
    if (cut) {
      record('reset')
      return { kind: 'cut', status: 200, headers: { 'Content-Type': 'application/json' }, body: text }
    }
    record(200)
    return answer(200, 'application/json; charset=utf-8', text)
  }

  private takeFault(request: SimRequest, endpoint: SimEndpoint): FaultRule | undefined {
    const rule = this.faults.find((f) => (f.endpoint ?? 'members') === endpoint && (f.times ?? 1) > 0 && (f.when?.(request) ?? true))
    if (rule) rule.times = (rule.times ?? 1) - 1
    return rule
  }

  /**
   * The OAuth 2.0 client credentials grant (../shared/bitbucket-api/REFERENCE.md): Basic key:secret, a
   * form body `grant_type=client_credentials`; RFC 6749 error bodies. Faults with `endpoint: 'token'`
   * answer with their status instead.
   */
  private grant(req: PlainRequest, authorization: string): PlainAnswer {
    const { url } = req
    this.tokenRequests++
    const record = (status: number): void => {
      this.log.push({ path: url.pathname + url.search, status, authorization })
    }
    const oauthError = (status: number, error: string, description: string): PlainAnswer => {
      record(status)
      return answer(status, 'application/json', JSON.stringify({ error_description: description, error }))
    }
    const request: SimRequest = { n: this.tokenRequests, endpoint: 'token', workspace: '', page: 0, url, headers: req.headers }
    const rule = this.takeFault(request, 'token')
    if (rule && 'status' in rule.action) {
      record(rule.action.status)
      const text = typeof rule.action.body === 'function' ? rule.action.body(request) : (rule.action.body ?? '')
      return answer(rule.action.status, rule.action.contentType ?? 'application/json', text, rule.action.headers)
    }
    if (rule && 'reset' in rule.action) {
      record(0)
      return { kind: 'reset' }
    }
    if (req.method !== 'POST') return oauthError(405, 'invalid_request', 'Method not allowed')
    const form = new URLSearchParams(req.body)
    if (!/^application\/x-www-form-urlencoded/.test(req.headers['content-type'] ?? '')) return oauthError(400, 'invalid_request', 'Expected a form body')
    if (form.get('grant_type') !== 'client_credentials') return oauthError(400, 'unsupported_grant_type', 'Unsupported grant type')
    const decoded = authorization.startsWith('Basic ') ? Buffer.from(authorization.slice(6), 'base64').toString('utf8') : ''
    const colon = decoded.indexOf(':')
    const consumer = this.credentials.find(
      (c): c is SimOAuthConsumer => c.kind === 'oauth-consumer' && colon > 0 && c.key === decoded.slice(0, colon) && c.secret === decoded.slice(colon + 1)
    )
    if (!consumer) return oauthError(400, 'invalid_client', 'Invalid OAuth client credentials')
    if (consumer.private === false) return oauthError(400, 'unauthorized_client', 'Client credentials grant is only available to private consumers')
    const accessToken = `sim-oauth-${this.issued.size + 1}-${randomBytes(12).toString('base64url')}`
    this.issued.set(accessToken, { consumer, expired: false })
    record(200)
    const scopes = consumer.omitScopes === true ? {} : { scopes: (consumer.scopes ?? ['account']).join(' ') }
    return answer(
      200,
      'application/json',
      JSON.stringify({
        access_token: accessToken,
        ...scopes,
        expires_in: 7200,
        refresh_token: randomBytes(8).toString('hex'),
        token_type: 'bearer',
        state: 'client_credentials'
      })
    )
  }

  /** The listing's own answer: its checks in Bitbucket's order, then the page. */
  private answer(route: Route, url: URL, authorization: string): ListingResult {
    const auth = this.authenticate(authorization)
    if (auth.kind === 'fail') return apiError(401, auth.message)
    const credential = auth.credential
    if (url.searchParams.has('access_token')) return apiError(401, 'Access tokens are accepted only in the Authorization header.')
    const identity = credential.kind === 'oauth-consumer' ? credential.key : credential.token
    const count = (this.used.get(identity) ?? 0) + 1
    this.used.set(identity, count)
    if (count > this.rateLimit) return { kind: 'error', status: 429, contentType: 'text/plain', body: RATE_LIMIT_TEXT }
    switch (route.endpoint) {
      case 'members':
        return this.members(url, route.workspace, credential)
      case 'admins':
        return this.workspacePermissions(url, route.workspace, credential)
      case 'repository':
        return this.repositoryPermissions(url, route.workspace, route.repository ?? '', credential)
    }
  }

  private members(url: URL, workspaceId: string, credential: SimCredential): ListingResult {
    const refused = workspaceScopeError(credential)
    if (refused) return refused
    const workspace = this.visibleWorkspace(workspaceId, credential)
    if (!workspace) return apiError(404, `No workspace with identifier '${workspaceId}'.`)
    const paging = pagingOf(url)
    if ('kind' in paging) return paging

    const fields = parseFields(url.searchParams.get('fields'))
    const wantsFlag = mentions(fields, 'values.user.has_2fa_enabled')
    const seesFlags = credential.kind === 'access-token' ? credential.seesFlags === true : isAdmin(credential, workspace)
    const base = baseOf(url)
    const full = this.pageOf(url, workspace.members, paging, (member) =>
      membership(member, workspace, base, wantsFlag ? (seesFlags ? member.has_2fa_enabled : null) : undefined)
    )
    return { kind: 'page', body: applyFields(full, fields) as PageBody }
  }

  /**
   * GET /2.0/workspaces/{ws}/permissions: every member and every outsider who owns the workspace, with
   * their role. For workspace admins only [seen]; access tokens may not query permissions [doc].
   */
  private workspacePermissions(url: URL, workspaceId: string, credential: SimCredential): ListingResult {
    if (credential.kind === 'access-token') return apiError(403, ACCESS_TOKEN_PERMISSIONS_TEXT)
    const refused = workspaceScopeError(credential)
    if (refused) return refused
    const workspace = this.visibleWorkspace(workspaceId, credential)
    if (!workspace) return apiError(404, `No workspace with identifier '${workspaceId}'.`)
    if (!isAdmin(credential, workspace)) return apiError(403, NOT_WORKSPACE_ADMIN_TEXT)
    const paging = pagingOf(url)
    if ('kind' in paging) return paging
    const keep = this.filterOf(url, WORKSPACE_PERMISSIONS)
    if (!keep) return apiError(400, INVALID_QUERY_TEXT)

    const entries = this.remembered(workspace, () => workspacePermissionEntries(workspace)).filter((entry) => keep(entry.permission))
    const base = baseOf(url)
    const full = this.pageOf(url, entries, paging, (entry) => workspacePermissionItem(entry, workspace, base))
    return { kind: 'page', body: applyFields(full, parseFields(url.searchParams.get('fields'))) as PageBody }
  }

  /**
   * GET /2.0/workspaces/{ws}/permissions/repositories/{repo_slug}: each user's effective permission on
   * the repository, for admins of it only [doc]; here, the workspace's admins (`adminOf`). An unknown
   * repository, or one in a workspace the caller cannot see, is a 404 before the admin check [guess].
   */
  private repositoryPermissions(url: URL, workspaceId: string, slug: string, credential: SimCredential): ListingResult {
    if (credential.kind === 'access-token') return apiError(403, ACCESS_TOKEN_PERMISSIONS_TEXT)
    if (credential.kind === 'oauth-consumer') {
      // [guess] the OAuth scope Bitbucket's classic scheme names for reading repositories.
      const scopes = credential.scopes ?? ['account']
      if (!scopes.includes('repository')) return apiError(403, SCOPES_TEXT, { required: ['repository'], granted: scopes })
    } else {
      const scopes = credential.scopes ?? ['read:workspace:bitbucket']
      if (!scopes.includes('read:repository:bitbucket') && !scopes.includes('admin:repository:bitbucket')) {
        return apiError(403, SCOPES_TEXT, { required: ['read:repository:bitbucket'], granted: scopes })
      }
    }
    const workspace = this.visibleWorkspace(workspaceId, credential)
    const repository = workspace ? findRepository(workspace, slug) : undefined
    if (!workspace || !repository) return apiError(404, `Repository ${workspaceId}/${slug} not found`)
    if (!isAdmin(credential, workspace)) return apiError(403, NOT_REPOSITORY_ADMIN_TEXT)
    const paging = pagingOf(url)
    if ('kind' in paging) return paging
    const keep = this.filterOf(url, REPOSITORY_PERMISSIONS)
    if (!keep) return apiError(400, INVALID_QUERY_TEXT)

    const entries = this.remembered(repository, () => repositoryPermissionEntries(workspace, repository)).filter((entry) => keep(entry.permission))
    const base = baseOf(url)
    const full = this.pageOf(url, entries, paging, (entry) => repositoryPermissionItem(entry, workspace, repository, base))
    return { kind: 'page', body: applyFields(full, parseFields(url.searchParams.get('fields'))) as PageBody }
  }

  /** `work()`, once per object when the world is frozen; afresh each time otherwise. */
  private remembered<T>(key: object, work: () => T): T {
    if (!this.frozenWorld) return work()
    if (!this.memo.has(key)) this.memo.set(key, work())
    return this.memo.get(key) as T
  }

  /** The workspace, if it exists and these credentials can see it. */
  private visibleWorkspace(workspaceId: string, credential: SimCredential): SimWorkspace | undefined {
    const workspace = this.findWorkspace(workspaceId)
    if (!workspace) return undefined
    const visible =
      credential.kind === 'access-token' ? credential.workspace === workspace.slug : (credential.memberOf ?? [workspace.slug]).includes(workspace.slug)
    return visible ? workspace : undefined
  }

  /** The `q` filter of a permission listing (everything with `ignoreQuery`), or null when `q` is invalid. */
  private filterOf(url: URL, order: readonly string[]): ((permission: string) => boolean) | null {
    return this.ignoreQuery ? () => true : permissionFilter(url.searchParams.get('q'), order)
  }

  /** Page `page` of `all`, `size` counting all of them, `next` while more follow. */
  private pageOf<T>(url: URL, all: readonly T[], { pagelen, page }: Paging, item: (entry: T) => unknown): PageBody {
    const values = all.slice((page - 1) * pagelen, page * pagelen).map(item)
    const full: PageBody = { pagelen, values }
    if (this.includeSize) {
      full.size = all.length
      full.page = page
    }
    if (page * pagelen < all.length) full.next = withPage(url, page + 1)
    return full
  }

  private authenticate(header: string): { kind: 'ok'; credential: SimCredential } | { kind: 'fail'; message: string } {
    if (header.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8')
      const colon = decoded.indexOf(':')
      const [email, token] = [decoded.slice(0, colon), decoded.slice(colon + 1)]
      const credential = this.credentials.find((c) => c.kind === 'api-token' && c.email === email && c.token === token)
      if (credential) return { kind: 'ok', credential }
      return { kind: 'fail', message: token.startsWith('ATBB') ? 'App passwords are no longer supported. Use an API token.' : 'Invalid credentials' }
    }
    if (header.startsWith('Bearer ')) {
      const token = header.slice(7)
      const issued = this.issued.get(token)
      if (issued?.expired === false) return { kind: 'ok', credential: issued.consumer }
      const credential = this.credentials.find((c) => c.kind === 'access-token' && c.token === token)
      if (credential) return { kind: 'ok', credential }
      if (token.startsWith('ATAT')) return { kind: 'fail', message: API_TOKEN_BEARER_TEXT }
      return { kind: 'fail', message: 'Access token expired. Use your refresh token to obtain a new access token.' }
    }
    return {
      kind: 'fail',
      message:
        'This API is only accessible with the following authentication types: session, password, apppassword, api_token, repository_access_token, workspace_access_token, project_access_token'
    }
  }
}

function membership(member: SimUser, workspace: SimWorkspace, base: string, flag: boolean | null | undefined): Record<string, unknown> {
  const user = userObject(member, base)
  if (member.type !== 'app_user' && flag !== undefined) user.has_2fa_enabled = flag
  return {
    type: 'workspace_membership',
    user,
    workspace: workspaceObject(workspace),
    links: { self: { href: `${base}/workspaces/${workspace.slug}/members/${encodeURIComponent(member.uuid)}` } }
  }
}

type ListingResult = { kind: 'error'; status: number; contentType: string; body: string } | { kind: 'page'; body: PageBody }

interface Route {
  readonly endpoint: ListingEndpoint
  /** As the path names it, decoded. */
  readonly workspace: string
  readonly repository?: string
}

/** Which listing a GET path asks for, if any. */
function routeOf(pathname: string): Route | undefined {
  const members = /^\/2\.0\/workspaces\/([^/]+)\/members\/?$/.exec(pathname)
  if (members?.[1]) return { endpoint: 'members', workspace: decodeURIComponent(members[1]) }
  const admins = /^\/2\.0\/workspaces\/([^/]+)\/permissions\/?$/.exec(pathname)
  if (admins?.[1]) return { endpoint: 'admins', workspace: decodeURIComponent(admins[1]) }
  const repository = /^\/2\.0\/workspaces\/([^/]+)\/permissions\/repositories\/([^/]+)\/?$/.exec(pathname)
  if (repository?.[1] && repository[2]) {
    return { endpoint: 'repository', workspace: decodeURIComponent(repository[1]), repository: decodeURIComponent(repository[2]) }
  }
  return undefined
}

function apiError(status: number, message: string, detail?: unknown): ListingResult {
  return {
    kind: 'error',
    status,
    contentType: 'application/json; charset=utf-8',
    body: JSON.stringify({ type: 'error', error: detail === undefined ? { message } : { message, detail } })
  }
}

/** The scope the member listing and `/permissions` need: `account` (OAuth) or `read:workspace:bitbucket`. */
function workspaceScopeError(credential: SimCredential): ListingResult | undefined {
  if (credential.kind === 'oauth-consumer' && !(credential.scopes ?? ['account']).includes('account')) {
    return apiError(403, SCOPES_TEXT, { required: ['account'], granted: credential.scopes })
  }
  if (credential.kind === 'api-token') {
    const scopes = credential.scopes ?? ['read:workspace:bitbucket']
    if (!scopes.includes('read:workspace:bitbucket') && !scopes.includes('admin:workspace:bitbucket')) {
      return apiError(403, SCOPES_TEXT, { required: ['read:workspace:bitbucket'], granted: scopes })
    }
  }
  return undefined
}

/** Whether an API token's account or an OAuth consumer's owner administers the workspace. */
function isAdmin(credential: SimApiToken | SimOAuthConsumer, workspace: SimWorkspace): boolean {
  return (credential.adminOf ?? [workspace.slug]).includes(workspace.slug)
}

interface Paging {
  readonly pagelen: number
  readonly page: number
}

/** `pagelen` (1..100, default 10) and `page` (from 1), or Bitbucket's 400. */
function pagingOf(url: URL): Paging | ListingResult {
  const pagelenText = url.searchParams.get('pagelen')
  const pagelen = pagelenText === null ? 10 : Number(pagelenText)
  if (!Number.isInteger(pagelen) || pagelen < 1 || pagelen > 100) return apiError(400, 'Invalid pagelen')
  const pageText = url.searchParams.get('page')
  const page = pageText === null ? 1 : Number(pageText)
  if (!Number.isInteger(page) || page < 1) return apiError(400, 'Invalid page')
  return { pagelen, page }
}

function baseOf(url: URL): string {
  return `${url.protocol}//${url.host}/2.0`
}

/** The same request with `page` set, every other parameter kept as it came. */
function withPage(url: URL, page: number): string {
  const query = url.search.replace(/^\?/, '')
  const parts = query === '' ? [] : query.split('&').filter((p) => !p.startsWith('page='))
  parts.push(`page=${page}`)
  return `${url.protocol}//${url.host}${url.pathname}?${parts.join('&')}`
}

function errorAnswer(status: number, message: string): PlainAnswer {
  return answer(status, 'application/json', JSON.stringify({ type: 'error', error: { message } }))
}
