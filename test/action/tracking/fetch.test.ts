import { getOctokit } from '@actions/github'
import { describe, expect, it } from 'vitest'
import { coreFetch, githubCredential } from '../../../src/action/tracking/fetch.js'
import { errorMessage } from '../../../src/errors.js'
import { NoAnswerError, OriginRefusedError, RedirectRefusedError } from '../../../src/http/request.js'
import { NetworkError, type HttpResponse, type Transport, type WireRequest } from '../../../src/http/transport.js'

const TOKEN = 'ghs_trackingTokenValue123'
const API = 'https://api.github.com'

/** GitHub in memory: answers by path, and records what reached the wire. */
function github(answer: (request: WireRequest) => HttpResponse) {
  const sent: WireRequest[] = []
  const transport: Transport = (request) => {
    sent.push(request)
    return Promise.resolve(answer(request))
  }
  return { sent, transport }
}

const json = (body: unknown, headers: Record<string, string> = {}, status = 200): HttpResponse => ({
  status,
  contentType: 'application/json; charset=utf-8',
  retryAfter: null,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body: JSON.stringify(body)
})

const issue = (number: number) => ({ number, title: `#${number}`, body: null, state: 'open', labels: [] })

describe("Octokit's fetch over the request core", () => {
  it('sends the github-token only as the core puts it, whatever Octokit wrote, with the method and JSON body', async () => {
    const { sent, transport } = github(() => json(issue(7), {}, 201))
    const octokit = getOctokit(TOKEN, { baseUrl: API, request: { fetch: coreFetch(transport, githubCredential(TOKEN, new URL(API))) } })
    const { data } = await octokit.rest.issues.create({ owner: 'acme', repo: 'app', title: 't', body: 'b', labels: ['2fa'] })
    expect(data.number).toBe(7)
    expect(sent).toHaveLength(1)
    expect(sent[0]?.method).toBe('POST')
    expect(sent[0]?.url.href).toBe(`${API}/repos/acme/app/issues`)
    expect(sent[0]?.headers.Authorization).toBe(`token ${TOKEN}`)
    expect(Object.keys(sent[0]?.headers ?? {}).filter((name) => name.toLowerCase() === 'authorization')).toEqual(['Authorization'])
    expect(JSON.parse(sent[0]?.body?.text ?? '')).toEqual({ title: 't', body: 'b', labels: ['2fa'] })
  })

  it('refuses a pagination Link to another host: the token is never sent there', async () => {
    const { sent, transport } = github((request) =>
      request.url.searchParams.get('page') === null
        ? json([issue(1)], { link: '<https://evil.example/repos/acme/app/issues?page=2>; rel="next"' })
        : json([issue(2)])
    )
    const octokit = getOctokit(TOKEN, { baseUrl: API, request: { fetch: coreFetch(transport, githubCredential(TOKEN, new URL(API))) } })
    const error: unknown = await octokit.paginate(octokit.rest.issues.listForRepo, { owner: 'acme', repo: 'app', per_page: 100 }).catch((e: unknown) => e)
    expect(sent.map((request) => request.url.origin)).toEqual([API])
    const cause = (error as { cause?: unknown }).cause
    expect(cause).toBeInstanceOf(OriginRefusedError)
    expect(errorMessage(cause)).toContain('https://evil.example')
    expect((cause as Error).message).toContain('`GITHUB_API_URL`')
    expect((cause as Error).message).not.toContain(TOKEN)
  })

  it('follows a pagination Link on its own origin', async () => {
    const { sent, transport } = github((request) =>
      request.url.searchParams.get('page') === null ? json([issue(1)], { link: `<${API}/repos/acme/app/issues?page=2>; rel="next"` }) : json([issue(2)])
    )
    const octokit = getOctokit(TOKEN, { baseUrl: API, request: { fetch: coreFetch(transport, githubCredential(TOKEN, new URL(API))) } })
    const items = await octokit.paginate(octokit.rest.issues.listForRepo, { owner: 'acme', repo: 'app', per_page: 100 })
    expect(items.map((item) => item.number)).toEqual([1, 2])
    expect(sent).toHaveLength(2)
  })

  it('refuses a redirect and reports a missing answer in the one sentence', async () => {
    const redirect = github(() => ({ ...json({}), status: 301, headers: { location: 'https://evil.example/x' } }))
    const octokit = getOctokit(TOKEN, { baseUrl: API, request: { fetch: coreFetch(redirect.transport, githubCredential(TOKEN, new URL(API))) } })
    const error: unknown = await octokit.rest.repos.get({ owner: 'acme', repo: 'app' }).catch((e: unknown) => e)
    expect((error as { cause?: unknown }).cause).toBeInstanceOf(RedirectRefusedError)
    expect(redirect.sent).toHaveLength(1)

    const silent: Transport = () => Promise.reject(new NetworkError('ECONNRESET', 'reset'))
    const offline = getOctokit(TOKEN, { baseUrl: API, request: { fetch: coreFetch(silent, githubCredential(TOKEN, new URL(API))) } })
    const none: unknown = await offline.rest.repos.get({ owner: 'acme', repo: 'app' }).catch((e: unknown) => e)
    const cause = (none as { cause?: unknown }).cause
    expect(cause).toBeInstanceOf(NoAnswerError)
    expect((cause as Error).message).toBe(
      'Could not get an answer from GitHub at https://api.github.com: ECONNRESET. Check `GITHUB_API_URL`, the network and its proxy settings ' +
        '(HTTPS_PROXY, NO_PROXY); if GitHub is down, run the gate again later.'
    )
  })

  it('answers 204 with no body', async () => {
    const { transport } = github(() => ({ status: 204, contentType: '', retryAfter: null, headers: {}, body: '' }))
    const octokit = getOctokit(TOKEN, { baseUrl: API, request: { fetch: coreFetch(transport, githubCredential(TOKEN, new URL(API))) } })
    const { status } = await octokit.request('DELETE /repos/{owner}/{repo}/issues/{issue_number}/lock', { owner: 'acme', repo: 'app', issue_number: 1 })
    expect(status).toBe(204)
  })
})
