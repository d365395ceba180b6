import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTransport, NetworkError } from '../../src/http/transport.js'
import { close, listen } from '../simulator/http.js'

/** A server that streams its body in chunks, without Content-Length, as a proxy may. */
let server: Server
const url = (): URL => new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)

beforeAll(async () => {
  server = await listen(
    createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' })
      const chunk = 'x'.repeat(1024)
      for (let i = 0; i < 64; i++) res.write(chunk)
      res.end()
    })
  )
})
afterAll(async () => {
  await close(server)
})

describe('the body cap on a streamed answer', () => {
  it('refuses a body past the cap as EBODYTOOLARGE, with no error escaping, and the transport stays usable', async () => {
    const transport = createTransport({ timeoutMs: 2000, maxBodyBytes: 10_000 })
    for (let i = 0; i < 3; i++) {
      const error = await transport({ method: 'GET', url: url(), headers: {} }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(NetworkError)
      expect((error as NetworkError).code).toBe('EBODYTOOLARGE')
    }
    const whole = await createTransport({ timeoutMs: 2000, maxBodyBytes: 65_536 })({ method: 'GET', url: url(), headers: {} })
    expect(whole.body).toHaveLength(65_536)
  })
})
