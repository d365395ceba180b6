import { describe, expect, it } from 'vitest'
import { ACTIONS_BOT, GitHubCallError, identityOf, octokitIssues, type GitHubFetch } from '../../../src/action/tracking/github.js'
import { explain } from '../../../src/action/tracking/track.js'
import { errorMessage, GateError } from '../../../src/errors.js'

/** The Octokit adapter against scripted answers: no server, each answer written by the test. */
const TOKEN = 'ghs_Mk5Tq9Wb2Xn7Vc4Zr8Lp1Hs6Jd3Gf0AyEu'
const API = 'https://api.github.test'

interface Sent {
  readonly method: string
  readonly url: string
  readonly body: string
}

/** A fetch that answers each request with the next scripted answer, and records what was sent. */
function scripted(...answers: (() => Response | Promise<Response>)[]): { fetch: GitHubFetch; sent: Sent[] } {
  const sent: Sent[] = []
  const fetch: GitHubFetch = (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    sent.push({ method: init?.method ?? 'GET', url, body: typeof init?.body === 'string' ? init.body : '' })
    const next = answers.shift()
    if (next === undefined) return Promise.reject(new Error('no answer scripted'))
    return Promise.resolve(next())
  }
  return { fetch, sent }
}
const json =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  () =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } })
const issues = (fetch: GitHubFetch, scrub: (text: string) => string = (text) => text) =>
  octokitIssues(TOKEN, API, { owner: 'acme', repo: 'app' }, { fetch, scrub })
const failureOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => null,
    (error: unknown) => error
  )
const explained = async (promise: Promise<unknown>): Promise<GateError> => {
  const error = await failureOf(promise)
  if (!(error instanceof GitHubCallError)) throw new Error(`expected a GitHubCallError, got ${String(error)}`)
  return explain(error, 'schedule')
}

describe('who the token acts as', () => {
  it.each([
    ['an installation token refused by GET /user is GITHUB_TOKEN', TOKEN, 403, null, ACTIONS_BOT],
    ['an installation token that GET /user answers is not trusted', TOKEN, 200, { login: 'someone', type: 'User' }, null],
    ['an installation token with any other refusal is unknown', TOKEN, 401, null, null],
    ['an installation token without an answer is unknown', TOKEN, 0, null, null],
    ['a personal token is the login GET /user returns', 'ghp_x1', 200, { login: 'octo', type: 'User' }, { login: 'octo', type: 'User' }],
    ['a fine-grained token too', 'github_pat_x1', 200, { login: 'octo', type: 'User' }, { login: 'octo', type: 'User' }],
    ['a personal token refused with 403 is not the bot', 'ghp_x1', 403, null, null],
    ['an answer without a login is unknown', 'ghp_x1', 200, { type: 'User' }, null],
    ['an empty login is unknown', 'ghp_x1', 200, { login: '', type: 'User' }, null],
    ['an answer without a type is unknown', 'ghp_x1', 200, { login: 'octo' }, null],
    ['an answer that is not an object is unknown', 'ghp_x1', 200, 'octo', null]
  ])('%s', (_, token, status, data, expected) => {
    expect(identityOf(token, { status, data })).toEqual(expected)
  })

  it('does not take a redirect for an answer to GET /user', async () => {
    const { fetch } = scripted(
      () => new Response(JSON.stringify({ login: 'octo', type: 'User' }), { status: 302, headers: { 'content-type': 'application/json' } })
    )
    const api = await octokitIssues('ghp_x1', API, { owner: 'acme', repo: 'app' }, { fetch, scrub: (text) => text })
    expect(await api.tokenIdentity()).toBeNull()
  })

  it('asks GET /user once and counts the request', async () => {
    const { fetch, sent } = scripted(json(403, { message: 'Resource not accessible by integration' }))
    const api = await issues(fetch)
    expect(await api.tokenIdentity()).toEqual(ACTIONS_BOT)
    expect(sent.map((r) => `${r.method} ${r.url}`)).toEqual([`GET ${API}/user`])
    expect(api.requestsMade()).toBe(1)
  })
})

describe('listing issues', () => {
  it('reads the author and whether the label is set (in any case), skips pull requests and entries that are not issues', async () => {
    const { fetch } = scripted(
      json(200, [
        { number: 3, body: 'b', user: { login: 'mallory', type: 'User' }, labels: [{ name: '2FA-Compliance' }] },
        { number: 2, body: null, user: null, labels: ['other'] },
        { number: 1, body: 'pr', user: { login: 'x', type: 'User' }, labels: [], pull_request: { url: 'u' } },
        { number: 'four', body: 'x' },
        'nonsense'
      ])
    )
    const api = await issues(fetch)
    expect(await api.recentOpenIssues(1, '2fa-compliance')).toEqual([
      { number: 3, body: 'b', author: { login: 'mallory', type: 'User' }, labelled: true },
      { number: 2, body: null, author: null, labelled: false }
    ])
  })

  it('follows every page of the labelled issues, and stops the recent ones after the pages asked, counting each', async () => {
    const page = (n: number, next: boolean) =>
      json(200, [{ number: n, body: '', user: null, labels: [] }], next ? { link: `<${API}/repos/acme/app/issues?page=${n + 1}>; rel="next"` } : {})
    const all = scripted(page(1, true), page(2, true), page(3, false))
    const api = await issues(all.fetch)
    expect((await api.openIssuesWithLabel('l')).map((i) => i.number)).toEqual([1, 2, 3])
    expect(all.sent.map((r) => r.url)).toEqual([
      `${API}/repos/acme/app/issues?state=open&per_page=100&labels=l`,
      `${API}/repos/acme/app/issues?page=2`,
      `${API}/repos/acme/app/issues?page=3`
    ])
    expect(api.requestsMade()).toBe(3)
    const recent = scripted(page(1, true), page(2, true), page(3, false))
    const capped = await issues(recent.fetch)
    expect((await capped.recentOpenIssues(2, 'l')).map((i) => i.number)).toEqual([1, 2])
    expect(capped.requestsMade()).toBe(2)
  })

  it('fails closed on a listing that is not a list', async () => {
    const { fetch } = scripted(json(200, { items: [] }))
    const error = await explained((await issues(fetch)).openIssuesWithLabel('l'))
    expect(errorMessage(error)).toBe(
      "The tracking issue was not updated: GitHub answered 200 when asked to list issues. That is not an answer GitHub's REST API gives to this request: check that GITHUB_API_URL names GitHub's API, then re-run."
    )
  })
})

describe('writing', () => {
  it('scrubs the token and the run’s secrets out of every title, body and comment it sends', async () => {
    const { fetch, sent } = scripted(json(201, { number: 9 }), json(200, { number: 9 }), json(201, { id: 1 }))
    const api = await issues(fetch, (text) => text.replaceAll('bitbucket-secret', '***'))
    expect(await api.create({ title: `t ${TOKEN}`, body: `b ${TOKEN} bitbucket-secret`, labels: ['l'] })).toBe(9)
    await api.update(9, { title: 'x', body: `b ${TOKEN}` })
    await api.comment(9, `c bitbucket-secret ${TOKEN}`)
    for (const request of sent) {
      expect(request.body).not.toContain(TOKEN)
      expect(request.body).not.toContain('bitbucket-secret')
    }
    expect(JSON.parse(sent[0]!.body)).toEqual({ title: 't ***', body: 'b *** ***', labels: ['l'] })
  })

  it('does not take an answer without an issue number, or a redirect, for a created issue', async () => {
    const noNumber = scripted(json(201, { id: 1 }))
    expect(errorMessage(await explained((await issues(noNumber.fetch)).create({ title: 't', body: 'b', labels: [] })))).toMatch(
      /^The tracking issue was not updated: GitHub answered 201 when asked to create an issue\. That is not an answer/
    )
    const moved = scripted(() => new Response(null, { status: 302, headers: { location: 'https://elsewhere.test/' } }))
    expect(errorMessage(await explained((await issues(moved.fetch)).comment(1, 'c')))).toMatch(
      /GitHub answered 302 when asked to comment on issue #1\. That is not an answer/
    )
  })
})

describe('GitHub’s words in an error', () => {
  it('quotes the message and the messages of its errors, scrubbed, and in redact mode only the shape', async () => {
    const body = { message: 'Validation Failed', errors: [{ field: 'body', code: 'custom', message: `body is too long near ${TOKEN}` }] }
    const { fetch } = scripted(json(422, body))
    const error = await explained((await issues(fetch)).update(4, { title: 't', body: 'b' }))
    expect(error.message).toBe(
      'The tracking issue was not updated: GitHub answered 422 when asked to update issue #4. Check `tracking-label` and re-run; if it persists, report it at the issue tracker.'
    )
    expect(errorMessage(error)).toBe(`${error.message} GitHub says: \`Validation Failed; body is too long near ***\`.`)
    expect(errorMessage(error, true)).toBe(
      `${error.message} GitHub's answer (application/json, ${JSON.stringify(body).length} bytes) is not quoted in redact mode.`
    )
  })

  it('gives the start of an answer that is not JSON (a proxy’s page), scrubbed', async () => {
    const page = `<html>Bad gateway for ${TOKEN}</html>`
    const { fetch } = scripted(() => new Response(page, { status: 502, headers: { 'content-type': 'text/html' } }))
    const error = await explained((await issues(fetch)).close(4))
    expect(errorMessage(error)).toBe(
      `The tracking issue was not updated: GitHub answered 502 when asked to close issue #4. Check \`tracking-label\` and re-run; if it persists, report it at the issue tracker. GitHub's answer (text/html, ${page.length} bytes) starts: \`<html>Bad gateway for ***</html>\`.`
    )
  })

  it('says nothing of an answer with nothing to quote', async () => {
    const { fetch } = scripted(json(401, { message: '   ' }))
    const error = await explained((await issues(fetch)).openIssuesWithLabel('l'))
    expect(error.said).toBeNull()
    expect(errorMessage(error)).toMatch(/GitHub answered 401 when asked to list issues\. Check `github-token`.*revoked\.$/)
  })

  it('without an answer, says so, carrying the request core’s own refusal (never a network error’s text)', async () => {
    const refusal = new GateError('The gate refused to send the `github-token` to https://elsewhere.test.', { redactedMessage: 'The gate refused (redacted).' })
    const refused = scripted(() => Promise.reject(refusal))
    const error = await explained((await issues(refused.fetch)).comment(2, 'c'))
    expect(errorMessage(error)).toBe(
      'The tracking issue was not updated: no answer from GitHub when asked to comment on issue #2. The gate refused to send the `github-token` to https://elsewhere.test.'
    )
    expect(errorMessage(error, true)).toBe(
      'The tracking issue was not updated: no answer from GitHub when asked to comment on issue #2. The gate refused (redacted).'
    )
    const down = scripted(() => Promise.reject(new Error(`connect ECONNREFUSED with ${TOKEN}`)))
    const offline = await explained((await issues(down.fetch)).comment(2, 'c'))
    expect(errorMessage(offline)).toBe(
      "The tracking issue was not updated: no answer from GitHub when asked to comment on issue #2. Check the runner's network and GITHUB_API_URL, then re-run."
    )
  })
})

describe('reading labelled issues is bounded', () => {
  const page = (n: number, link: string) =>
    json(
      200,
      Array.from({ length: 100 }, (_, i) => ({
        number: n * 1000 + i,
        body: 'x',
        state: 'open',
        labels: [{ name: '2fa' }],
        user: { login: 'a', type: 'User' }
      })),
      { link }
    )

  it('reads at most MAX_LABELLED_PAGES pages however many the Link headers promise', async () => {
    const answers = Array.from({ length: 50 }, (_, i) => page(i + 1, `<${API}/repos/acme/app/issues?labels=2fa&page=${i + 2}>; rel="next"`))
    const { fetch, sent } = scripted(...answers)
    const api = await octokitIssues(TOKEN, API, { owner: 'acme', repo: 'app' }, { fetch, scrub: (t) => t })
    const issues = await api.openIssuesWithLabel('2fa')
    expect(sent).toHaveLength(5)
    expect(issues).toHaveLength(500)
  })

  it('stops at a Link back to a page already read', async () => {
    const loop = `<${API}/repos/acme/app/issues?labels=2fa&page=2>; rel="next"`
    const { fetch, sent } = scripted(page(1, loop), page(2, loop), page(2, loop), page(2, loop))
    const api = await octokitIssues(TOKEN, API, { owner: 'acme', repo: 'app' }, { fetch, scrub: (t) => t })
    await api.openIssuesWithLabel('2fa')
    expect(sent.length).toBeLessThanOrEqual(3)
  })
})
