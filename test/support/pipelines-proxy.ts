import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { close, listen, readBody } from '../simulator/http.js'

/**
 * A fake of the Bitbucket Pipelines authenticating proxy (REFERENCE.md, Pipelines) on 127.0.0.1: an HTTP
 * forward proxy that takes absolute-form requests to http://api.bitbucket.org/… and answers them itself
 * with a Code Insights store, as Bitbucket would after the proxy added the step's authentication. It
 * records every request, refuses any that carries `Authorization` or `Proxy-Authorization` (the real
 * proxy authenticates the step; a client that sends its own credentials leaks them), and enforces
 * Bitbucket's limits: 100 annotations a request, 1,000 a report, 10 data items, a 450-character summary.
 */

export interface ProxiedRequest {
  readonly method: string
  /** The request line's target: the absolute URL for a proxy request. */
  readonly url: string
  readonly headers: IncomingHttpHeaders
  /** The JSON body, parsed; null for none; the raw text when it is not JSON. */
  readonly body: unknown
  /** The status the fake answered; null when it dropped the connection. */
  status: number | null
}

export interface StoredReport {
  readonly report: Record<string, unknown>
  /** In the order posted; an annotation posted again with the same `external_id` replaces the old one. */
  readonly annotations: Record<string, unknown>[]
}

/** A fault to inject: answer `status` (with `body`), or drop the connection, for `times` requests of `method`. */
export interface Fault {
  readonly method: string
  readonly status?: number
  readonly body?: string
  readonly contentType?: string
  readonly drop?: boolean
  /** How many requests it hits; default every one. */
  times?: number
  /** How many matching requests it lets through first; default none. */
  after?: number
}

const ORIGIN = 'http://api.bitbucket.org'
const REPORT_PATH = /^\/2\.0\/repositories\/([^/]+)\/([^/]+)\/commit\/([^/]+)\/reports\/([^/]+)(\/annotations)?$/
const DATA_TYPES: Readonly<Record<string, (value: unknown) => boolean>> = {
  BOOLEAN: (v) => typeof v === 'boolean',
  DATE: (v) => typeof v === 'number' && Number.isInteger(v),
  DURATION: (v) => typeof v === 'number',
  NUMBER: (v) => typeof v === 'number',
  PERCENTAGE: (v) => typeof v === 'number' && v >= 0 && v <= 100,
  TEXT: (v) => typeof v === 'string',
  LINK: (v) => typeof v === 'object' && v !== null
}

export class PipelinesProxy {
  readonly requests: ProxiedRequest[] = []
  /** Key: `workspace/slug@commit/id`, segments decoded. */
  readonly reports = new Map<string, StoredReport>()
  readonly faults: Fault[] = []
  private server: Server | null = null

  get url(): URL {
    return new URL(`http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`)
  }

  /** The stored report of a commit, or undefined. */
  report(repository: string, commit: string, id = 'bitbucket-2fa-gate'): StoredReport | undefined {
    return this.reports.get(`${repository}@${commit}/${id}`)
  }

  /** Answer `status` to the next `times` requests of `method` (default all of them). */
  fail(method: string, status: number, options: { times?: number; after?: number; body?: string; contentType?: string } = {}): void {
    this.faults.push({ method, status, ...options })
  }

  /** Drop the connection of the next `times` requests of `method` (default all of them). */
  drop(method: string, times?: number): void {
    this.faults.push({ method, drop: true, ...(times === undefined ? {} : { times }) })
  }

  /** On a free port, or on `port` (29418: where a step finds the real one, for the CLI's default). */
  async start(port = 0): Promise<this> {
    this.server = await listen(
      createServer((req, res) => {
        void readBody(req).then((text) => {
          const seen: ProxiedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: parse(text), status: null }
          this.requests.push(seen)
          // Refused before any fault: a test proves no credential is sent whatever else it injects.
          if (carriesCredentials(seen)) {
            reply(
              res,
              seen,
              403,
              JSON.stringify({ key: 'proxy.refused', message: 'This fake refuses requests that carry their own credentials.' }),
              'application/json'
            )
            return
          }
          let fault = this.faults.find((f) => f.method === seen.method && (f.times === undefined || f.times > 0))
          if (fault?.after !== undefined && fault.after > 0) {
            fault.after--
            fault = undefined
          }
          if (fault !== undefined) {
            if (fault.times !== undefined) fault.times--
            if (fault.drop === true) {
              req.socket.destroy()
              return
            }
            reply(res, seen, fault.status ?? 500, fault.body ?? '', fault.contentType ?? 'text/plain')
            return
          }
          const [status, body] = this.handle(seen)
          reply(res, seen, status, body === null ? '' : JSON.stringify(body), 'application/json')
        })
      }),
      port
    )
    return this
  }

  async stop(): Promise<void> {
    const server = this.server
    this.server = null
    await close(server)
  }

  private handle(request: ProxiedRequest): [number, unknown] {
    // Origin form (`PUT /2.0/…`) is a request to the proxy itself, not through it; https is a CONNECT,
    // which the real proxy does not offer for these calls.
    if (!request.url.startsWith(`${ORIGIN}/`))
      return [400, { key: 'proxy.not-absolute', message: `Not an absolute http://api.bitbucket.org URL: ${request.url}` }]
    const path = new URL(request.url).pathname
    const match = REPORT_PATH.exec(path)
    if (match === null) return [404, { key: 'proxy.unknown-path', message: 'Only Code Insights reports go through this proxy.' }]
    const [workspace = '', slug = '', commit = '', id = ''] = match.slice(1, 5).map((part) => decodeURIComponent(part))
    const annotations = match[5]
    const key = `${workspace}/${slug}@${commit}/${id}`
    const stored = this.reports.get(key)
    if (annotations === undefined) {
      switch (request.method) {
        case 'DELETE':
          if (stored === undefined) return [404, { key: 'report-service.report.not-found', message: 'No such report.' }]
          this.reports.delete(key)
          return [204, null]
        case 'PUT': {
          const problem = reportProblem(request.body)
          if (problem !== null) return [400, { key: 'report-service.general.bad-request', message: problem }]
          const report = request.body as Record<string, unknown>
          // A PUT replaces the report; whether Bitbucket keeps its annotations is not documented, so
          // the fake keeps them (the worse case for a client that does not DELETE first).
          this.reports.set(key, { report, annotations: stored?.annotations ?? [] })
          return [200, { ...report, uuid: '{report}' }]
        }
        case 'GET':
          return stored === undefined ? [404, { key: 'report-service.report.not-found', message: 'No such report.' }] : [200, stored.report]
        default:
          return [405, { key: 'proxy.method', message: 'Method not allowed.' }]
      }
    }
    if (request.method !== 'POST') return [405, { key: 'proxy.method', message: 'Method not allowed.' }]
    if (stored === undefined) return [404, { key: 'report-service.report.not-found', message: 'No such report.' }]
    if (!Array.isArray(request.body)) return [400, { key: 'report-service.general.bad-request', message: 'Annotations come as a JSON array.' }]
    const posted = request.body as unknown[]
    if (posted.length > 100) return [400, { key: 'report-service.general.bad-request', message: 'At most 100 annotations per request.' }]
    for (const item of posted) {
      const problem = annotationProblem(item)
      if (problem !== null) return [400, { key: 'report-service.general.bad-request', message: problem }]
    }
    const items = posted as Record<string, unknown>[]
    const ids = new Set(stored.annotations.map((a) => a.external_id))
    const added = new Set(items.map((a) => a.external_id).filter((id) => !ids.has(id))).size
    if (stored.annotations.length + added > 1000) return [400, { key: 'report-service.general.bad-request', message: 'At most 1000 annotations per report.' }]
    for (const item of items) {
      const at = stored.annotations.findIndex((a) => a.external_id === item.external_id)
      if (at === -1) stored.annotations.push(item)
      else stored.annotations[at] = item
    }
    return [200, items]
  }
}

/** Whether a request carries `Authorization` or `Proxy-Authorization`, which nothing on this leg may send. */
export function carriesCredentials(request: Pick<ProxiedRequest, 'headers'>): boolean {
  return request.headers.authorization !== undefined || request.headers['proxy-authorization'] !== undefined
}

function reply(res: ServerResponse, seen: ProxiedRequest, status: number, body: string, contentType: string): void {
  seen.status = status
  res.writeHead(status, status === 204 ? {} : { 'Content-Type': contentType }).end(status === 204 ? undefined : body)
}

function parse(text: string): unknown {
  if (text === '') return null
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function oneOf(value: unknown, allowed: readonly string[]): boolean {
  return typeof value === 'string' && allowed.includes(value)
}

function reportProblem(body: unknown): string | null {
  if (!isRecord(body)) return 'The report is a JSON object.'
  if (typeof body.title !== 'string' || body.title === '') return 'The title is required.'
  if (!oneOf(body.report_type, ['SECURITY', 'COVERAGE', 'TEST', 'BUG'])) return 'Unknown report_type.'
  if (body.result !== undefined && !oneOf(body.result, ['PASSED', 'FAILED', 'PENDING'])) return 'Unknown result.'
  const data = body.data ?? []
  if (!Array.isArray(data)) return 'data is an array.'
  if (data.length > 10) return 'A report has at most 10 data items.'
  for (const item of data as unknown[]) {
    if (!isRecord(item) || typeof item.title !== 'string') return 'A data item has a title.'
    const check = typeof item.type === 'string' ? DATA_TYPES[item.type] : undefined
    if (check === undefined || !check(item.value)) return `Data item ${item.title} has a bad type or value.`
  }
  return null
}

function annotationProblem(item: unknown): string | null {
  if (!isRecord(item)) return 'An annotation is a JSON object.'
  if (typeof item.external_id !== 'string' || item.external_id === '') return 'external_id is required.'
  if (!oneOf(item.annotation_type, ['VULNERABILITY', 'CODE_SMELL', 'BUG'])) return 'Unknown annotation_type.'
  if (typeof item.summary !== 'string' || item.summary === '') return 'summary is required.'
  if (item.summary.length > 450) return 'The summary field cannot contain more than 450 characters.'
  if (item.severity !== undefined && !oneOf(item.severity, ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'])) return 'Unknown severity.'
  if (item.result !== undefined && !oneOf(item.result, ['PASSED', 'FAILED', 'SKIPPED', 'IGNORED'])) return 'Unknown result.'
  return null
}
