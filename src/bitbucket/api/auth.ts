import type { Credentials } from '../../config/credentials.js'
import { Credential, type Service } from '../../http/request.js'
import { formsOf } from '../../secrets.js'
import { say, type Sentence } from '../../sentence.js'
import { code } from '../../config/catalogue.js'

/** Bitbucket's REST API, for the request core's messages. */
export const BITBUCKET: Service = { name: 'Bitbucket', urlInput: 'api-url' }

type StaticCredentials = Exclude<Credentials, { kind: 'oauth' }>
type OAuthCredentials = Extract<Credentials, { kind: 'oauth' }>

/** The `Authorization` header value for a token the run was given (not an OAuth consumer's). */
export function authorizationFor(credentials: StaticCredentials): string {
  if (credentials.kind === 'api-token') return basic(credentials.email, credentials.token)
  return bearer(credentials.token)
}

/** The header that asks the token endpoint for a token: the consumer's id and secret, HTTP Basic. */
export function grantAuthorizationFor(credentials: OAuthCredentials): string {
  return basic(credentials.clientId, credentials.clientSecret)
}

/** The run's own token (an API token with `email`, or an access token), for `api-url`'s origin only. */
export function bitbucketCredential(credentials: StaticCredentials, apiUrl: URL): Credential {
  return Credential.lockedTo(apiUrl, 'api-url', 'the Bitbucket credentials', authorizationFor(credentials))
}

/** An OAuth consumer's access token, for `api-url`'s origin only. */
export function oauthTokenCredential(accessToken: string, apiUrl: URL): Credential {
  return Credential.lockedTo(apiUrl, 'api-url', "the OAuth consumer's access token", bearer(accessToken))
}

/** The consumer's key and secret, for the token URL's origin only. */
export function grantCredential(credentials: OAuthCredentials): Credential {
  return Credential.lockedTo(credentials.tokenUrl, 'oauth-token-url', "the OAuth consumer's key and secret", grantAuthorizationFor(credentials))
}

export function bearer(token: string): string {
  return `Bearer ${token}`
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`
}

/**
 * Every string derived from the credentials that must never be printed: the token (or the consumer's
 * secret), the header and its value after the scheme (the base64 of user:secret for Basic), each in the
 * forms an echo may take. A consumer's id is not secret and stays readable.
 */
export function secretsOf(credentials: Credentials): string[] {
  const [secret, header] =
    credentials.kind === 'oauth' ? [credentials.clientSecret, grantAuthorizationFor(credentials)] : [credentials.token, authorizationFor(credentials)]
  return formsOf([secret, header, header.slice(header.indexOf(' ') + 1)])
}

/** The secrets of an access token obtained during the run. */
export function obtainedTokenSecrets(token: string): string[] {
  return formsOf([token, bearer(token)])
}

export function describeCredentials(credentials: Credentials): Sentence {
  switch (credentials.kind) {
    case 'api-token':
      return say`an Atlassian API token with ${code('email')} (HTTP Basic)`
    case 'access-token':
      return say`an access token (HTTP Bearer)`
    case 'oauth':
      return say`an OAuth consumer's access token (HTTP Bearer)`
  }
}
