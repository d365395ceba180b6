import * as http from 'node:http'
import * as https from 'node:https'
import { HttpClient } from '@actions/http-client'

/**
 * The seam under the request core: bytes on a socket and nothing else. Above it (`request.ts`) sit the
 * origin lock, the redirect refusal and the error mapping, as plain code that tests drive through an
 * in-memory transport; below it, only sockets, agents, the deadline of one request and byte counting.
 */

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/** What a POST, PUT or PATCH sends: an OAuth grant's form, a search's JSON, an issue's JSON. */
export interface RequestBody {
  readonly contentType: string
  readonly text: string
}

/** One request as it goes on the wire. Headers are final: the core has added the credential, if any. */
export interface WireRequest {
  readonly method: Method
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
  readonly body?: RequestBody
  /**
   * An HTTP forward proxy to send this request through in absolute form (`PUT http://host/path` to the
   * proxy), ignoring HTTP(S)_PROXY and NO_PROXY. Only for requests that carry no credential.
   */
  readonly proxy?: URL
  /** Aborts the request (the run's deadline): it then rejects with a NetworkError `EABORTED`. */
  readonly signal?: AbortSignal
}

export interface HttpResponse {
  readonly status: number
  readonly contentType: string
  readonly retryAfter: string | null
  /** Every response header, names in lower case, repeated headers joined by ", ". */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** One request, answered in whole. Rejects with a NetworkError when no complete HTTP answer arrives. */
export type Transport = (request: WireRequest) => Promise<HttpResponse>

/** No complete HTTP answer: refused, reset, timed out, cut short, too large, DNS, TLS. Safe to retry. */
export class NetworkError extends Error {
  readonly code: string

  constructor(code: string, message: string) {
    super(message)
    this.name = 'NetworkError'
    this.code = code
  }
}

/** Upper bound on a response body; a members page is a few tens of KiB, an issues page a few hundred. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024

export interface TransportOptions {
  /** Whole-request deadline: connect, headers and body. */
  readonly timeoutMs: number
  readonly maxSockets?: number
  /** Upper bound on a body; default MAX_BODY_BYTES. */
  readonly maxBodyBytes?: number
}

/**
 * Requests over node:http(s) with the runner's own proxy rules (HTTPS_PROXY, HTTP_PROXY, NO_PROXY)
 * through @actions/http-client's agents, or through an explicitly given forward proxy. Redirects are
 * never followed here (node:http does not): the core refuses them.
 */
export function createTransport(options: TransportOptions): Transport {
  // One client per scheme: @actions/http-client keeps a single proxy agent per client, made for the
  // scheme of the first request (a TLS tunnel for https), which a plain http target must not reuse.
  const clients = { https: proxyAgents(options), http: proxyAgents(options) }
  // Requests through an explicit proxy use their own agent: never the runner's proxy, never a tunnel.
  const direct = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 8 })
  const maxBody = options.maxBodyBytes ?? MAX_BODY_BYTES
  return (wire) =>
    new Promise<HttpResponse>((resolve, reject) => {
      if (wire.signal?.aborted === true) {
        reject(new NetworkError('EABORTED', 'the request was cancelled'))
        return
      }
      const headers: Record<string, string> = { ...wire.headers }
      if (wire.body !== undefined) {
        headers['Content-Type'] = wire.body.contentType
        headers['Content-Length'] = String(Buffer.byteLength(wire.body.text))
      } else if (wire.method !== 'GET' && wire.method !== 'DELETE') {
        headers['Content-Length'] = '0'
      }
      const request =
        wire.proxy === undefined
          ? (wire.url.protocol === 'https:' ? https.request : http.request)(wire.url, {
              method: wire.method,
              headers,
              agent: (wire.url.protocol === 'https:' ? clients.https : clients.http).getAgent(wire.url.href)
            })
          : http.request({
              host: wire.proxy.hostname.replace(/^\[|\]$/g, ''),
              port: wire.proxy.port === '' ? 80 : Number(wire.proxy.port),
              method: wire.method,
              // Absolute form: the proxy reads the target from the request line.
              path: wire.url.href,
              headers: { ...headers, Host: wire.url.host },
              agent: direct
            })
      request.on('response', (response) => {
        const chunks: Buffer[] = []
        let size = 0
        let tooLarge = false
        // Past the cap the answer is dropped, never resolved: reject once, then end the socket without an
        // error event (it may be back in the keep-alive pool already, where an error would go unhandled).
        const refuse = (): void => {
          tooLarge = true
          chunks.length = 0
          fail(new NetworkError('EBODYTOOLARGE', `the response body exceeded ${maxBody} bytes`))
          response.destroy()
          request.destroy()
        }
        const declared = Number(headerValue(response.headers['content-length']))
        if (Number.isFinite(declared) && declared > maxBody) {
          refuse()
          return
        }
        response.on('data', (chunk: Buffer) => {
          if (tooLarge) return
          size += chunk.length
          if (size > maxBody) {
            refuse()
            return
          }
          chunks.push(chunk)
        })
        response.on('error', fail)
        response.on('aborted', () => {
          fail(new NetworkError('ECONNRESET', 'the connection closed before the response was complete'))
        })
        response.on('end', () => {
          if (tooLarge) return
          if (!response.complete) {
            fail(new NetworkError('ECONNRESET', 'the connection closed before the response was complete'))
            return
          }
          settle()
          resolve({
            status: response.statusCode ?? 0,
            contentType: headerValue(response.headers['content-type']),
            retryAfter: headerValue(response.headers['retry-after']) || null,
            headers: headersOf(response.headers),
            body: Buffer.concat(chunks).toString('utf8')
          })
        })
      })
      const timer = setTimeout(() => {
        request.destroy(new NetworkError('ETIMEDOUT', `no complete answer within ${options.timeoutMs} ms`))
      }, options.timeoutMs)
      const abort = (): void => {
        request.destroy(new NetworkError('EABORTED', 'the request was cancelled'))
      }
      wire.signal?.addEventListener('abort', abort, { once: true })
      request.on('error', fail)
      request.end(wire.body?.text)

      function settle(): void {
        clearTimeout(timer)
        wire.signal?.removeEventListener('abort', abort)
      }

      function fail(error: unknown): void {
        settle()
        reject(asNetworkError(error))
      }
    })
}

function proxyAgents(options: TransportOptions): HttpClient {
  return new HttpClient('bitbucket-2fa-gate', [], { keepAlive: true, maxSockets: options.maxSockets ?? 8 })
}

function headerValue(value: string | string[] | undefined): string {
  if (Array.isArray(value)) return value.join(', ')
  return value ?? ''
}

function headersOf(headers: http.IncomingHttpHeaders): Record<string, string> {
  const all: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) all[name.toLowerCase()] = headerValue(value)
  return all
}

function asNetworkError(error: unknown): NetworkError {
  if (error instanceof NetworkError) return error
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'ENETWORK'
  // Node's messages name only host and port, never headers; keep just the code to be sure.
  return new NetworkError(code, `network error ${code}`)
}
