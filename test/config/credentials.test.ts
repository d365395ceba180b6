import { describe, expect, it } from 'vitest'
import { parseCredentials } from '../../src/config/credentials.js'

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

  it.each(['not an email', 'a@b@c', '@b.co', 'a@', 'a b@c.co', 'a:b@c.co', 'a@b:c'])('refuses the malformed email %j', (email) => {
    expect(() => parseCredentials(email, 'ATATT-x')).toThrow(/Input `email` is not an email address/)
  })

  it.each([
    ['', 'ATATT-supersecret', /API tokens need `email`/],
    ['x@y.z', 'ATBB-supersecret', /app password/],
    ['x@y.z', 'two words-supersecret', /contains white space/],
    ['x@y.z', 'ATCTT-supersecret', /access token/]
  ])('refuses email %j with a bad token, and never echoes the token', (email, token, message) => {
    expect(() => parseCredentials(email, token)).toThrow(message)
    expect(() => parseCredentials(email, token)).not.toThrow(/supersecret|secret/)
  })
})
