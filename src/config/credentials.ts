import { InputError } from '../errors.js'
import { parseOAuthTokenUrl } from './inputs.js'
import { say } from '../sentence.js'
import { named, code } from './catalogue.js'

/** The Bitbucket credentials of a run: one kind, checked before any request. */
export type Credentials =
  | { readonly kind: 'api-token'; readonly email: string; readonly token: string }
  | { readonly kind: 'access-token'; readonly token: string }
  /** An OAuth consumer: its id and secret buy an access token at `tokenUrl` (client credentials grant). */
  | { readonly kind: 'oauth'; readonly clientId: string; readonly clientSecret: string; readonly tokenUrl: URL }

/** The raw credential inputs, as either door reads them. */
export interface CredentialInputs {
  readonly email: string
  readonly token: string
  readonly oauthClientId: string
  readonly oauthClientSecret: string
  readonly oauthTokenUrl: string
}

/**
 * Exactly one kind of credential per run: `email` + `token` (or an access token in `token`), or
 * `oauth-client-id` + `oauth-client-secret`. A mix is a mistake worth naming, not a guess.
 */
export function parseCredentialInputs(inputs: CredentialInputs): Credentials {
  const clientId = inputs.oauthClientId.trim()
  const clientSecret = inputs.oauthClientSecret.trim()
  if (clientId === '' && clientSecret === '') return parseCredentials(inputs.email, inputs.token)
  const oauthName = clientId === '' ? 'oauth-client-secret' : 'oauth-client-id'
  const tokenName = inputs.token.trim() !== '' ? 'token' : inputs.email.trim() !== '' ? 'email' : null
  if (tokenName !== null) {
    throw new InputError(
      say`${named(tokenName)} and ${named(oauthName)} were both given: a run uses exactly one kind of credential. Keep ${code('email')} and ${code('token')} (an Atlassian API token) or ${code('oauth-client-id')} and ${code('oauth-client-secret')} (an OAuth consumer), and remove the other.`
    )
  }
  if (clientId === '') {
    throw new InputError(
      say`${named('oauth-client-secret')} was given without ${code('oauth-client-id')}: pass the OAuth consumer's Key as ${code('oauth-client-id')} (Workspace settings → OAuth consumers).`
    )
  }
  if (clientSecret === '') {
    throw new InputError(
      say`${named('oauth-client-id')} needs ${code('oauth-client-secret')}: pass the OAuth consumer's Secret from a secret (never written into a file).`
    )
  }
  for (const [name, value] of [
    ['oauth-client-id', clientId],
    ['oauth-client-secret', clientSecret]
  ] as const) {
    if (/\s/.test(value)) throw new InputError(say`${named(name)} contains white space; copy it again without spaces or line breaks.`)
  }
  return { kind: 'oauth', clientId, clientSecret, tokenUrl: parseOAuthTokenUrl(inputs.oauthTokenUrl) }
}

const EMAIL = /^[^\s@:]+@[^\s@:]+$/

export function parseCredentials(emailInput: string, tokenInput: string): Credentials {
  const email = emailInput.trim()
  const token = tokenInput.trim()
  if (token === '') {
    throw new InputError(
      say`${named('token')} is required: pass a workspace admin's Atlassian API token (with ${code('email')}) or an access token, from a secret (never written into a file); or, instead, an OAuth consumer with ${code('oauth-client-id')} and ${code('oauth-client-secret')}.`
    )
  }
  if (/\s/.test(token)) {
    throw new InputError(say`${named('token')} contains white space; copy the token again without spaces or line breaks.`)
  }
  if (token.startsWith('ATBB')) {
    throw new InputError(
      say`${named('token')} looks like a Bitbucket app password (it starts with ATBB). App passwords were removed on 28 Jul 2026. Create an Atlassian API token with scope \`read:workspace:bitbucket\` as a workspace admin and pass it with ${code('email')}.`
    )
  }
  if (email === '') {
    if (token.startsWith('ATAT')) {
      throw new InputError(
        say`${named('token')} looks like an Atlassian API token (it starts with ATAT): API tokens need ${code('email')}. Set ${code('email')} to the Atlassian account email of the admin who created the token.`
      )
    }
    return { kind: 'access-token', token }
  }
  if (!EMAIL.test(email)) {
    throw new InputError(say`${named('email')} is not an email address. Set it to the Atlassian account email of the admin who created the API token.`)
  }
  if (token.startsWith('ATCT')) {
    throw new InputError(
      say`${named('token')} looks like a workspace or project access token (it starts with ATCT); those are sent without ${code('email')}. Remove ${code('email')}, or pass an Atlassian API token instead.`
    )
  }
  return { kind: 'api-token', email, token }
}
