import { Credential, NoAnswerError, sendRequest, type Service } from '../../http/request.js'
import { NetworkError, type Method, type RequestBody, type Transport } from '../../http/transport.js'

/** The shape of `fetch` that Octokit's `request.fetch` takes. */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>

/** GitHub's REST API, for the request core's messages. */
export const GITHUB: Service = { name: 'GitHub', urlInput: 'GITHUB_API_URL' }

/** The github-token, for GITHUB_API_URL's origin only, as Octokit sends it. */
export function githubCredential(token: string, apiUrl: URL): Credential {
  return Credential.lockedTo(apiUrl, 'GITHUB_API_URL', 'the `github-token`', `token ${token}`)
}

const METHODS: readonly Method[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']
/** Headers the core or the transport set: Octokit's own copies are dropped. */
const DROPPED = new Set(['authorization', 'content-type', 'content-length', 'host'])

/**
 * The `fetch` Octokit is given: a shape converter over the request core, nothing more. The request
 * goes through the same primitive as every other (the runner's proxy agents, a deadline, a body cap, no
 * redirects), and it carries `credential` — the github-token locked to GITHUB_API_URL's origin — in
 * place of the header Octokit wrote, so a pagination link to another host is refused, not followed
 * with the token. A refusal or a missing answer reaches Octokit as an error whose `cause` is ours.
 */
export function coreFetch(transport: Transport, credential: Credential): FetchLike {
  return async (input, init = {}) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    const method = (init.method ?? 'GET').toUpperCase()
    const known = METHODS.find((m) => m === method)
    if (known === undefined) throw new TypeError(`the request core sends no ${method} requests`)
    const given = new Headers(init.headers)
    const headers: Record<string, string> = {}
    given.forEach((value, name) => {
      if (!DROPPED.has(name)) headers[name] = value
    })
    const body = bodyOf(init.body, given.get('content-type'))
    try {
      const answer = await sendRequest(
        transport,
        { method: known, url, headers, credential, service: GITHUB, ...(body === undefined ? {} : { body }) },
        init.signal ?? undefined
      )
      const empty = answer.status === 204 || answer.status === 205 || answer.status === 304
      return new Response(empty ? null : answer.body, { status: answer.status, headers: new Headers(answer.headers) })
    } catch (error) {
      if (error instanceof NetworkError) throw new NoAnswerError(GITHUB, new URL(url).origin, '', error, 1)
      throw error
    }
  }
}

function bodyOf(body: RequestInit['body'], contentType: string | null): RequestBody | undefined {
  if (body === undefined || body === null) return undefined
  if (typeof body !== 'string') throw new TypeError('the request core sends text bodies only')
  return { contentType: contentType ?? 'application/json; charset=utf-8', text: body }
}
