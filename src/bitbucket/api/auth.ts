import type { Credentials } from '../../config/credentials.js'
import { formsOf } from '../../secrets.js'

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

export function describeCredentials(credentials: Credentials): string {
  switch (credentials.kind) {
    case 'api-token':
      return 'an Atlassian API token with `email` (HTTP Basic)'
    case 'access-token':
      return 'an access token (HTTP Bearer)'
    case 'oauth':
      return "an OAuth consumer's access token (HTTP Bearer)"
  }
}
