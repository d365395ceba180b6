import { describe, expect, it } from 'vitest'
import { readGrant, type GrantContext } from '../../../src/bitbucket/api/grant.js'
import type { HttpResponse } from '../../../src/http/transport.js'
import { BitbucketHttpError } from '../../../src/errors.js'
import { scrubberFor } from '../../../src/secrets.js'
import { thrown } from '../../support/members.js'

const context: GrantContext = {
  tokenUrl: new URL('https://bitbucket.org/site/oauth2/access_token'),
  clientId: 'KeyAbc',
  attempts: 1,
  scrub: scrubberFor(['consumer-secret-value']),
  redact: false
}
const json = (status: number, body: unknown): HttpResponse => ({ status, contentType: 'application/json', retryAfter: null, body: JSON.stringify(body) })
const failure = (response: HttpResponse, ctx: GrantContext = context): Error => thrown(() => readGrant(response, ctx)) as Error

describe('readGrant', () => {
  it('returns the access token', () => {
    expect(readGrant(json(200, { access_token: 'tok-12345678', token_type: 'bearer', expires_in: 7200, scopes: 'account pullrequest' }), context)).toEqual({
      accessToken: 'tok-12345678'
    })
    expect(readGrant(json(200, { access_token: 'tok-12345678', token_type: 'Bearer', scopes: 'repository,account' }), context)).toEqual({
      accessToken: 'tok-12345678'
    })
  })

  it('reads an error body only when it is JSON, and a code only when it is one', () => {
    const plain = failure({ status: 400, contentType: 'text/plain', retryAfter: null, body: '{"error":"invalid_client"}' })
    expect(plain.message).not.toContain('invalid_client)')
    expect(plain.message).toMatch(/^The token endpoint .* answered 400\./)
    expect(failure(json(400, { error: 5 })).message).toMatch(/^The token endpoint .* answered 400\./)
    expect(failure(json(400, { error: 'x invalid_client' })).message).toMatch(/^The token endpoint .* answered 400\./)
    expect(failure(json(400, { error: 'invalid_client x' })).message).toMatch(/^The token endpoint .* answered 400\./)
    expect(failure(json(400, { error: 'a'.repeat(41) })).message).toMatch(/^The token endpoint .* answered 400\./)
    expect(failure({ status: 400, contentType: 'application/json', retryAfter: null, body: '{not json' }).message).toMatch(
      /^The token endpoint .* answered 400\./
    )
  })

  it('says a missing account scope in the admin words', () => {
    const error = failure(json(200, { access_token: 'tok-12345678', token_type: 'bearer', scopes: 'repository pullrequest' }))
    expect(error.message).toBe(
      'The OAuth consumer `KeyAbc` has no `account` scope, which reading workspace members needs. In Workspace settings → OAuth consumers → Edit, tick the permission Account: Read, save, and re-run.'
    )
    expect(failure(json(400, { error: 'invalid_scope', error_description: 'scope' })).message).toMatch(/has no `account` scope/)
  })

  it.each([
    ['not JSON', { status: 200, contentType: 'text/html', retryAfter: null, body: '<html>' }, 'the body is not JSON'],
    ['no token', json(200, { token_type: 'bearer' }), 'without a usable `access_token`'],
    ['an empty token', json(200, { access_token: '' }), 'without a usable `access_token`'],
    ['a token with a space', json(200, { access_token: 'tok 12345678' }), 'without a usable `access_token`'],
    ['a token with a line break after it', json(200, { access_token: 'tok-12345678\n' }), 'without a usable `access_token`'],
    ['a token type that is not text', json(200, { access_token: 'tok-12345678', token_type: 5 }), 'with a token type other than bearer'],
    ['a mac token', json(200, { access_token: 'tok-12345678', token_type: 'mac' }), 'with a token type other than bearer'],
    ['scopes as a list', json(200, { access_token: 'tok-12345678', scopes: ['account'] }), 'with `scopes` that are not text']
  ])('fails closed on a 200 with %s', (_, response, what) => {
    const error = failure(response)
    expect(error.message).toContain(`answered 200 for the OAuth consumer \`KeyAbc\` but ${what}`)
    expect(error.message).toContain('`oauth-token-url`')
  })

  it('tells a wrong id or secret apart from a consumer that is not private', () => {
    const wrong = failure(json(400, { error: 'invalid_client', error_description: 'Invalid OAuth client credentials' }))
    expect(wrong).toBeInstanceOf(BitbucketHttpError)
    expect(wrong.message).toBe(
      "Bitbucket refused the OAuth consumer `KeyAbc` (HTTP 400, invalid_client): `oauth-client-id` (the consumer's Key) or `oauth-client-secret` (its Secret) is wrong, " +
        'or the consumer was deleted. Bitbucket says: `Invalid OAuth client credentials`. Copy both again from Workspace settings → OAuth consumers.'
    )
    const notPrivate = failure(json(400, { error: 'unauthorized_client', error_description: 'no' }))
    expect(notPrivate.message).toMatch(/only a private consumer may use them/)
    expect(notPrivate.message).toMatch(/tick "This is a private consumer"/)
  })

  it('names any other OAuth error code and the token URL', () => {
    const error = failure(json(400, { error: 'unsupported_grant_type', error_description: 'nope' }))
    expect(error.message).toMatch(
      /^Bitbucket refused the token request for the OAuth consumer `KeyAbc` \(HTTP 400, unsupported_grant_type\)\. Bitbucket says: `nope`\./
    )
    expect(error.message).toContain('Check `oauth-token-url`')
  })

  it('scrubs the secret from what the endpoint says, and ignores a code that is not a code', () => {
    const echoed = failure(json(400, { error: 'invalid_client', error_description: 'bad secret consumer-secret-value' }))
    expect(echoed.message).not.toContain('consumer-secret-value')
    expect(echoed.message).toContain('bad secret ***')
    expect(failure(json(400, { error: 'Invalid Client!' })).message).toMatch(/answered 400/)
  })

  it.each([
    [
      { status: 503, contentType: 'text/html', retryAfter: null, body: '<h1>down</h1>' },
      3,
      /answered 503 after 3 attempts\. Body \(text\/html\) starts: `down`\. This is an outage/
    ],
    [{ status: 429, contentType: 'text/plain', retryAfter: null, body: 'slow down' }, 6, /kept answering 429 \(rate limit\) after 6 attempts/],
    [{ status: 302, contentType: 'text/html', retryAfter: null, body: '' }, 1, /a redirect\); the gate does not follow redirects with credentials/],
    [
      { status: 404, contentType: 'text/html', retryAfter: null, body: 'Not Found' },
      1,
      /^The token endpoint https:\/\/bitbucket\.org\/site\/oauth2\/access_token answered 404\. Body.*Check `oauth-token-url`/
    ]
  ])('turns HTTP %j into advice', (response, attempts, message) => {
    const error = failure(response, { ...context, attempts })
    expect(error).toBeInstanceOf(BitbucketHttpError)
    expect(error.message).toMatch(message)
  })

  it('does not quote a non-JSON body in redact mode', () => {
    const error = failure({ status: 500, contentType: 'text/html', retryAfter: null, body: 'Ada Lovelace' }, { ...context, redact: true })
    expect(error.message).not.toContain('Ada')
    expect(error.message).toMatch(/not quoted in redact mode/)
  })
})
