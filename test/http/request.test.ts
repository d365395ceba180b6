import { describe, expect, it } from 'vitest'
import { githubCredential } from '../../src/action/tracking/fetch.js'
import { organizationCredential } from '../../src/atlassian/lookup.js'
import { bitbucketCredential, grantCredential, oauthTokenCredential } from '../../src/bitbucket/api/auth.js'
import {
  Credential,
  noAnswerSentence,
  OriginRefusedError,
  RedirectRefusedError,
  RequestRefusedError,
  sendRequest,
  type OutgoingRequest,
  type Service
} from '../../src/http/request.js'
import type { HttpResponse, Transport, WireRequest } from '../../src/http/transport.js'
import { errorMessage } from '../../src/errors.js'

const SERVICE: Service = { name: 'Bitbucket', urlInput: 'api-url' }
const ok: HttpResponse = { status: 200, contentType: 'application/json', retryAfter: null, headers: {}, body: '{}' }

/** An in-memory transport that records what reached the wire. */
function recording(answer: HttpResponse = ok) {
  const sent: WireRequest[] = []
  const transport: Transport = (request) => {
    sent.push(request)
    return Promise.resolve(answer)
  }
  return { sent, transport }
}

const ORIGINS = {
  bitbucket: 'https://api.bitbucket.org',
  tokenEndpoint: 'https://bitbucket.org',
  organization: 'https://api.atlassian.com',
  github: 'https://api.github.com',
  attacker: 'https://evil.example',
  lookalike: 'https://api.bitbucket.org.evil.example',
  otherPort: 'https://api.bitbucket.org:8443',
  plainHttp: 'http://api.bitbucket.org'
}

/** Every credential the gate makes, each from the URL its input gives. */
const CREDENTIALS: { readonly name: string; readonly secret: string; readonly origin: string; readonly credential: Credential }[] = [
  {
    name: 'an API token with email',
    secret: 'ATATT-secret-api-token',
    origin: ORIGINS.bitbucket,
    credential: bitbucketCredential({ kind: 'api-token', email: 'admin@example.com', token: 'ATATT-secret-api-token' }, new URL(`${ORIGINS.bitbucket}/2.0`))
  },
  {
    name: 'an access token',
    secret: 'secret-access-token',
    origin: ORIGINS.bitbucket,
    credential: bitbucketCredential({ kind: 'access-token', token: 'secret-access-token' }, new URL(`${ORIGINS.bitbucket}/2.0`))
  },
  {
    name: "an OAuth consumer's access token",
    secret: 'secret-oauth-access-token',
    origin: ORIGINS.bitbucket,
    credential: oauthTokenCredential('secret-oauth-access-token', new URL(`${ORIGINS.bitbucket}/2.0`))
  },
  {
    name: "the consumer's key and secret",
    secret: 'consumer-secret-value',
    origin: ORIGINS.tokenEndpoint,
    credential: grantCredential({
      kind: 'oauth',
      clientId: 'consumer-key',
      clientSecret: 'consumer-secret-value',
      tokenUrl: new URL(`${ORIGINS.tokenEndpoint}/site/oauth2/access_token`)
    })
  },
  {
    name: 'the organization API key',
    secret: 'secret-organization-key',
    origin: ORIGINS.organization,
    credential: organizationCredential({ orgId: 'org-1', apiKey: 'secret-organization-key', apiUrl: new URL(ORIGINS.organization), accept: false })
  },
  {
    name: 'the github-token',
    secret: 'ghs_secretGithubToken',
    origin: ORIGINS.github,
    credential: githubCredential('ghs_secretGithubToken', new URL(ORIGINS.github))
  }
]

const request = (url: string, credential: Credential | null, extra: Partial<OutgoingRequest> = {}): OutgoingRequest => ({
  url,
  credential,
  service: SERVICE,
  ...extra
})

describe('the origin lock', () => {
  for (const { name, secret, origin, credential } of CREDENTIALS) {
    it(`sends ${name} to its own origin, and refuses it on every other origin without sending anything`, async () => {
      const own = recording()
      await sendRequest(own.transport, request(`${origin}/some/path?page=2`, credential))
      expect(own.sent).toHaveLength(1)
      const header = own.sent[0]?.headers.Authorization ?? ''
      const carried = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8') : header
      expect(carried).toContain(secret)

      for (const other of Object.values(ORIGINS).filter((o) => o !== origin)) {
        const wire = recording()
        const error = await sendRequest(wire.transport, request(`${other}/2.0/workspaces/acme/members`, credential)).catch((e: unknown) => e)
        expect(error, `${name} → ${other}`).toBeInstanceOf(OriginRefusedError)
        expect(wire.sent).toEqual([])
        const message = errorMessage(error)
        expect(message).toContain(`The link: \`${new URL(other).origin}\`.`)
        expect(message).toContain(origin)
        // Where a server pointed is its text: in redact mode only its shape.
        expect(errorMessage(error, true)).not.toContain(new URL(other).origin)
        expect(message).not.toContain(secret)
        expect(message).not.toContain(Buffer.from(secret).toString('base64').slice(0, 8))
      }
    })
  }

  it('puts the credential on the wire only as Authorization, exactly as made', async () => {
    const wire = recording()
    await sendRequest(wire.transport, request(`${ORIGINS.github}/repos/o/r/issues`, githubCredential('ghs_abc123456', new URL(ORIGINS.github))))
    expect(wire.sent[0]?.headers).toEqual({ Authorization: 'token ghs_abc123456' })
  })

  it('refuses a credential header given any other way than as a Credential', async () => {
    for (const header of ['Authorization', 'authorization', 'Proxy-Authorization', 'Cookie']) {
      const wire = recording()
      await expect(sendRequest(wire.transport, request(`${ORIGINS.attacker}/`, null, { headers: { [header]: 'Bearer stolen' } }))).rejects.toThrow(TypeError)
      expect(wire.sent).toEqual([])
    }
  })

  it('refuses a URL that carries a user name or password, with or without a credential', async () => {
    const wire = recording()
    const credential = CREDENTIALS[0]!.credential
    await expect(sendRequest(wire.transport, request('https://user:pw@api.bitbucket.org/2.0', credential))).rejects.toBeInstanceOf(RequestRefusedError)
    await expect(sendRequest(wire.transport, request('https://user@evil.example/', null))).rejects.toBeInstanceOf(RequestRefusedError)
    await expect(sendRequest(wire.transport, request('https://:pw@evil.example/', null))).rejects.toBeInstanceOf(RequestRefusedError)
    await expect(sendRequest(wire.transport, request('not a url', null))).rejects.toBeInstanceOf(RequestRefusedError)
    await expect(sendRequest(wire.transport, request('file:///etc/passwd', null))).rejects.toBeInstanceOf(RequestRefusedError)
    expect(wire.sent).toEqual([])
  })

  it('tells to set the input to the other host, unless a runner variable sets the origin', async () => {
    const advice = (originInput: string) => `; if the other host is the right one, set \`${originInput}\` to it.`
    for (const originInput of ['api-url', 'atlassian-api-url', 'api-URL', 'GITHUB_api', 'GITHUB-API-URL', '_GITHUB']) {
      const credential = Credential.lockedTo(new URL(ORIGINS.bitbucket), originInput, 'the test credential', 'Bearer x-12345678')
      const error = await sendRequest(recording().transport, request(`${ORIGINS.attacker}/`, credential)).catch((e: unknown) => e)
      expect((error as Error).message, originInput).toContain(`which \`${originInput}\` sets; nothing was sent there.`)
      expect((error as Error).message, originInput).toContain(advice(originInput))
    }
    for (const originInput of ['GITHUB_API_URL', 'X', 'URL2']) {
      const credential = Credential.lockedTo(new URL(ORIGINS.bitbucket), originInput, 'the test credential', 'Bearer x-12345678')
      const error = await sendRequest(recording().transport, request(`${ORIGINS.attacker}/`, credential)).catch((e: unknown) => e)
      expect((error as Error).message, originInput).toMatch(/as it may be an attempt to take the credential\.$/)
    }
  })

  it('tells two credentials apart by their header and origin', () => {
    const url = new URL(`${ORIGINS.bitbucket}/2.0`)
    expect(oauthTokenCredential('token-one-1', url).sameAs(oauthTokenCredential('token-one-1', url))).toBe(true)
    expect(oauthTokenCredential('token-one-1', url).sameAs(oauthTokenCredential('token-two-2', url))).toBe(false)
    expect(oauthTokenCredential('token-one-1', url).sameAs(oauthTokenCredential('token-one-1', new URL(ORIGINS.attacker)))).toBe(false)
  })
})

describe('redirects', () => {
  for (const status of [301, 302, 303, 307, 308, 300, 399]) {
    it(`refuses a ${status}, naming where it pointed (origin only) and the input to check`, async () => {
      const wire = recording({ ...ok, status, headers: { location: 'https://evil.example/steal?token=abc' } })
      const error = await sendRequest(wire.transport, request(`${ORIGINS.bitbucket}/2.0`, CREDENTIALS[0]!.credential)).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(RedirectRefusedError)
      expect((error as RedirectRefusedError).status).toBe(status)
      expect(errorMessage(error)).toContain(`Bitbucket answered ${status} (a redirect)`)
      expect(errorMessage(error)).toContain('The link: `https://evil.example`.')
      expect(errorMessage(error)).toContain('`api-url`')
      expect(errorMessage(error)).not.toContain('token=abc')
      expect(errorMessage(error, true)).not.toContain('evil')
      expect(wire.sent).toHaveLength(1)
    })
  }

  it('passes 200, 299 and 400 through to the caller', async () => {
    for (const status of [200, 204, 299, 400, 404, 500]) {
      const wire = recording({ ...ok, status })
      expect((await sendRequest(wire.transport, request(`${ORIGINS.attacker}/`, null))).status).toBe(status)
    }
  })

  it('says so when a redirect has no Location, or an empty one, and quotes no link', async () => {
    for (const headers of [{}, { location: '' }] as Record<string, string>[]) {
      const wire = recording({ ...ok, status: 302, headers })
      const error = await sendRequest(wire.transport, request(`${ORIGINS.attacker}/`, null)).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(RedirectRefusedError)
      expect(errorMessage(error)).toBe(
        'Bitbucket answered 302 (a redirect); the gate does not follow redirects, so that no credential goes where it was not meant to. ' +
          'Check `api-url`: it must name the API itself, not a page that forwards to it.'
      )
    }
  })

  it('names a Location that is not a URL as such, and a relative one by the origin it resolves to', async () => {
    const broken = recording({ ...ok, status: 301, headers: { location: 'http://[bad' } })
    const error = await sendRequest(broken.transport, request(`${ORIGINS.attacker}/`, null)).catch((e: unknown) => e)
    expect(errorMessage(error)).toContain('The link: `a place that is not a URL`.')
    const relative = recording({ ...ok, status: 301, headers: { location: '/login?next=/2.0' } })
    const resolved = await sendRequest(relative.transport, request(`${ORIGINS.bitbucket}/2.0`, null)).catch((e: unknown) => e)
    expect(errorMessage(resolved)).toContain('The link: `https://api.bitbucket.org`.')
  })
})

describe('what reaches the transport', () => {
  it('is the method, the URL and the headers, and a body, a proxy or a signal only when given', async () => {
    const bare = recording()
    await sendRequest(bare.transport, request(`${ORIGINS.bitbucket}/2.0/user`, null, { headers: { Accept: 'application/json' } }))
    expect(bare.sent).toStrictEqual([{ method: 'GET', url: new URL(`${ORIGINS.bitbucket}/2.0/user`), headers: { Accept: 'application/json' } }])

    const full = recording()
    const controller = new AbortController()
    const body = { contentType: 'application/json', text: '{}' }
    const proxy = new URL('http://proxy.example:3128')
    await sendRequest(full.transport, request('http://api.bitbucket.org/2.0/x', null, { method: 'POST', body, proxy }), controller.signal)
    expect(full.sent).toStrictEqual([{ method: 'POST', url: new URL('http://api.bitbucket.org/2.0/x'), headers: {}, body, proxy, signal: controller.signal }])
  })

  it("carries the run's signal, so that the deadline stops a request in flight", async () => {
    const controller = new AbortController()
    const reason = new Error('deadline')
    const transport: Transport = (wire) =>
      new Promise((_, reject) => {
        wire.signal?.addEventListener('abort', () => {
          reject(wire.signal?.reason as Error)
        })
      })
    const pending = sendRequest(transport, request(`${ORIGINS.bitbucket}/2.0`, CREDENTIALS[0]!.credential), controller.signal)
    controller.abort(reason)
    await expect(pending).rejects.toBe(reason)
  })
})

describe('credential-free requests through an explicit proxy', () => {
  const proxy = new URL('http://host.docker.internal:29418')

  it('go to http:// through the proxy, with no Authorization', async () => {
    const wire = recording()
    await sendRequest(wire.transport, request('http://api.bitbucket.org/2.0/repositories/w/r/commit/abc/reports/x', null, { method: 'PUT', proxy }))
    expect(wire.sent[0]?.proxy?.href).toBe('http://host.docker.internal:29418/')
    expect(wire.sent[0]?.method).toBe('PUT')
    expect(wire.sent[0]?.headers).toEqual({})
  })

  it('never carry a credential', async () => {
    const wire = recording()
    await expect(sendRequest(wire.transport, request(`${ORIGINS.bitbucket}/2.0`, CREDENTIALS[0]!.credential, { proxy }))).rejects.toThrow(TypeError)
    expect(wire.sent).toEqual([])
  })

  it('take only a plain http proxy', async () => {
    for (const bad of [
      'https://proxy.example:3128',
      'socks5://proxy.example:1080',
      'http://user:pw@proxy.example:3128',
      'http://user@proxy.example:3128',
      'http://:pw@proxy.example:3128',
      'http://proxy.example:3128/path'
    ]) {
      const wire = recording()
      await expect(sendRequest(wire.transport, request('http://api.bitbucket.org/2.0', null, { proxy: new URL(bad) }))).rejects.toBeInstanceOf(
        RequestRefusedError
      )
      expect(wire.sent).toEqual([])
    }
  })
})

describe('the one "no answer" sentence', () => {
  it('names the service, origin, what was asked, the code and the attempts, and what to check', () => {
    expect(noAnswerSentence({ name: 'GitHub', urlInput: 'GITHUB_API_URL' }, 'https://api.github.com', '', 'ECONNRESET', 1).toString()).toBe(
      'Could not get an answer from GitHub at https://api.github.com: ECONNRESET. Check `GITHUB_API_URL`, the network and its proxy settings ' +
        '(HTTPS_PROXY, NO_PROXY); if GitHub is down, run the gate again later.'
    )
    expect(noAnswerSentence(SERVICE, 'https://api.bitbucket.org', 'page 2', 'ETIMEDOUT', 3).toString()).toContain('for page 2: ETIMEDOUT, after 3 attempts.')
  })
})
