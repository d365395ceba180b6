import { describe, expect, it } from 'vitest'
import { readGrant, type GrantContext } from '../../../src/bitbucket/api/grant.js'
import type { HttpResponse } from '../../../src/http/transport.js'
import { BitbucketHttpError, errorMessage, GateError } from '../../../src/errors.js'
import { thrown } from '../../support/members.js'
import { QUICK } from '../../support/quick.js'

const context: GrantContext = {
  tokenUrl: new URL('https://bitbucket.org/site/oauth2/access_token'),
  clientId: 'KeyAbc',
  attempts: 1,
  // A scrubber of the test's own: nothing of src runs while the file is collected (the mutation run
  // would otherwise treat what it touches as static and run every test for each of its mutants).
  scrub: (text) => text.split('consumer-secret-value').join('***')
}
const answer = (status: number, contentType: string, body: string): HttpResponse => ({
  status,
  contentType,
  retryAfter: null,
  headers: { 'content-type': contentType },
  body
})
const json = (status: number, body: unknown): HttpResponse => answer(status, 'application/json', JSON.stringify(body))
const failure = (response: HttpResponse, ctx: GrantContext = context): GateError => {
  const error = thrown(() => readGrant(response, ctx))
  expect(error).toBeInstanceOf(GateError)
  return error as GateError
}
/** The message as a door prints it: the gate's sentence, then what the endpoint said (quoted, or only its shape). */
const shown = (error: GateError, redact = false): string => errorMessage(error, redact)

describe('readGrant', QUICK, () => {
  it('returns the access token', () => {
    expect(readGrant(json(200, { access_token: 'tok-12345678', token_type: 'bearer', expires_in: 7200, scopes: 'account pullrequest' }), context)).toEqual({
      accessToken: 'tok-12345678'
    })
    expect(readGrant(json(200, { access_token: 'tok-12345678', token_type: 'Bearer', scopes: 'repository,account' }), context)).toEqual({
      accessToken: 'tok-12345678'
    })
  })

  it('reads an error body only when it is JSON, and a code only when it is one', () => {
    const plain = failure(answer(400, 'text/plain', '{"error":"invalid_client"}'))
    expect(plain.message).not.toContain('invalid_client)')
    expect(plain.message).toMatch(/^The token endpoint .* answered 400\./)
    expect(failure(json(400, { error: 5 })).message).toMatch(/^The token endpoint .* answered 400\./)
    expect(failure(json(400, { error: 'x invalid_client' })).message).toMatch(/^The token endpoint .* answered 400\./)
    expect(failure(json(400, { error: 'invalid_client x' })).message).toMatch(/^The token endpoint .* answered 400\./)
    expect(failure(json(400, { error: 'a'.repeat(41) })).message).toMatch(/^The token endpoint .* answered 400\./)
    expect(failure(answer(400, 'application/json', '{not json')).message).toMatch(/^The token endpoint .* answered 400\./)
  })

  it('takes a code only as text, and a description only when it says something', () => {
    // ['invalid_client'] reads as "invalid_client" once made a string: it is still not a code.
    const listed = failure(json(400, { error: ['invalid_client'] }))
    expect(listed.message).toMatch(/^The token endpoint .* answered 400\./)
    for (const description of [5, '   ', ['no']]) {
      const error = failure(json(400, { error: 'invalid_client', error_description: description }))
      expect(error.message).toMatch(/\(HTTP 400, invalid_client\)/)
      expect(shown(error)).toBe(error.message)
    }
  })

  it('says a missing account scope in the admin words', () => {
    const error = failure(json(200, { access_token: 'tok-12345678', token_type: 'bearer', scopes: 'repository pullrequest' }))
    expect(error.message).toBe(
      'The OAuth consumer `KeyAbc` has no `account` scope, which reading workspace members needs. In Workspace settings → OAuth consumers → Edit, tick the permission Account: Read, save, and run the gate again.'
    )
    const invalidScope = failure(json(400, { error: 'invalid_scope', error_description: 'scope' }))
    expect(invalidScope.message).toMatch(/^The OAuth consumer `KeyAbc` has no `account` scope/)
    expect(shown(invalidScope)).toMatch(/ Bitbucket says: `scope`\.$/)
  })

  it.each([
    ['not JSON', answer(200, 'text/html', '<html>'), 'the body is not JSON'],
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
        'or the consumer was deleted. Copy both again from Workspace settings → OAuth consumers.'
    )
    expect(shown(wrong)).toBe(`${wrong.message} Bitbucket says: \`Invalid OAuth client credentials\`.`)
    expect(shown(wrong, true)).toBe(`${wrong.message} Bitbucket's answer (application/json, 81 bytes) is not quoted in redact mode.`)
    const notPrivate = failure(json(400, { error: 'unauthorized_client', error_description: 'no' }))
    expect(notPrivate.message).toMatch(/only a private consumer may use them/)
    expect(notPrivate.message).toMatch(/tick "This is a private consumer"/)
    expect(shown(notPrivate)).toMatch(/ Bitbucket says: `no`\.$/)
  })

  it('names any other OAuth error code and the token URL', () => {
    const error = failure(json(400, { error: 'unsupported_grant_type', error_description: 'nope' }))
    expect(error.message).toMatch(
      /^Bitbucket refused the token request for the OAuth consumer `KeyAbc` \(HTTP 400, unsupported_grant_type\)\. Check `oauth-token-url`/
    )
    expect(error.message).not.toContain('nope')
    expect(shown(error)).toMatch(/ Bitbucket says: `nope`\.$/)
  })

  it('scrubs the secret from what the endpoint says, and ignores a code that is not a code', () => {
    const echoed = failure(json(400, { error: 'invalid_client', error_description: 'bad secret consumer-secret-value' }))
    expect(echoed.message).not.toContain('bad secret')
    expect(shown(echoed)).not.toContain('consumer-secret-value')
    expect(shown(echoed)).toContain('Bitbucket says: `bad secret ***`.')
    expect(failure(json(400, { error: 'Invalid Client!' })).message).toMatch(/answered 400/)
  })

  it.each<[HttpResponse, number, RegExp, RegExp | null]>([
    [
      answer(503, 'text/html', '<h1>down</h1>'),
      3,
      /^Bitbucket's token endpoint answered 503 after 3 attempts\. This is an outage/,
      / Bitbucket's token endpoint's answer \(text\/html, 13 bytes\) starts: `down`\.$/
    ],
    [answer(502, 'text/html', '  '), 1, /^Bitbucket's token endpoint answered 502 with an empty body\. This is an outage/, null],
    [answer(429, 'text/plain', 'slow down'), 6, /^Bitbucket's token endpoint kept answering 429 \(rate limit\) after 6 attempts\. Wait/, null],
    [answer(429, 'text/plain', 'slow down'), 1, /^Bitbucket's token endpoint kept answering 429 \(rate limit\)\. Wait/, null],
    [
      answer(404, 'text/html', 'Not Found'),
      1,
      /^The token endpoint https:\/\/bitbucket\.org\/site\/oauth2\/access_token answered 404\. Check `oauth-token-url`/,
      / The token endpoint's answer \(text\/html, 9 bytes\) starts: `Not Found`\.$/
    ],
    [answer(404, 'text/html', ''), 1, /^The token endpoint https:\/\/bitbucket\.org\/site\/oauth2\/access_token answered 404 with an empty body\. Check/, null]
  ])('turns HTTP %j into advice', (response, attempts, message, said) => {
    const error = failure(response, { ...context, attempts })
    expect(error).toBeInstanceOf(BitbucketHttpError)
    expect(error instanceof BitbucketHttpError && error.status).toBe(response.status)
    expect(error.message).toMatch(message)
    if (said === null) expect(shown(error)).toBe(error.message)
    else expect(shown(error)).toMatch(said)
  })

  it('does not quote a non-JSON body in redact mode', () => {
    const error = failure(answer(500, 'text/html', 'Ada Lovelace'))
    expect(shown(error, true)).toBe(`${error.message} Bitbucket's token endpoint's answer (text/html, 12 bytes) is not quoted in redact mode.`)
    expect(shown(error, true)).not.toContain('Ada')
    expect(shown(error)).toContain('starts: `Ada Lovelace`.')
  })
})
