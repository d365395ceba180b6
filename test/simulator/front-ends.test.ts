import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTransport, NetworkError, type HttpResponse, type Transport, type WireRequest } from '../../src/http/transport.js'
import { AtlassianOrgSimulator } from './atlassian.js'
import { ADMIN_EMAIL, ADMIN_TOKEN, adminCredential, compliantWorkspace, CONSUMER_KEY, CONSUMER_SECRET, consumerCredential } from './fixtures.js'
import { memoryNetwork } from './http.js'
import { BitbucketSimulator, type FaultAction } from './server.js'

/**
 * The simulators' two front ends serve one handler: what a client gets through the in-memory transport
 * is what it gets over a socket from the same simulator, faults included (as the client sees them).
 */

const BASIC = `Basic ${Buffer.from(`${ADMIN_EMAIL}:${ADMIN_TOKEN}`).toString('base64')}`
const HEADERS = { Authorization: BASIC, Accept: 'application/json' }
const sockets = createTransport({ timeoutMs: 300 })

const socketSim = new BitbucketSimulator({ workspaces: [compliantWorkspace('acme', 250)], credentials: [adminCredential, consumerCredential] })
const memorySim = new BitbucketSimulator({ workspaces: [compliantWorkspace('acme', 250)], credentials: [adminCredential, consumerCredential] })
beforeAll(async () => {
  await socketSim.start()
})
afterAll(async () => {
  await socketSim.stop()
})

const get = (url: string, headers: Record<string, string> = HEADERS): WireRequest => ({ method: 'GET', url: new URL(url), headers })
const page = (sim: BitbucketSimulator, n: number) => `${sim.apiUrl}/workspaces/acme/members?pagelen=100&page=${n}`

/** Both answers with each simulator's origin written as ORIGIN, so they compare. */
async function both(request: (sim: BitbucketSimulator) => WireRequest, fault?: FaultAction): Promise<[HttpResponse, HttpResponse]> {
  const ask = async (sim: BitbucketSimulator, transport: Transport): Promise<HttpResponse> => {
    sim.faults.length = 0
    if (fault) sim.faults.push({ action: fault })
    return asked(sim, await transport(request(sim)))
  }
  return [await ask(socketSim, sockets), await ask(memorySim, memorySim.transport())]
}

/** The answer with the simulator's origin written as ORIGIN, and whether its Content-Length was right. */
function asked(sim: { readonly origin: string }, response: HttpResponse): HttpResponse {
  const lengthRight = response.headers['content-length'] === undefined || response.headers['content-length'] === String(Buffer.byteLength(response.body))
  return { ...response, body: response.body.split(sim.origin).join('ORIGIN'), headers: { ...response.headers, 'x-length-right': String(lengthRight) } }
}

const comparable = ({ status, contentType, retryAfter, body, headers }: HttpResponse) => ({
  status,
  contentType,
  retryAfter,
  body,
  lengthRight: headers['x-length-right'],
  extra: headers['x-extra']
})

describe('the in-memory front end', () => {
  it('answers a page as the socket does, its links on the origin asked', async () => {
    const [socket, memory] = await both((sim) => get(page(sim, 2)))
    expect(comparable(memory)).toEqual(comparable(socket))
    expect(memory.status).toBe(200)
    const body = JSON.parse(memory.body) as { next: string; values: unknown[] }
    expect(body.values).toHaveLength(100)
    expect(body.next).toBe('ORIGIN/2.0/workspaces/acme/members?pagelen=100&page=3')
    expect(memorySim.apiUrl).toBe('http://bitbucket.test/2.0')
  })

  it.each<[string, FaultAction]>([
    ['a scripted status with headers', { status: 503, contentType: 'text/plain', body: 'busy', headers: { 'Retry-After': '3', 'X-Extra': 'yes' } }],
    ['a truncated page', { truncate: true }],
    ['an error of the API', { rewrite: () => ({}) }]
  ])('answers %s as the socket does', async (_, fault) => {
    const [socket, memory] = await both((sim) => get(page(sim, 1)), fault)
    expect(comparable(memory)).toEqual(comparable(socket))
  })

  it('refuses a bad credential as the socket does', async () => {
    const [socket, memory] = await both((sim) => get(page(sim, 1), { Authorization: 'Basic eDp5' }))
    expect(memory.status).toBe(401)
    expect(comparable(memory)).toEqual(comparable(socket))
  })

  it.each<[string, FaultAction, string]>([
    ['reset', { reset: true }, 'ECONNRESET'],
    ['cut', { cut: true }, 'ECONNRESET'],
    ['hang', { hang: true }, 'ETIMEDOUT']
  ])('fails a %s as the socket transport does', async (_, fault, code) => {
    for (const [sim, transport] of [
      [socketSim, sockets],
      [memorySim, memorySim.transport()]
    ] as const) {
      sim.faults.length = 0
      sim.faults.push({ action: fault })
      const error: unknown = await transport(get(page(sim, 1))).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(NetworkError)
      expect((error as NetworkError).code).toBe(code)
    }
  })

  it('buys an OAuth token with a form body', async () => {
    const basic = `Basic ${Buffer.from(`${CONSUMER_KEY}:${CONSUMER_SECRET}`).toString('base64')}`
    memorySim.faults.length = 0
    const response = await memorySim.transport()({
      method: 'POST',
      url: new URL(memorySim.tokenUrl),
      headers: { Authorization: basic },
      body: { contentType: 'application/x-www-form-urlencoded', text: 'grant_type=client_credentials' }
    })
    expect(response.status).toBe(200)
    expect(JSON.parse(response.body)).toMatchObject({ token_type: 'bearer', scopes: 'account' })
    const wrongForm = await memorySim.transport()({
      method: 'POST',
      url: new URL(memorySim.tokenUrl),
      headers: { Authorization: basic },
      body: { contentType: 'application/json', text: '{}' }
    })
    expect(JSON.parse(wrongForm.body)).toEqual({ error_description: 'Expected a form body', error: 'invalid_request' })
  })

  it('refuses another origin, and an aborted request, without serving it', async () => {
    const memory = new BitbucketSimulator({ workspaces: [compliantWorkspace('acme', 1)], credentials: [adminCredential] })
    const refused: unknown = await memory
      .transport()(get('http://127.0.0.1:1/2.0/workspaces/acme/members'))
      .catch((e: unknown) => e)
    expect(refused).toMatchObject({ name: 'NetworkError', code: 'ECONNREFUSED' })
    const controller = new AbortController()
    controller.abort()
    const aborted: unknown = await memory
      .transport()({ ...get(page(memory, 1)), signal: controller.signal })
      .catch((e: unknown) => e)
    expect(aborted).toMatchObject({ name: 'NetworkError', code: 'EABORTED' })
    expect(memory.log).toEqual([])
  })

  it('stops waiting on an answer when its signal aborts', async () => {
    const memory = new BitbucketSimulator({ workspaces: [compliantWorkspace('acme', 1)], credentials: [adminCredential], latencyMs: 1_000_000 })
    const controller = new AbortController()
    const pending = memory
      .transport()({ ...get(page(memory, 1)), signal: controller.signal })
      .catch((e: unknown) => e)
    await new Promise((resolve) => setImmediate(resolve))
    controller.abort()
    expect(await pending).toMatchObject({ name: 'NetworkError', code: 'EABORTED' })
    expect(memory.maxInFlight).toBe(1)
  })

  it('keeps requests sent together in flight together, and orders delays like time', async () => {
    const memory = new BitbucketSimulator({
      workspaces: [compliantWorkspace('acme', 900)],
      credentials: [adminCredential],
      faults: [
        { when: (r) => r.page === 2, action: { delayMs: 40 } },
        { when: (r) => r.page === 3, action: { delayMs: 20 } }
      ]
    })
    const transport = memory.transport()
    const arrived: number[] = []
    await Promise.all([2, 3, 4].map((n) => transport(get(page(memory, n))).then(() => arrived.push(n))))
    expect(arrived).toEqual([4, 3, 2])
    expect(memory.maxInFlight).toBe(3)
    memory.resetStats()
    expect(memory.maxInFlight).toBe(0)
    await Promise.all(Array.from({ length: 8 }, (_, i) => transport(get(page(memory, i + 1)))))
    expect(memory.maxInFlight).toBe(8)
    expect(memory.requests).toBe(8)
  })
})

describe('the organization simulator in memory', () => {
  const socketOrg = new AtlassianOrgSimulator('org-1', 'org-key', [{ accountId: 'a', mfaEnabled: true }])
  const memoryOrg = new AtlassianOrgSimulator('org-1', 'org-key', [{ accountId: 'a', mfaEnabled: true }])
  beforeAll(async () => {
    await socketOrg.start()
  })
  afterAll(async () => {
    await socketOrg.stop()
  })
  const search = (org: AtlassianOrgSimulator, key = 'org-key'): WireRequest => ({
    method: 'POST',
    url: new URL(`${org.apiUrl}/admin/v2/orgs/org-1/directories/-/users/search`),
    headers: { Authorization: `Bearer ${key}` },
    body: { contentType: 'application/json', text: JSON.stringify({ accountIds: ['a'], limit: 100 }) }
  })

  it('answers a search and a refusal as the socket does', async () => {
    for (const key of ['org-key', 'wrong']) {
      const socket = asked(socketOrg, await sockets(search(socketOrg, key)))
      const memory = asked(memoryOrg, await memoryOrg.transport()(search(memoryOrg, key)))
      expect(comparable(memory)).toEqual(comparable(socket))
    }
    expect(memoryOrg.apiUrl).toBe('http://atlassian.test')
    expect(memoryOrg.log.map((entry) => entry.authorization)).toEqual(['Bearer org-key', 'Bearer wrong'])
  })

  it('shares one network with Bitbucket, each origin to its own simulator', async () => {
    const network = memoryNetwork(memorySim, memoryOrg)
    memorySim.faults.length = 0
    expect((await network(get(page(memorySim, 1)))).status).toBe(200)
    expect((await network(search(memoryOrg))).status).toBe(200)
    const elsewhere: unknown = await network(get('http://elsewhere.test/x')).catch((e: unknown) => e)
    expect(elsewhere).toMatchObject({ code: 'ECONNREFUSED' })
  })
})
