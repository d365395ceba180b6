import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sendRequest } from '../../src/http/request.js'
import { createTransport } from '../../src/http/transport.js'
import { close, listen, readBody } from '../simulator/http.js'

/**
 * The credential-free request class (Code Insights from a Pipelines step): sent to an explicitly given
 * HTTP forward proxy in absolute form, whatever HTTP(S)_PROXY says, with no Authorization.
 */
interface Seen {
  readonly method: string
  readonly target: string
  readonly headers: IncomingMessage['headers']
  readonly body: string
}

let proxy: Server
const seen: Seen[] = []
const proxyUrl = (): URL => new URL(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`)

beforeAll(async () => {
  proxy = await listen(
    createServer((req, res) => {
      void readBody(req).then((body) => {
        seen.push({ method: req.method ?? '', target: req.url ?? '', headers: req.headers, body })
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"uuid":"{report}"}')
      })
    })
  )
})
afterAll(async () => {
  await close(proxy)
})

describe('a request through an explicit forward proxy', () => {
  it('goes to the proxy in absolute form, with its body and no Authorization, ignoring HTTP(S)_PROXY', async () => {
    const saved = { http: process.env.HTTP_PROXY, https: process.env.HTTPS_PROXY }
    // A runner proxy that does not exist: a request that used it would fail.
    process.env.HTTP_PROXY = 'http://127.0.0.1:9'
    process.env.HTTPS_PROXY = 'http://127.0.0.1:9'
    try {
      const transport = createTransport({ timeoutMs: 2000 })
      const target = 'http://api.bitbucket.org/2.0/repositories/acme/app/commit/0123abc/reports/bb2fa'
      const answer = await sendRequest(transport, {
        method: 'PUT',
        url: target,
        headers: { Accept: 'application/json' },
        body: { contentType: 'application/json', text: '{"title":"2FA"}' },
        credential: null,
        proxy: proxyUrl(),
        service: { name: 'Bitbucket Code Insights', urlInput: 'code-insights-proxy' }
      })
      expect(answer.status).toBe(200)
      expect(answer.headers['content-type']).toBe('application/json')
      const [request] = seen
      expect(request?.method).toBe('PUT')
      expect(request?.target).toBe(target)
      expect(request?.headers.host).toBe('api.bitbucket.org')
      expect(request?.headers.authorization).toBeUndefined()
      expect(request?.headers['proxy-authorization']).toBeUndefined()
      expect(request?.headers['content-type']).toBe('application/json')
      expect(request?.body).toBe('{"title":"2FA"}')
    } finally {
      if (saved.http === undefined) delete process.env.HTTP_PROXY
      else process.env.HTTP_PROXY = saved.http
      if (saved.https === undefined) delete process.env.HTTPS_PROXY
      else process.env.HTTPS_PROXY = saved.https
    }
  })

  it('sends a DELETE without a body', async () => {
    seen.length = 0
    const transport = createTransport({ timeoutMs: 2000 })
    await sendRequest(transport, {
      method: 'DELETE',
      url: 'http://api.bitbucket.org/2.0/repositories/acme/app/commit/0123abc/reports/bb2fa',
      credential: null,
      proxy: proxyUrl(),
      service: { name: 'Bitbucket Code Insights', urlInput: 'code-insights-proxy' }
    })
    expect(seen[0]?.method).toBe('DELETE')
    expect(seen[0]?.body).toBe('')
  })
})
