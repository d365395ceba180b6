import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Transport } from '../../src/http/transport.js'
import { answer, close, InFlight, jsonAnswer, listen, memoryTransport, socketListener, type Handler } from './http.js'

/**
 * A local Atlassian organization admin API for tests, following ../shared/atlassian-admin-api/REFERENCE.md:
 * POST /admin/v2/orgs/{orgId}/directories/-/users/search with a Bearer organization API key, a JSON body
 * (`accountIds` filter, `limit`, `cursor`), `{data, links: {self, prev, next}}` answers with opaque
 * cursors, and both error body shapes. Scriptable faults answer with a status instead. Served on a
 * socket after `start()`, or in memory through `transport()`.
 */

/** Where an in-memory organization simulator answers. */
export const ORG_MEMORY_ORIGIN = 'http://atlassian.test'

export interface OrgUser {
  readonly accountId: string
  readonly name?: string
  readonly accountType?: 'atlassian' | 'customer' | 'app'
  readonly claimStatus?: 'managed' | 'unmanaged'
  /** Left out when undefined (absent = unknown). */
  readonly mfaEnabled?: boolean | string | null
}

export interface OrgRequest {
  readonly path: string
  readonly authorization: string
  readonly body: unknown
}

export interface OrgFault {
  times: number
  readonly status: number
  readonly body?: string
  readonly contentType?: string
}

export class AtlassianOrgSimulator {
  readonly users: OrgUser[]
  readonly log: OrgRequest[] = []
  readonly faults: OrgFault[] = []
  /** Users per page at most (the API's own page size may be below the `limit` asked for). */
  pageSize: number
  /** Rewrite an answer before it is sent (a malformed page, a looping cursor). */
  rewrite: ((body: Record<string, unknown>) => unknown) | null = null
  private server: Server | null = null
  private readonly memoryOrigin: string
  private readonly inFlight = new InFlight()

  constructor(
    readonly orgId: string,
    readonly apiKey: string,
    users: OrgUser[],
    options: { pageSize?: number; memoryOrigin?: string } = {}
  ) {
    this.users = users
    this.pageSize = options.pageSize ?? 50
    this.memoryOrigin = new URL(options.memoryOrigin ?? ORG_MEMORY_ORIGIN).origin
  }

  /** Once started, its socket on 127.0.0.1; before, the in-memory origin that `transport()` serves. */
  get origin(): string {
    const address = this.server?.address() as AddressInfo | null | undefined
    return address ? `http://127.0.0.1:${address.port}` : this.memoryOrigin
  }

  get apiUrl(): string {
    return this.origin
  }

  /** Search requests answered so far. */
  get requests(): number {
    return this.log.length
  }

  /** The most requests in flight at once so far. */
  get maxInFlight(): number {
    return this.inFlight.peak
  }

  async start(): Promise<this> {
    this.server = await listen(createServer(socketListener(this.serve, 'http', this.inFlight)))
    return this
  }

  async stop(): Promise<void> {
    const server = this.server
    this.server = null
    await close(server)
  }

  /** The same simulator in memory: a Transport for requests to `origin`. */
  transport(): Transport {
    return memoryTransport(() => this.origin, this.serve, this.inFlight)
  }

  readonly serve: Handler = (req) => {
    const { url } = req
    const body = parseJson(req.body)
    const authorization = req.headers.authorization ?? ''
    this.log.push({ path: url.pathname, authorization, body })
    const fault = this.faults.find((f) => f.times > 0)
    if (fault) {
      fault.times--
      return Promise.resolve(
        answer(fault.status, fault.contentType ?? 'application/json', fault.body ?? JSON.stringify({ code: fault.status, message: 'Scripted failure' }))
      )
    }
    return Promise.resolve(this.search(req.method, url, authorization, req.headers['content-type'] ?? '', body))
  }

  private search(method: string, url: URL, authorization: string, contentType: string, body: unknown) {
    if (authorization !== `Bearer ${this.apiKey}`) return jsonAnswer(401, { code: 401, message: 'Unauthorized; scope does not match' })
    const match = /^\/admin\/v2\/orgs\/([^/]+)\/directories\/([^/]+)\/users\/search$/.exec(url.pathname)
    if (method !== 'POST' || !match) {
      return jsonAnswer(404, { errors: [{ status: '404', code: 'NOT_FOUND', title: 'Not Found', detail: 'No such resource' }] })
    }
    if (decodeURIComponent(match[1] ?? '') !== this.orgId) {
      return jsonAnswer(404, { errors: [{ status: '404', code: 'NOT_FOUND', title: 'Not Found', detail: 'Organization not found' }] })
    }
    if (!/^application\/json/.test(contentType) || typeof body !== 'object' || body === null) {
      return jsonAnswer(400, { code: 400, message: 'Expected a JSON body' })
    }
    const { accountIds, limit, cursor } = body as { accountIds?: unknown; limit?: unknown; cursor?: unknown }
    if (accountIds !== undefined && (!Array.isArray(accountIds) || accountIds.length > 100)) {
      return jsonAnswer(400, { code: 400, message: 'accountIds: at most 100' })
    }
    if (limit !== undefined && (typeof limit !== 'number' || limit < 1 || limit > 100)) {
      return jsonAnswer(400, { code: 400, message: 'limit: 1 to 100' })
    }
    const wanted = Array.isArray(accountIds) ? new Set(accountIds) : null
    const matching = this.users.filter((u) => wanted === null || wanted.has(u.accountId))
    // Cursors are opaque to clients; this one carries the offset first (anything may follow it).
    const offset = typeof cursor === 'string' ? /^offset:(\d+)/.exec(Buffer.from(cursor, 'base64url').toString('utf8')) : null
    const start = typeof cursor !== 'string' ? 0 : offset ? Number(offset[1]) : Number.NaN
    if (!Number.isInteger(start) || start < 0) return jsonAnswer(400, { code: 400, message: 'Invalid cursor' })
    const size = Math.min(typeof limit === 'number' ? limit : 50, this.pageSize)
    const data = matching.slice(start, start + size).map((u) => ({
      accountId: u.accountId,
      accountType: u.accountType ?? 'atlassian',
      name: u.name ?? `User ${u.accountId}`,
      email: `${u.accountId.replace(/[^a-z0-9]/gi, '')}@example.com`,
      claimStatus: u.claimStatus ?? 'managed',
      accountStatus: 'active',
      ...(u.mfaEnabled === undefined ? {} : { mfaEnabled: u.mfaEnabled })
    }))
    const next = start + size < matching.length ? Buffer.from(`offset:${start + size}`).toString('base64url') : null
    const page: Record<string, unknown> = { data, links: { self: typeof cursor === 'string' ? cursor : null, prev: null, next } }
    return jsonAnswer(200, this.rewrite ? this.rewrite(page) : page)
  }
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? null : (JSON.parse(text) as unknown)
  } catch {
    return text
  }
}
