import type { IncomingMessage, Server } from 'node:http'

/** What the local servers (Bitbucket, the organization API, GitHub) share: a request body, and a clean stop. */

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
