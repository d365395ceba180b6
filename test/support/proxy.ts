import { createServer, type Server } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'

/**
 * A forward proxy on 127.0.0.1 that speaks CONNECT (what the runner's http-client uses, for http and
 * https targets alike) and routes every requested host to 127.0.0.1, so a name like bitbucket.test,
 * which resolves nowhere, is reachable only through it.
 */
export class TestProxy {
  readonly connects: string[] = []
  private server: Server | null = null
  private readonly sockets = new Set<Socket>()

  get url(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`
  }

  async start(): Promise<this> {
    const server = createServer((_req, res) => {
      res.writeHead(405).end()
    })
    server.on('connect', (req, client: Socket) => {
      const target = req.url ?? ''
      this.connects.push(target)
      const port = Number(target.slice(target.lastIndexOf(':') + 1))
      const upstream = connect(port, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        upstream.pipe(client)
        client.pipe(upstream)
      })
      for (const socket of [client, upstream]) {
        this.sockets.add(socket)
        socket.on('close', () => this.sockets.delete(socket))
        socket.on('error', () => {
          client.destroy()
          upstream.destroy()
        })
      }
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    this.server = server
    return this
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    const server = this.server
    this.server = null
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve()
        })
      })
    }
  }
}
