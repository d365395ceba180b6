import type { Credentials } from '../../config/credentials.js'
import { formsOf } from '../../secrets.js'

/** The `Authorization` header value for the credentials, and how to name them in messages. */
export function authorizationFor(credentials: Credentials): string {
  if (credentials.kind === 'api-token') {
    return `Basic ${Buffer.from(`${credentials.email}:${credentials.token}`, 'utf8').toString('base64')}`
  }
  return `Bearer ${credentials.token}`
}

/**
 * Every string derived from the credentials that must never be printed: the token, the header and
 * its value after the scheme (the base64 of email:token for Basic), each in the forms an echo may take.
 */
export function secretsOf(credentials: Credentials): string[] {
  const header = authorizationFor(credentials)
  return formsOf([credentials.token, header, header.slice(header.indexOf(' ') + 1)])
}

export function describeCredentials(credentials: Credentials): string {
  return credentials.kind === 'api-token' ? 'an Atlassian API token with `email` (HTTP Basic)' : 'an access token (HTTP Bearer)'
}
