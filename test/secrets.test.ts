import { describe, expect, it } from 'vitest'
import { authorizationFor, secretsOf } from '../src/bitbucket/api/auth.js'
import { ServerText } from '../src/text.js'
import { SecretSet, scrubberFor, scrubSecrets } from '../src/secrets.js'

describe('secrets', () => {
  const credentials = { kind: 'api-token' as const, email: 'a@b.co', token: 'ATATT-s3cret/x+y=' }
  // Written out by hand: base64 of "a@b.co:ATATT-s3cret/x+y=".
  const BASE64 = 'YUBiLmNvOkFUQVRULXMzY3JldC94K3k9'

  it('sends an API token as Basic email:token and an access token as Bearer', () => {
    expect(authorizationFor(credentials)).toBe(`Basic ${BASE64}`)
    expect(authorizationFor({ kind: 'access-token', token: 'ATCTT-x' })).toBe('Bearer ATCTT-x')
  })

  it.each([
    ['the token', 'ATATT-s3cret/x+y='],
    ['the header', `Basic ${BASE64}`],
    ['the base64 alone', BASE64],
    ['the token percent-encoded', 'ATATT-s3cret%2Fx%2By%3D'],
    ['the token percent-encoded in lower case', 'ATATT-s3cret%2fx%2by%3d'],
    ['the base64 percent-encoded', 'YUBiLmNvOkFUQVRULXMzY3JldC94K3k9'.replace('=', '%3D')],
    ['the token JSON-escaped', 'ATATT-s3cret\\/x+y=']
  ])('scrubs %s from any text', (_, form) => {
    const clean = scrubSecrets(`echo: ${form} end`, secretsOf(credentials))
    expect(clean).toBe('echo: *** end')
  })

  it('leaves secrets shorter than 4 characters alone, and replaces a longer form whole', () => {
    expect(scrubSecrets('a abc abcd', ['abc'])).toBe('a abc abcd')
    expect(scrubSecrets('a abc abcd', ['abcd'])).toBe('a abc ***')
    expect(scrubSecrets('x Basic abcd y', ['abcd', 'Basic abcd'])).toBe('x *** y')
  })

  it('scrubs a text that is exactly a secret, and passes shorter text through unscanned', () => {
    const scrub = scrubberFor(['s3cret-token', 'longer-s3cret-token'])
    expect(scrub('s3cret-token')).toBe('***')
    expect(scrub('s3cret-toke')).toBe('s3cret-toke')
    expect(scrub('longer-s3cret-token')).toBe('***')
    expect(scrubberFor([])('anything at all')).toBe('anything at all')
  })

  it('scrubs before it cuts, so no fragment of a secret survives a cut', () => {
    const echoed = `${'x'.repeat(100)} Authorization: Basic ${BASE64}`
    const quoted = ServerText.of(echoed, (text) => scrubSecrets(text, secretsOf(credentials)), { contentType: 'text/plain', body: echoed }).quote(120)
    expect(quoted).toBe(`${'x'.repeat(100)} Authorization: ***`)
    for (let i = 0; i + 6 <= BASE64.length; i++) expect(quoted).not.toContain(BASE64.slice(i, i + 6))
  })

  it('keeps a set of secrets that grows: it scrubs the first ones and every one added later, in all their forms', () => {
    const secrets = new SecretSet(['first-secret'])
    const echo = 'a first-secret b later/secret c later\\/secret'
    expect(secrets.scrub(echo)).toBe('a *** b later/secret c later\\/secret')
    secrets.add(['later/secret'])
    expect(secrets.scrub(echo)).toBe('a *** b *** c ***')
  })
})
