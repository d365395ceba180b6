import { describe, expect, it } from 'vitest'
import { InputError } from '../../src/errors.js'
import { isCleartextRemote, parseApiUrl, parseBoolean, parseCredentials, parseInputs, parseRedact, parseWorkspaces } from '../../src/inputs.js'

const inputs = (values: Record<string, string>) => (name: string) => values[name] ?? ''

describe('parseInputs', () => {
  it('reads every input with its defaults', () => {
    const parsed = parseInputs(inputs({ workspace: 'acme', email: 'a@b.co', token: 'ATATT-x' }))
    expect(parsed).toMatchObject({
      workspaces: ['acme'],
      credentials: { kind: 'api-token', email: 'a@b.co', token: 'ATATT-x' },
      exemptions: [],
      failOnUnknown: true,
      failOnViolation: true,
      summary: true,
      redact: 'auto'
    })
    expect(parsed.apiUrl.href).toBe('https://api.bitbucket.org/2.0')
  })

  it('refuses a missing workspace before anything else happens', () => {
    expect(() => parseInputs(inputs({ token: 'x' }))).toThrow(/Input `workspace` is required/)
  })
})

describe('parseWorkspaces', () => {
  it('splits on commas and newlines, trims and dedupes', () => {
    expect(parseWorkspaces('acme, beta\n\n gamma ,acme\r\nBeta')).toEqual(['acme', 'beta', 'gamma'])
  })

  it('accepts a braced uuid and lower-cases it', () => {
    expect(parseWorkspaces('{AAAAAAAA-1111-4111-8111-111111111111}')).toEqual(['{aaaaaaaa-1111-4111-8111-111111111111}'])
  })

  it.each(['../x', 'a/b', 'a b', '.hidden', '{not-a-uuid}', 'acme?x=1', 'a%2Fb', '-'])('refuses %j', (value) => {
    expect(() => parseWorkspaces(value)).toThrow(InputError)
    expect(() => parseWorkspaces(value)).toThrow(/Input `workspace`/)
  })
})

describe('parseCredentials', () => {
  it('sends an API token with email as Basic and anything else without email as Bearer', () => {
    expect(parseCredentials(' a@b.co ', ' ATATT-x ')).toEqual({ kind: 'api-token', email: 'a@b.co', token: 'ATATT-x' })
    expect(parseCredentials('', 'ATCTT-x')).toEqual({ kind: 'access-token', token: 'ATCTT-x' })
  })

  it('requires a token', () => {
    expect(() => parseCredentials('a@b.co', '  ')).toThrow(/Input `token` is required/)
  })

  it('tells an API token without email that it needs one', () => {
    expect(() => parseCredentials('', 'ATATT3xFfGF0-secret')).toThrow(/API tokens need `email`/)
  })

  it('refuses app passwords, which Bitbucket removed', () => {
    expect(() => parseCredentials('a@b.co', 'ATBB1234secret')).toThrow(/removed on 28 Jul 2026/)
  })

  it('refuses an access token sent with email', () => {
    expect(() => parseCredentials('a@b.co', 'ATCTT-x')).toThrow(/access token/)
  })

  it('refuses a malformed email', () => {
    expect(() => parseCredentials('not an email', 'ATATT-x')).toThrow(/Input `email`/)
  })

  it('never echoes the token in an error', () => {
    for (const [email, token] of [['', 'ATATT-supersecret'], ['x@y.z', 'ATBB-supersecret'], ['x@y.z', 'two words-supersecret']]) {
      try {
        parseCredentials(email ?? '', token ?? '')
        expect.unreachable()
      } catch (error) {
        expect(String(error)).not.toContain('supersecret')
      }
    }
  })
})

describe('parseApiUrl', () => {
  it('defaults to Bitbucket Cloud and strips a trailing slash', () => {
    expect(parseApiUrl('').href).toBe('https://api.bitbucket.org/2.0')
    expect(parseApiUrl('http://127.0.0.1:8080/2.0/').href).toBe('http://127.0.0.1:8080/2.0')
  })

  it.each([
    ['ftp://x/2.0', /must start with https/],
    ['not a url', /not a URL/],
    ['https://user:pw@x/2.0', /must not contain credentials/],
    ['https://x/2.0?a=1', /without \? or #/]
  ])('refuses %s', (value, message) => {
    expect(() => parseApiUrl(value)).toThrow(message)
  })

  it('flags plain http to a remote host, not to loopback', () => {
    expect(isCleartextRemote(new URL('http://bitbucket.internal/2.0'))).toBe(true)
    expect(isCleartextRemote(new URL('http://127.0.0.1:9/2.0'))).toBe(false)
    expect(isCleartextRemote(new URL('https://api.bitbucket.org/2.0'))).toBe(false)
  })
})

describe('booleans and redact', () => {
  it('takes the YAML 1.2 core booleans and lists the valid values otherwise', () => {
    expect(parseBoolean('summary', 'TRUE', false)).toBe(true)
    expect(parseBoolean('summary', 'False', true)).toBe(false)
    expect(parseBoolean('summary', '', true)).toBe(true)
    expect(() => parseBoolean('fail-on-unknown', 'yes', true)).toThrow('Input `fail-on-unknown` must be `true` or `false` (got "yes").')
  })

  it('takes auto, true or false for redact', () => {
    expect(parseRedact('')).toBe('auto')
    expect(parseRedact('FALSE')).toBe('false')
    expect(() => parseRedact('maybe')).toThrow(/`auto`, `true` or `false`/)
  })
})
