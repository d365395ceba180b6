import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { close, listen, readBody } from './http.js'

/**
 * A local Atlassian organization admin API for tests, following ../shared/atlassian-admin-api/REFERENCE.md:
 * POST /admin/v2/orgs/{orgId}/directories/-/users/search with a Bearer organization API key, a JSON body
 * (`accountIds` filter, `limit`, `cursor`), `{data, links: {self, prev, next}}` answers with opaque
 * cursors, and both error body shapes. Scriptable faults answer with a status instead.
 */

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

  constructor(
    readonly orgId: string,
    readonly apiKey: string,
    users: OrgUser[],
    options: { pageSize?: number } = {}
  ) {
    this.users = users
    this.pageSize = options.pageSize ?? 50
  }

  get apiUrl(): string {
    const address = this.server?.address() as AddressInfo | null
    if (!address) throw new Error('organization simulator not started')
    return `http://127.0.0.1:${address.port}`
  }

  /** Search requests answered so far. */
  get requests(): number {
    return this.log.length
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        send(res, 500, { code: 500, message: `simulator error: ${String(error)}` })
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
    const text = await readBody(req)
    const body = parseJson(text)
    const authorization = req.headers.authorization ?? ''
    this.log.push({ path: url.pathname, authorization, body })
    const fault = this.faults.find((f) => f.times > 0)
    if (fault) {
      fault.times--
      res.writeHead(fault.status, { 'Content-Type': fault.contentType ?? 'application/json' })
      res.end(fault.body ?? JSON.stringify({ code: fault.status, message: 'Scripted failure' }))
      return
    }
    if (authorization !== `Bearer ${this.apiKey}`) {
      send(res, 401, { code: 401, message: 'Unauthorized; scope does not match' })
      return
    }
    const match = /^\/admin\/v2\/orgs\/([^/]+)\/directories\/([^/]+)\/users\/search$/.exec(url.pathname)
    if (req.method !== 'POST' || !match) {
      send(res, 404, { errors: [{ status: '404', code: 'NOT_FOUND', title: 'Not Found', detail: 'No such resource' }] })
      return
    }
    if (decodeURIComponent(match[1] ?? '') !== this.orgId) {
      send(res, 404, { errors: [{ status: '404', code: 'NOT_FOUND', title: 'Not Found', detail: 'Organization not found' }] })
      return
    }
    if (!/^application\/json/.test(req.headers['content-type'] ?? '') || typeof body !== 'object' || body === null) {
      send(res, 400, { code: 400, message: 'Expected a JSON body' })
      return
    }
    const { accountIds, limit, cursor } = body as { accountIds?: unknown; limit?: unknown; cursor?: unknown }
    if (accountIds !== undefined && (!Array.isArray(accountIds) || accountIds.length > 100)) {
      send(res, 400, { code: 400, message: 'accountIds: at most 100' })
      return
    }
    if (limit !== undefined && (typeof limit !== 'number' || limit < 1 || limit > 100)) {
      send(res, 400, { code: 400, message: 'limit: 1 to 100' })
      return
    }
    const wanted = Array.isArray(accountIds) ? new Set(accountIds) : null
    const matching = this.users.filter((u) => wanted === null || wanted.has(u.accountId))
    // Cursors are opaque to clients; this one carries the offset first (anything may follow it).
    const offset = typeof cursor === 'string' ? /^offset:(\d+)/.exec(Buffer.from(cursor, 'base64url').toString('utf8')) : null
    const start = typeof cursor !== 'string' ? 0 : offset ? Number(offset[1]) : Number.NaN
    if (!Number.isInteger(start) || start < 0) {
      send(res, 400, { code: 400, message: 'Invalid cursor' })
      return
    }
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
    const answer: Record<string, unknown> = { data, links: { self: typeof cursor === 'string' ? cursor : null, prev: null, next } }
    send(res, 200, this.rewrite ? this.rewrite(answer) : answer)
  }
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? null : (JSON.parse(text) as unknown)
  } catch {
    return text
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) })
  res.end(text)
}
