import { describe, expect, it } from 'vitest'
import { parseCredentialInputs, parseCredentials } from '../../src/config/credentials.js'

describe('parseCredentials', () => {
  it('sends an API token with email as Basic and anything else without email as Bearer', () => {
    expect(parseCredentials(' a@b.co ', ' ATATT-x ')).toEqual({ kind: 'api-token', email: 'a@b.co', token: 'ATATT-x' })
    expect(parseCredentials('', 'ATCTT-x')).toEqual({ kind: 'access-token', token: 'ATCTT-x' })
  })

  it('takes an email address with a longer local part and domain', () => {
    expect(parseCredentials('jane.doe@example.com', 'ATATT-x')).toEqual({ kind: 'api-token', email: 'jane.doe@example.com', token: 'ATATT-x' })
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

describe('parseCredentialInputs', () => {
  const none = { email: '', token: '', oauthClientId: '', oauthClientSecret: '', oauthTokenUrl: '' }

  it('takes an OAuth consumer with the default token URL, or the one given', () => {
    const consumer = parseCredentialInputs({ ...none, oauthClientId: ' Key123 ', oauthClientSecret: ' s3cretValue ' })
    expect(consumer).toEqual({
      kind: 'oauth',
      clientId: 'Key123',
      clientSecret: 's3cretValue',
      tokenUrl: new URL('https://bitbucket.org/site/oauth2/access_token')
    })
    const local = parseCredentialInputs({
      ...none,
      oauthClientId: 'k',
      oauthClientSecret: 'secret',
      oauthTokenUrl: 'http://127.0.0.1:9/site/oauth2/access_token'
    })
    expect(local.kind === 'oauth' && local.tokenUrl.href).toBe('http://127.0.0.1:9/site/oauth2/access_token')
  })

  it('still reads email and token when no consumer is given', () => {
    expect(parseCredentialInputs({ ...none, email: 'a@b.co', token: 'ATATT-x' })).toEqual({ kind: 'api-token', email: 'a@b.co', token: 'ATATT-x' })
    expect(() => parseCredentialInputs(none)).toThrow(/`token` is required.*`oauth-client-id` and `oauth-client-secret`/)
  })

  it.each([
    [{ token: 'ATATT-supersecret', oauthClientId: 'k', oauthClientSecret: 'oauthsupersecret' }, 'Input `token` and input `oauth-client-id`'],
    [{ email: 'a@b.co', oauthClientId: 'k', oauthClientSecret: 'oauthsupersecret' }, 'Input `email` and input `oauth-client-id`'],
    [{ token: 'ATATT-supersecret', oauthClientSecret: 'oauthsupersecret' }, 'Input `token` and input `oauth-client-secret`']
  ])('refuses a mix of credential kinds, naming both: %j', (given, names) => {
    const attempt = () => parseCredentialInputs({ ...none, ...given })
    expect(attempt).toThrow(names)
    expect(attempt).toThrow(/exactly one kind of credential/)
    expect(attempt).not.toThrow(/supersecret/)
  })

  it('takes a consumer next to an email or token that is only white space, as if they were not given', () => {
    const consumer = { oauthClientId: 'Key123', oauthClientSecret: 's3cretValue' }
    for (const blank of [{ token: ' \n ' }, { email: ' \t ' }, { email: '  ', token: '  ' }]) {
      expect(parseCredentialInputs({ ...none, ...blank, ...consumer })).toMatchObject({ kind: 'oauth', clientId: 'Key123', clientSecret: 's3cretValue' })
    }
  })

  it('names the half of a consumer that is missing', () => {
    expect(() => parseCredentialInputs({ ...none, oauthClientSecret: 'oauthsupersecret' })).toThrow(/`oauth-client-secret` was given without `oauth-client-id`/)
    expect(() => parseCredentialInputs({ ...none, oauthClientId: 'k' })).toThrow(/`oauth-client-id` needs `oauth-client-secret`/)
  })

  it('refuses white space inside the id or the secret, without echoing them', () => {
    expect(() => parseCredentialInputs({ ...none, oauthClientId: 'a b', oauthClientSecret: 'secret' })).toThrow(/`oauth-client-id` contains white space/)
    const attempt = () => parseCredentialInputs({ ...none, oauthClientId: 'k', oauthClientSecret: 'super\nsecret' })
    expect(attempt).toThrow(/`oauth-client-secret` contains white space/)
    expect(attempt).not.toThrow(/super/)
  })

  it.each([
    ['http://bitbucket.example/site/oauth2/access_token', /`oauth-token-url` uses plain http:\/\/ to bitbucket.example/],
    ['ftp://x/y', /`oauth-token-url` must start with https:\/\//],
    ['https://u:p@bitbucket.org/site/oauth2/access_token', /`oauth-token-url` must not contain credentials/],
    ['https://bitbucket.org/site/oauth2/access_token?x=1', /`oauth-token-url` must be a URL without \? or #/],
    ['not a url', /`oauth-token-url` is not a URL/]
  ])('locks the token URL like api-url: %s', (url, message) => {
    expect(() => parseCredentialInputs({ ...none, oauthClientId: 'k', oauthClientSecret: 'secret', oauthTokenUrl: url })).toThrow(message)
  })
})
