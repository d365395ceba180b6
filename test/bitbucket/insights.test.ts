import { request as httpRequest } from 'node:http'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { CLI_SPELLING } from '../../src/config/spellings.js'
import { InsightsError, publishInsights, reportUrlOf, type InsightsPayload, type InsightsTarget, type PublishOptions } from '../../src/bitbucket/insights.js'
import { errorMessage } from '../../src/errors.js'
import type { Clock } from '../../src/http/retry.js'
import { createTransport } from '../../src/http/transport.js'
import { renderInsights } from '../../src/present/insights.js'
import { member, verdictOf } from '../support/members.js'
import { carriesCredentials, PipelinesProxy } from '../support/pipelines-proxy.js'
import { modelOf } from '../support/present.js'

const COMMIT = '0123456789abcdef0123456789abcdef01234567'
const REPORT_URL = `http://api.bitbucket.org/2.0/repositories/acme/app/commit/${COMMIT}/reports/bitbucket-2fa-gate`

let proxy: PipelinesProxy
const transport = createTransport({ timeoutMs: 5000 })

beforeAll(async () => {
  proxy = await new PipelinesProxy().start()
})
afterAll(async () => {
  await proxy.stop()
})
beforeEach(() => {
  proxy.requests.length = 0
  proxy.reports.clear()
  proxy.faults.length = 0
})

/** A clock that records each wait and returns at once. */
function instantClock(): Clock & { readonly waits: number[] } {
  const waits: number[] = []
  return {
    waits,
    sleep: (ms) => {
      waits.push(ms)
      return Promise.resolve()
    }
  }
}

function target(overrides: Partial<InsightsTarget> = {}): InsightsTarget {
  return { repository: 'acme/app', commit: COMMIT, proxy: proxy.url, ...overrides }
}

function options(clock = instantClock()): PublishOptions {
  return { clock, random: () => 0.5, now: () => 0 }
}

/** A payload of `n` annotations with ids `a-1`…, as Bitbucket takes them. */
function payload(n: number, title = 'Two-factor authentication'): InsightsPayload {
  return {
    report: { title, details: 'd', report_type: 'SECURITY', reporter: 'bitbucket-2fa-gate', result: 'FAILED', data: [] },
    annotations: Array.from({ length: n }, (_, i) => ({
      external_id: `a-${i + 1}`,
      annotation_type: 'VULNERABILITY',
      severity: 'HIGH',
      result: 'FAILED',
      summary: `person ${i + 1}`,
      details: 'x'
    }))
  }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (error: unknown) => error
  )
}

describe('publishInsights through the Pipelines proxy', () => {
  it('DELETEs, PUTs, then POSTs the annotations in batches of at most 100, in absolute form and without credentials', async () => {
    await publishInsights(transport, target(), payload(250), options())
    expect(proxy.requests.map((r) => [r.method, r.url, r.status])).toEqual([
      ['DELETE', REPORT_URL, 404],
      ['PUT', REPORT_URL, 200],
      ['POST', `${REPORT_URL}/annotations`, 200],
      ['POST', `${REPORT_URL}/annotations`, 200],
      ['POST', `${REPORT_URL}/annotations`, 200]
    ])
    const posts = proxy.requests.filter((r) => r.method === 'POST').map((r) => r.body as { external_id: string }[])
    expect(posts.map((batch) => batch.length)).toEqual([100, 100, 50])
    expect(posts.map((batch) => [batch[0]?.external_id, batch.at(-1)?.external_id])).toEqual([
      ['a-1', 'a-100'],
      ['a-101', 'a-200'],
      ['a-201', 'a-250']
    ])
    for (const r of proxy.requests) {
      expect(carriesCredentials(r)).toBe(false)
      expect(r.headers.cookie).toBeUndefined()
      expect(r.headers.host).toBe('api.bitbucket.org')
    }
    expect(proxy.requests[1]?.headers['content-type']).toBe('application/json')
    expect(proxy.requests[1]?.body).toEqual(payload(0).report)
    expect(proxy.report('acme/app', COMMIT)?.annotations).toHaveLength(250)
  })

  it('posts no annotation request when there are none', async () => {
    await publishInsights(transport, target(), payload(0), options())
    expect(proxy.requests.map((r) => r.method)).toEqual(['DELETE', 'PUT'])
  })

  it('leaves exactly one report with the current annotations after a re-run', async () => {
    await publishInsights(transport, target(), payload(150, 'first'), options())
    const second = payload(3, 'second')
    await publishInsights(transport, target(), { report: second.report, annotations: second.annotations.map((a) => ({ ...a, summary: 'again' })) }, options())
    expect([...proxy.reports.keys()]).toEqual([`acme/app@${COMMIT}/bitbucket-2fa-gate`])
    const stored = proxy.report('acme/app', COMMIT)
    expect(stored?.report.title).toBe('second')
    expect(stored?.annotations.map((a) => [a.external_id, a.summary])).toEqual([
      ['a-1', 'again'],
      ['a-2', 'again'],
      ['a-3', 'again']
    ])
    // The second run's DELETE found the first report.
    expect(proxy.requests.filter((r) => r.method === 'DELETE').map((r) => r.status)).toEqual([404, 204])
  })

  it('posts what renderInsights makes of a verdict of 1,005 people: 1,000 annotations in ten requests', async () => {
    const people = Array.from({ length: 1005 }, () => member('disabled'))
    const content = renderInsights(modelOf(verdictOf(people)), { generatedAt: new Date('2026-11-26T12:00:00Z'), spell: CLI_SPELLING })
    await publishInsights(transport, target(), content, options())
    expect(proxy.requests.filter((r) => r.method === 'POST').map((r) => (r.body as unknown[]).length)).toEqual(Array.from({ length: 10 }, () => 100))
    expect(proxy.report('acme/app', COMMIT)?.annotations).toHaveLength(1000)
    expect(proxy.report('acme/app', COMMIT)?.report.result).toBe('FAILED')
  })

  it('encodes each path segment of the repository and commit', () => {
    expect(reportUrlOf({ repository: '{1234abcd-uuid}/my app', commit: 'ABCDEF0' })).toBe(
      'http://api.bitbucket.org/2.0/repositories/%7B1234abcd-uuid%7D/my%20app/commit/ABCDEF0/reports/bitbucket-2fa-gate'
    )
  })
})

describe('the proxy leg ignores the runner proxy variables', () => {
  // vi.stubEnv sets process.env itself; unstubAllEnvs puts back what was there (or removes what was not).
  afterEach(() => {
    vi.unstubAllEnvs()
  })

  it('goes to the given proxy with no Authorization even when HTTP_PROXY and HTTPS_PROXY point elsewhere', async () => {
    // A runner proxy that does not exist: a request that used it would fail.
    vi.stubEnv('HTTP_PROXY', 'http://user:secret@127.0.0.1:9')
    vi.stubEnv('HTTPS_PROXY', 'http://user:secret@127.0.0.1:9')
    vi.stubEnv('NO_PROXY', '')
    expect(process.env.HTTPS_PROXY).toBe('http://user:secret@127.0.0.1:9')
    // A transport made after the variables are set, as in a run.
    await publishInsights(createTransport({ timeoutMs: 5000 }), target(), payload(2), options())
    expect(proxy.requests.map((r) => [r.method, r.status])).toEqual([
      ['DELETE', 404],
      ['PUT', 200],
      ['POST', 200]
    ])
    for (const r of proxy.requests) {
      expect(r.headers.authorization).toBeUndefined()
      expect(r.headers['proxy-authorization']).toBeUndefined()
    }
  })
})

describe('a proxy the gate will not use', () => {
  it.each([
    ['an https proxy', 'https://127.0.0.1:29418'],
    ['a proxy with a user and password', 'http://user:secret@127.0.0.1:29418'],
    ['a proxy with a path', 'http://127.0.0.1:29418/forward']
  ])('refuses %s before any request, without echoing a secret', async (_what, url) => {
    const error = await rejection(publishInsights(transport, target({ proxy: new URL(url) }), payload(1), options()))
    expect(error).toBeInstanceOf(InsightsError)
    expect(errorMessage(error, false, CLI_SPELLING)).toMatch(/must be a plain http:\/\/host:port.*nothing was sent.*`--code-insights-proxy`/)
    expect(errorMessage(error)).not.toContain('secret')
    expect(proxy.requests).toEqual([])
  })

  it('refuses a repository that is not workspace/slug, or a commit that is not a hash, before any request', async () => {
    for (const wrong of [
      { repository: 'acme' },
      { repository: 'acme/../other' },
      { repository: 'acme/..' },
      { repository: '/app' },
      { commit: '../../x' },
      { commit: '' }
    ]) {
      const error = await rejection(publishInsights(transport, target(wrong), payload(1), options()))
      expect(error).toBeInstanceOf(InsightsError)
      expect((error as InsightsError).message).toMatch(/nothing was sent\. It comes from BITBUCKET_(REPO_FULL_NAME|COMMIT)/)
    }
    expect(proxy.requests).toEqual([])
  })
})

describe('a proxy that fails', () => {
  it('names the step and status of a refused PUT, says what to check, and posts nothing after it', async () => {
    proxy.fail('PUT', 403, { contentType: 'application/json', body: '{"key":"proxy.forbidden","message":"Step token BB-SECRET-123 rejected"}' })
    const error = await rejection(publishInsights(transport, target(), payload(5), options()))
    expect(error).toBeInstanceOf(InsightsError)
    const insights = error as InsightsError
    expect(insights.status).toBe(403)
    expect(insights.step).toBe('PUT of the report')
    expect(insights.message).toBe(
      'The Code Insights report was not posted: the PUT of the report answered 403. The proxy did not authenticate the request. Is this a Bitbucket Pipelines step? ' +
        "The proxy only exists there (http://localhost:29418 in a step, http://host.docker.internal:29418 in a pipe's container); check `code-insights-proxy`."
    )
    // What the server said travels beside the message, for the door to quote scrubbed or withhold.
    expect(insights.message).not.toContain('BB-SECRET-123')
    expect(errorMessage(error, false, CLI_SPELLING)).toContain('check `--code-insights-proxy`')
    expect(errorMessage(error, false)).toContain('Bitbucket says: `Step token BB-SECRET-123 rejected`.')
    expect(errorMessage(error, true)).not.toContain('BB-SECRET-123')
    expect(proxy.requests.map((r) => r.method)).toEqual(['DELETE', 'PUT'])
  })

  it('quotes server text only through the run scrubber', async () => {
    proxy.fail('DELETE', 401, { body: 'denied for BB-SECRET-123' })
    const error = await rejection(publishInsights(transport, target(), payload(1), { ...options(), scrub: (text) => text.replaceAll('BB-SECRET-123', '***') }))
    expect((error as InsightsError).status).toBe(401)
    expect(errorMessage(error)).toContain('DELETE of the report answered 401')
    expect(errorMessage(error)).toContain('denied for ***')
    expect(errorMessage(error)).not.toContain('BB-SECRET-123')
  })

  it('names the batch of a POST that Bitbucket refuses, and sends no batch after it', async () => {
    proxy.fail('POST', 400, { after: 1, contentType: 'application/json', body: '{"key":"report-service.general.bad-request","message":"Bad annotation."}' })
    const error = await rejection(publishInsights(transport, target(), payload(250), options()))
    expect((error as InsightsError).status).toBe(400)
    expect((error as InsightsError).step).toBe('POST of annotations 101–200')
    expect((error as InsightsError).message).toBe(
      "The Code Insights report was not posted: the POST of annotations 101–200 answered 400. Bitbucket refused the report's content: report this at the gate's issue tracker."
    )
    expect(proxy.requests.map((r) => [r.method, r.status])).toEqual([
      ['DELETE', 404],
      ['PUT', 200],
      ['POST', 200],
      ['POST', 400]
    ])
  })

  it('retries a 5xx a few times with the injected clock, then names the status and the attempts', async () => {
    proxy.fail('POST', 503)
    const clock = instantClock()
    const error = await rejection(publishInsights(transport, target(), payload(1), options(clock)))
    expect((error as InsightsError).status).toBe(503)
    expect((error as InsightsError).message).toMatch(
      /^The Code Insights report was not posted: the POST of annotations 1–1 answered 503 \(after 3 attempts\)\. Bitbucket or the proxy is failing/
    )
    expect(proxy.requests.map((r) => r.method)).toEqual(['DELETE', 'PUT', 'POST', 'POST', 'POST'])
    expect(clock.waits).toEqual([375, 750])
  })

  it('succeeds when a retry does, without duplicating annotations', async () => {
    proxy.fail('POST', 502, { times: 1 })
    const clock = instantClock()
    await publishInsights(transport, target(), payload(2), options(clock))
    expect(clock.waits).toHaveLength(1)
    expect(proxy.report('acme/app', COMMIT)?.annotations.map((a) => a.external_id)).toEqual(['a-1', 'a-2'])
  })

  it('says no answer came, and where to look, when the proxy drops the connection', async () => {
    proxy.drop('DELETE')
    const clock = instantClock()
    const error = await rejection(publishInsights(transport, target(), payload(1), options(clock)))
    expect(error).toBeInstanceOf(InsightsError)
    expect((error as InsightsError).status).toBeNull()
    expect((error as InsightsError).step).toBe('DELETE of the report')
    expect((error as InsightsError).message).toMatch(
      new RegExp(
        `^The Code Insights report was not posted: no answer through the proxy http://127\\.0\\.0\\.1:${proxy.url.port} for the DELETE of the report \\(ECONNRESET, after 3 attempts\\)\\. Is this a Bitbucket Pipelines step\\?`
      )
    )
    // The DELETE failed, yet the report is put: an old one must not stand for this run.
    expect(proxy.requests.map((r) => r.method)).toEqual(['DELETE', 'DELETE', 'DELETE', 'PUT', 'POST'])
  })

  it('says the same when nothing listens where the proxy should be', async () => {
    const gone = await new PipelinesProxy().start()
    const url = gone.url
    await gone.stop()
    const error = await rejection(publishInsights(transport, target({ proxy: url }), payload(1), options()))
    expect((error as InsightsError).message).toMatch(/no answer through the proxy .* for the DELETE of the report \(ECONNREFUSED, after 3 attempts\)/)
  })
})

describe('the fake Pipelines proxy', () => {
  /** A raw request to the fake, so that the fake's own checks can be seen (the request core refuses these headers). */
  function raw(method: string, path: string, headers: Record<string, string>, body = ''): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: Number(proxy.url.port), method, path, headers: { ...headers, Host: 'api.bitbucket.org' } }, (res) => {
        res.resume()
        res.on('end', () => {
          resolve(res.statusCode ?? 0)
        })
      })
      req.on('error', reject)
      req.end(body)
    })
  }

  it('refuses and records a request that carries Authorization or Proxy-Authorization, even a faulted one', async () => {
    proxy.fail('PUT', 500)
    expect(await raw('PUT', REPORT_URL, { Authorization: 'Bearer x', 'Content-Type': 'application/json' }, JSON.stringify(payload(0).report))).toBe(403)
    expect(await raw('PUT', REPORT_URL, { 'Proxy-Authorization': 'Basic eDp5', 'Content-Type': 'application/json' }, JSON.stringify(payload(0).report))).toBe(
      403
    )
    expect(proxy.requests.map((r) => [r.method, r.status, carriesCredentials(r)])).toEqual([
      ['PUT', 403, true],
      ['PUT', 403, true]
    ])
    expect(proxy.reports.size).toBe(0)
  })

  it('refuses a request in origin form (to the proxy, not through it)', async () => {
    expect(await raw('DELETE', `/2.0/repositories/acme/app/commit/${COMMIT}/reports/bitbucket-2fa-gate`, {})).toBe(400)
  })

  it('keeps Bitbucket limits: 100 annotations a request, 1,000 a report, 10 data items', async () => {
    const json = { 'Content-Type': 'application/json' }
    const tooMuchData = { ...payload(0).report, data: Array.from({ length: 11 }, (_, i) => ({ title: `n${i}`, type: 'NUMBER', value: i })) }
    expect(await raw('PUT', REPORT_URL, json, JSON.stringify(tooMuchData))).toBe(400)
    expect(await raw('PUT', REPORT_URL, json, JSON.stringify(payload(0).report))).toBe(200)
    expect(await raw('POST', `${REPORT_URL}/annotations`, json, JSON.stringify(payload(101).annotations))).toBe(400)
    for (let i = 0; i < 10; i++) {
      const batch = payload(100).annotations.map((a, j) => ({ ...a, external_id: `b-${i * 100 + j}` }))
      expect(await raw('POST', `${REPORT_URL}/annotations`, json, JSON.stringify(batch))).toBe(200)
    }
    expect(await raw('POST', `${REPORT_URL}/annotations`, json, JSON.stringify(payload(1).annotations))).toBe(400)
    expect(proxy.report('acme/app', COMMIT)?.annotations).toHaveLength(1000)
    expect(await raw('DELETE', REPORT_URL, {})).toBe(204)
    expect(proxy.reports.size).toBe(0)
  })
})
