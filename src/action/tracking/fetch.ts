import * as http from 'node:http'
import * as https from 'node:https'
import { HttpClient } from '@actions/http-client'

/** A whole request to GitHub, answer included, within this long. */
const TIMEOUT_MS = 30_000

/**
 * The `fetch` Octokit is given: node:http(s) through @actions/http-client's agents, so GitHub calls
 * follow the runner's proxy rules (HTTPS_PROXY, NO_PROXY) exactly as the Bitbucket calls do, without
 * bundling undici. Redirects are not followed: the GitHub token goes to GITHUB_API_URL and nowhere else.
 */
export function agentFetch(): (input: string | URL | Request, init?: RequestInit) => Promise<Response> {
  const agents = new HttpClient('bitbucket-2fa-gate')
  return (input, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
      const send = url.startsWith('https:') ? https.request : http.request
      const headers = Object.fromEntries(new Headers(init.headers).entries())
      const request = send(url, { method: init.method ?? 'GET', headers, agent: agents.getAgent(url) }, (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('error', fail)
        response.on('end', () => {
          clearTimeout(timer)
          const status = response.statusCode ?? 0
          const answer = new Headers()
          for (const [name, value] of Object.entries(response.headers)) {
            if (value !== undefined) answer.set(name, Array.isArray(value) ? value.join(', ') : value)
          }
          const empty = status === 204 || status === 205 || status === 304
          resolve(new Response(empty ? null : Buffer.concat(chunks), { status, statusText: response.statusMessage ?? '', headers: answer }))
        })
      })
      const timer = setTimeout(() => request.destroy(new Error(`no answer from GitHub within ${TIMEOUT_MS} ms`)), TIMEOUT_MS)
      init.signal?.addEventListener('abort', () => request.destroy(new Error('aborted')))
      request.on('error', fail)
      request.end(typeof init.body === 'string' ? init.body : undefined)

      function fail(error: Error): void {
        clearTimeout(timer)
        reject(error)
      }
    })
}
