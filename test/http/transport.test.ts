import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTransport, NetworkError, type WireRequest } from '../../src/http/transport.js'
import { ADMIN_EMAIL, ADMIN_TOKEN, adminCredential, compliantWorkspace, CONSUMER_KEY, CONSUMER_SECRET, consumerCredential } from '../simulator/fixtures.js'
import { BitbucketSimulator } from '../simulator/server.js'

/**
 * The transport below the seam, over real sockets to the simulator on 127.0.0.1: what only a socket
 * can show (a connection reset or cut short, the request timeout, the body cap, the socket cap, an
 * abort mid-request). Everything above the seam is tested on the in-memory transport.
 */

const BASIC = `Basic ${Buffer.from(`${ADMIN_EMAIL}:${ADMIN_TOKEN}`).toString('base64')}`
const sim = new BitbucketSimulator({ workspaces: [compliantWorkspace('acme', 900)], credentials: [adminCredential, consumerCredential] })
beforeAll(async () => {
  await sim.start()
})
afterAll(async () => {
  await sim.stop()
})
beforeEach(() => {
  sim.faults.length = 0
  sim.latencyMs = 0
  sim.resetStats()
})

const page = (n = 1): WireRequest => ({
  method: 'GET',
  url: new URL(`${sim.apiUrl}/workspaces/acme/members?pagelen=100&page=${n}`),
  headers: { Authorization: BASIC }
})
const failure = async (promise: Promise<unknown>): Promise<NetworkError> => {
  const error: unknown = await promise.catch((e: unknown) => e)
  expect(error).toBeInstanceOf(NetworkError)
  return error as NetworkError
}

describe('createTransport', () => {
  it('returns a complete answer: status, content type, headers in lower case, Retry-After', async () => {
    sim.faults.push({ action: { status: 503, contentType: 'text/plain', body: 'busy', headers: { 'Retry-After': '7', 'X-Thing': 'a' } } })
    const transport = createTransport({ timeoutMs: 2000 })
    const busy = await transport(page())
    expect(busy).toMatchObject({ status: 503, contentType: 'text/plain', retryAfter: '7', body: 'busy' })
    expect(busy.headers['x-thing']).toBe('a')
    expect(busy.headers['content-length']).toBe('4')
    const ok = await transport(page())
    expect(ok.status).toBe(200)
    expect(ok.retryAfter).toBeNull()
    expect((JSON.parse(ok.body) as { values: unknown[] }).values).toHaveLength(100)
  })

  it('sends a body with its content type and length', async () => {
    const response = await createTransport({ timeoutMs: 2000 })({
      method: 'POST',
      url: new URL(sim.tokenUrl),
      headers: { Authorization: `Basic ${Buffer.from(`${CONSUMER_KEY}:${CONSUMER_SECRET}`).toString('base64')}` },
      body: { contentType: 'application/x-www-form-urlencoded', text: 'grant_type=client_credentials' }
    })
    expect(response.status).toBe(200)
    expect(JSON.parse(response.body)).toMatchObject({ token_type: 'bearer' })
  })

  it('does not follow a redirect: the 3xx comes back as it is', async () => {
    sim.faults.push({ action: { status: 302, body: '', headers: { Location: 'https://elsewhere.example/2.0' } } })
    const response = await createTransport({ timeoutMs: 2000 })(page())
    expect(response.status).toBe(302)
    expect(response.headers.location).toBe('https://elsewhere.example/2.0')
    expect(sim.log).toHaveLength(1)
  })

  it('rejects ECONNRESET when the connection drops before any answer', async () => {
    sim.faults.push({ action: { reset: true } })
    expect((await failure(createTransport({ timeoutMs: 2000 })(page()))).code).toBe('ECONNRESET')
  })

  it('rejects when the answer is cut short of its Content-Length: an incomplete body is no answer', async () => {
    sim.faults.push({ action: { cut: true } })
    const error = await failure(createTransport({ timeoutMs: 2000 })(page()))
    expect(error.code).toBe('ECONNRESET')
  })

  it('rejects ETIMEDOUT when no answer comes within the timeout', async () => {
    sim.faults.push({ action: { hang: true } })
    const error = await failure(createTransport({ timeoutMs: 150 })(page()))
    expect(error).toMatchObject({ code: 'ETIMEDOUT', message: 'no complete answer within 150 ms' })
  })

  it('takes a body at the cap whole', async () => {
    const size = Buffer.byteLength((await createTransport({ timeoutMs: 2000 })(page())).body)
    const atCap = await createTransport({ timeoutMs: 2000, maxBodyBytes: size })(page())
    expect(atCap.status).toBe(200)
    expect(Buffer.byteLength(atCap.body)).toBe(size)
  })

  // Past the cap the answer is refused, never resolved as a 200 with a cut body, and no error escapes.
  it('rejects EBODYTOOLARGE past the body cap', async () => {
    const size = Buffer.byteLength((await createTransport({ timeoutMs: 2000 })(page())).body)
    const error = await failure(createTransport({ timeoutMs: 2000, maxBodyBytes: size - 1 })(page()))
    expect(error).toMatchObject({ code: 'EBODYTOOLARGE', message: `the response body exceeded ${size - 1} bytes` })
  })

  it('rejects EABORTED when the signal aborts mid-request, and sends nothing when it aborted before', async () => {
    sim.latencyMs = 5000
    const controller = new AbortController()
    const pending = failure(createTransport({ timeoutMs: 10_000 })({ ...page(), signal: controller.signal }))
    while (sim.requests === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    controller.abort()
    expect((await pending).code).toBe('EABORTED')
    sim.resetStats()
    const before = await failure(createTransport({ timeoutMs: 2000 })({ ...page(), signal: controller.signal }))
    expect(before.code).toBe('EABORTED')
    expect(sim.requests).toBe(0)
  })

  it('rejects ECONNREFUSED where nothing listens', async () => {
    const error = await failure(createTransport({ timeoutMs: 2000 })({ method: 'GET', url: new URL('http://127.0.0.1:1/2.0'), headers: {} }))
    expect(error).toMatchObject({ code: 'ECONNREFUSED', message: 'network error ECONNREFUSED' })
  })

  it('keeps at most maxSockets connections to a host', async () => {
    sim.latencyMs = 20
    const transport = createTransport({ timeoutMs: 5000, maxSockets: 3 })
    await Promise.all(Array.from({ length: 9 }, (_, i) => transport(page(i + 1))))
    expect(sim.requests).toBe(9)
    expect(sim.maxInFlight).toBe(3)
  })
})
