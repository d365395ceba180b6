import * as http from 'node:http'
import * as https from 'node:https'
import { HttpClient } from '@actions/http-client'

export interface HttpResponse {
  readonly status: number
  readonly contentType: string
  readonly retryAfter: string | null
  readonly body: string
}

/** What a POST sends: an OAuth grant's form, a search's JSON. */
export interface RequestBody {
  readonly contentType: string
  readonly text: string
}

/** One request: a GET, or a POST of `body`. Rejects with a NetworkError when no HTTP answer arrives. */
export type Transport = (url: string, headers: Readonly<Record<string, string>>, body?: RequestBody) => Promise<HttpResponse>

/** No HTTP answer: refused, reset, timed out, DNS, TLS. Safe to retry. */
export class NetworkError extends Error {
  readonly code: string

  constructor(code: string, message: string) {
    super(message)
    this.name = 'NetworkError'
    this.code = code
  }
}

/** Upper bound on a response body; a members page is a few tens of KiB. */
const MAX_BODY_BYTES = 16 * 1024 * 1024

export interface TransportOptions {
  /** Whole-request deadline: connect, headers and body. */
  readonly timeoutMs: number
  readonly maxSockets?: number
}

/**
 * GET or POST over node:http(s) with the runner's own proxy rules (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) through
 * @actions/http-client's agent. Redirects are not followed: a redirect must not carry our credentials.
 */
export function createTransport(options: TransportOptions): Transport {
  const agents = new HttpClient('bitbucket-2fa-gate', [], {
    keepAlive: true,
    maxSockets: options.maxSockets ?? 8
  })
  const maxBody = MAX_BODY_BYTES
  return (url, headers, body) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const target = new URL(url)
      const send = target.protocol === 'https:' ? https.request : http.request
      const method = body === undefined ? 'GET' : 'POST'
      const sent = body === undefined ? headers : { ...headers, 'Content-Type': body.contentType, 'Content-Length': String(Buffer.byteLength(body.text)) }
      const request = send(target, { method, headers: sent, agent: agents.getAgent(url) }, (response) => {
        const chunks: Buffer[] = []
        let size = 0
        response.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > maxBody) {
            request.destroy(new NetworkError('EBODYTOOLARGE', `the response body exceeded ${maxBody} bytes`))
            return
          }
          chunks.push(chunk)
        })
        response.on('error', (error) => {
          fail(error)
        })
        response.on('aborted', () => {
          fail(new NetworkError('ECONNRESET', 'the connection closed before the response was complete'))
        })
        response.on('end', () => {
          if (!response.complete) {
            fail(new NetworkError('ECONNRESET', 'the connection closed before the response was complete'))
            return
          }
          clearTimeout(timer)
          resolve({
            status: response.statusCode ?? 0,
            contentType: headerValue(response.headers['content-type']),
            retryAfter: headerValue(response.headers['retry-after']) || null,
            body: Buffer.concat(chunks).toString('utf8')
          })
        })
      })
      const timer = setTimeout(() => {
        request.destroy(new NetworkError('ETIMEDOUT', `no complete answer within ${options.timeoutMs} ms`))
      }, options.timeoutMs)
      request.on('error', fail)
      request.end(body?.text)

      function fail(error: unknown): void {
        clearTimeout(timer)
        reject(asNetworkError(error))
      }
    })
}

function headerValue(value: string | string[] | undefined): string {
  if (Array.isArray(value)) return value.join(', ')
  return value ?? ''
}

function asNetworkError(error: unknown): NetworkError {
  if (error instanceof NetworkError) return error
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'ENETWORK'
  // Node's messages name only host and port, never headers; keep just the code to be sure.
  return new NetworkError(code, `network error ${code}`)
}
