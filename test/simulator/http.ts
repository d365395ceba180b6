import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http'
import { NetworkError, type HttpResponse, type Transport, type WireRequest } from '../../src/http/transport.js'

/**
 * What the local servers (Bitbucket, the organization API, GitHub) share. Each simulator is a
 * `Handler`: a plain request in, a plain answer (or a fault) out. Two front ends serve it: a node:http
 * server on 127.0.0.1 (the client, end-to-end, bench and demo runs), and an in-memory `Transport` (the
 * in-process tests: the same seam the request core sends through, no sockets, no real waiting).
 */

/** A request as a simulator sees it, whichever front end brought it. */
export interface PlainRequest {
  readonly method: string
  /** Absolute: its origin is the one the client asked for (the Host header on a socket). */
  readonly url: URL
  /** Names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly body: string
}

/** What a simulator does with a request. */
export type PlainAnswer =
  | { readonly kind: 'answer'; readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly body: string }
  /** Drop the connection without answering. */
  | { readonly kind: 'reset' }
  /** Never answer: the client's own timeout ends the request. */
  | { readonly kind: 'hang' }
  /** Start the answer with its full Content-Length, send half of the body, then drop the connection. */
  | { readonly kind: 'cut'; readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly body: string }

/** How a simulator lets time pass: real timers behind a socket, turns of the event loop in memory. */
export interface ServeEnv {
  readonly sleep: (ms: number) => Promise<void>
}

export type Handler = (request: PlainRequest, env: ServeEnv) => Promise<PlainAnswer>

/** Counts requests in flight (from arrival to the end of the answer) and their peak, for both front ends. */
export class InFlight {
  private active = 0
  private top = 0

  get peak(): number {
    return this.top
  }

  /** A request arrived; returns its `done`, which counts it out once however often it is called. */
  enter(): () => void {
    this.active++
    this.top = Math.max(this.top, this.active)
    let done = false
    return () => {
      if (done) return
      done = true
      this.active--
    }
  }

  resetPeak(): void {
    this.top = this.active
  }
}

export function answer(status: number, contentType: string, body: string, headers: Readonly<Record<string, string>> = {}): PlainAnswer {
  return { kind: 'answer', status, headers: { 'Content-Type': contentType, ...headers }, body }
}

export function jsonAnswer(status: number, body: unknown): PlainAnswer {
  return answer(status, 'application/json', JSON.stringify(body))
}

// ---------------------------------------------------------------------------------------------------
// The socket front end

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'))
    })
    req.on('error', reject)
  })
}

/** Listens on 127.0.0.1 (`port` 0: any free one). */
export async function listen(server: Server, port = 0): Promise<Server> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return server
}

/** Closes every connection, then the server. */
export async function close(server: Server | null): Promise<void> {
  if (!server) return
  server.closeAllConnections()
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve()
    })
  })
}

const realSleep: ServeEnv = { sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) }

/**
 * A node:http request listener serving `handler`. The request's URL takes its origin from the Host
 * header, as a server behind any name would build its links.
 */
export function socketListener(handler: Handler, scheme: 'http' | 'https', inFlight: InFlight): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const done = inFlight.enter()
    res.on('close', done)
    res.on('finish', done)
    serveSocket(handler, scheme, req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { 'Content-Type': 'text/plain' }, `simulator error: ${String(error)}`)
    })
  }
}

async function serveSocket(handler: Handler, scheme: 'http' | 'https', req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req)
  const url = new URL(req.url ?? '/', `${scheme}://${req.headers.host ?? '127.0.0.1'}`)
  const result = await handler({ method: req.method ?? 'GET', url, headers: flatHeaders(req.headers), body }, realSleep)
  switch (result.kind) {
    case 'answer':
      send(res, result.status, result.headers, result.body)
      return
    case 'reset':
      req.socket.destroy()
      return
    case 'hang':
      return
    case 'cut':
      res.writeHead(result.status, { ...result.headers, 'Content-Length': Buffer.byteLength(result.body) })
      res.write(result.body.slice(0, Math.floor(result.body.length / 2)), () => req.socket.destroy())
      return
  }
}

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value
  return flat
}

function send(res: ServerResponse, status: number, headers: Readonly<Record<string, string>>, body: string): void {
  res.writeHead(status, { ...headers, 'Content-Length': Buffer.byteLength(body) })
  res.end(body)
}

// ---------------------------------------------------------------------------------------------------
// The in-memory front end

/** Resolves after `n` turns of the event loop: time in memory, ordered like real time, never waited for. */
export async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve))
}

const memorySleep: ServeEnv = { sleep: (ms) => turns(Math.max(1, Math.round(ms))) }

export const CANCELLED = 'the request was cancelled'
export const CUT_SHORT = 'the connection closed before the response was complete'

/**
 * `handler` as a Transport for requests to `origin()`: what the socket front end does, without a
 * socket. A request to any other origin is refused (ECONNREFUSED, as when nothing listens there). The
 * answer comes on a later turn of the event loop, so requests sent together are in flight together.
 * Faults: reset and cut reject ECONNRESET, hang rejects ETIMEDOUT at once (the client's timeout,
 * without the wait); an aborted signal rejects EABORTED.
 */
export function memoryTransport(origin: () => string, handler: Handler, inFlight: InFlight): Transport {
  return async (wire) => {
    if (wire.signal?.aborted === true) throw new NetworkError('EABORTED', CANCELLED)
    if (wire.url.origin !== origin()) throw new NetworkError('ECONNREFUSED', `connect ECONNREFUSED ${wire.url.host}`)
    const done = inFlight.enter()
    try {
      return await abortable(wire.signal, async () => {
        await turns(1)
        const result = await handler(plainRequest(wire), memorySleep)
        await turns(1)
        return responseOf(result)
      })
    } finally {
      done()
    }
  }
}

/** Routes each request to the in-memory server of its origin; nothing listens anywhere else. */
export function memoryNetwork(...servers: readonly { readonly origin: string; transport(): Transport }[]): Transport {
  const routes = servers.map((server) => ({ server, transport: server.transport() }))
  return (wire) => {
    const route = routes.find((r) => r.server.origin === wire.url.origin)
    if (route === undefined) return Promise.reject(new NetworkError('ECONNREFUSED', `connect ECONNREFUSED ${wire.url.host}`))
    return route.transport(wire)
  }
}

function plainRequest(wire: WireRequest): PlainRequest {
  const headers: Record<string, string> = { host: wire.url.host }
  for (const [name, value] of Object.entries(wire.headers)) headers[name.toLowerCase()] = value
  if (wire.body !== undefined) {
    headers['content-type'] = wire.body.contentType
    headers['content-length'] = String(Buffer.byteLength(wire.body.text))
  }
  return { method: wire.method, url: new URL(wire.url.href), headers, body: wire.body?.text ?? '' }
}

function responseOf(result: PlainAnswer): HttpResponse {
  switch (result.kind) {
    case 'reset':
      throw new NetworkError('ECONNRESET', 'socket hang up')
    case 'cut':
      throw new NetworkError('ECONNRESET', CUT_SHORT)
    case 'hang':
      throw new NetworkError('ETIMEDOUT', 'no complete answer within the timeout')
    case 'answer': {
      const headers: Record<string, string> = {}
      for (const [name, value] of Object.entries(result.headers)) headers[name.toLowerCase()] = value
      headers['content-length'] = String(Buffer.byteLength(result.body))
      const retryAfter = headers['retry-after'] ?? ''
      return {
        status: result.status,
        contentType: headers['content-type'] ?? '',
        retryAfter: retryAfter === '' ? null : retryAfter,
        headers,
        body: result.body
      }
    }
  }
}

async function abortable<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
  if (signal === undefined) return work()
  let stop: () => void = () => undefined
  const aborted = new Promise<never>((_, reject) => {
    stop = () => {
      reject(new NetworkError('EABORTED', CANCELLED))
    }
    signal.addEventListener('abort', stop, { once: true })
  })
  try {
    return await Promise.race([work(), aborted])
  } finally {
    signal.removeEventListener('abort', stop)
  }
}
