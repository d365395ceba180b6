import { BitbucketHttpError, GateError, type ServerSaid } from '../../errors.js'
import type { Service } from '../../http/request.js'
import { printable, ServerText } from '../../text.js'
import type { HttpResponse } from '../../http/transport.js'
import { bodySaid } from './errors.js'
import { field } from '../../json.js'
import { say, type Sentence } from '../../sentence.js'
import { code } from '../../config/catalogue.js'

/** The token endpoint, for the request core's messages. */
export const TOKEN_ENDPOINT: Service = { name: "Bitbucket's token endpoint", urlInput: 'oauth-token-url' }

/** The OAuth 2.0 client credentials grant, as a form body. */
export const GRANT_FORM = { contentType: 'application/x-www-form-urlencoded', text: 'grant_type=client_credentials' } as const

/** The scope that lets a consumer's token read workspace members (Bitbucket: "Account: Read"). */
export const ACCOUNT_SCOPE = 'account'

/** An access token; its lifetime (`expires_in`) is not read: a 401 after expiry renews it, once. */
export interface GrantedToken {
  readonly accessToken: string
}

export interface GrantContext {
  readonly tokenUrl: URL
  readonly clientId: string
  readonly attempts: number
  /** Removes secrets from body text; applied before any text is cut short. */
  readonly scrub: (text: string) => string
}

const CONSUMERS = 'Workspace settings → OAuth consumers'

/**
 * The token endpoint's answer → the access token, or an error in the admin's words: a wrong id or
 * secret, a consumer that may not use client credentials, a missing `account` scope. Anything else
 * that is not a usable token fails closed, naming `oauth-token-url`.
 */
export function readGrant(response: HttpResponse, context: GrantContext): GrantedToken {
  const { status } = response
  const consumer = `the OAuth consumer \`${printable(context.scrub(context.clientId), 80)}\``
  if (status === 200) return readToken(response, context, consumer)
  const body = readErrorBody(response, context.scrub)
  const said = body.description
  const tries = context.attempts > 1 ? ` after ${context.attempts} attempts` : ''
  switch (true) {
    case body.code === 'invalid_client':
      return fail(
        status,
        say`Bitbucket refused ${consumer} (HTTP ${status}, invalid_client): ${code('oauth-client-id')} (the consumer's Key) or ${code('oauth-client-secret')} (its Secret) is wrong, or the consumer was deleted. Copy both again from ${CONSUMERS}.`,
        said
      )
    case body.code === 'unauthorized_client':
      return fail(
        status,
        `Bitbucket will not give ${consumer} a token by client credentials (HTTP ${status}, unauthorized_client): only a private consumer may use them. ` +
          `In ${CONSUMERS} → Edit, tick "This is a private consumer" and give it the permission Account: Read.`,
        said
      )
    case body.code === 'invalid_scope':
      return missingScope(consumer, said)
    case body.code !== null:
      return fail(
        status,
        say`Bitbucket refused the token request for ${consumer} (HTTP ${status}, ${body.code}). Check ${code('oauth-token-url')} (the default is https://bitbucket.org/site/oauth2/access_token) and the consumer in ${CONSUMERS}; if both are right, report this at the issue tracker.`,
        said
      )
    case status === 429:
      return fail(status, `Bitbucket's token endpoint kept answering 429 (rate limit)${tries}. Wait a few minutes and run the gate again.`)
    case status >= 500:
      return fail(
        status,
        `Bitbucket's token endpoint answered ${status}${tries}${emptyNote(response)}. This is an outage at Bitbucket or a proxy in between: run the gate again later.`,
        bodySaid(response, "Bitbucket's token endpoint", context.scrub)
      )
    default:
      return fail(
        status,
        say`The token endpoint ${context.tokenUrl.origin}${context.tokenUrl.pathname} answered ${status}${emptyNote(response)}. Check ${code('oauth-token-url')} (the default is https://bitbucket.org/site/oauth2/access_token).`,
        bodySaid(response, 'The token endpoint', context.scrub)
      )
  }
}

function readToken(response: HttpResponse, context: GrantContext, consumer: string): GrantedToken {
  const malformed = (what: string): never => {
    throw new GateError(
      say`Bitbucket's token endpoint answered 200 for ${consumer} but ${what}, so there is no token to trust. Check ${code('oauth-token-url')} (the default is https://bitbucket.org/site/oauth2/access_token) and any proxy in between.`
    )
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(response.body)
  } catch {
    return malformed('the body is not JSON')
  }
  const accessToken = field(parsed, 'access_token')
  if (typeof accessToken !== 'string' || !/^[\x21-\x7e]{8,}$/.test(accessToken)) return malformed('without a usable `access_token`')
  const tokenType = field(parsed, 'token_type')
  if (tokenType !== undefined && (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer')) {
    return malformed('with a token type other than bearer')
  }
  const scopes = field(parsed, 'scopes')
  if (scopes !== undefined) {
    if (typeof scopes !== 'string') return malformed('with `scopes` that are not text')
    if (!scopes.split(/[\s,]/).includes(ACCOUNT_SCOPE)) return missingScope(consumer, null)
  }
  return { accessToken }
}

function missingScope(consumer: string, said: ServerSaid | null): never {
  throw new GateError(
    `${capitalize(consumer)} has no \`${ACCOUNT_SCOPE}\` scope, which reading workspace members needs. ` +
      `In ${CONSUMERS} → Edit, tick the permission Account: Read, save, and run the gate again.`,
    { said }
  )
}

function fail(status: number, message: string | Sentence, said: ServerSaid | null = null): never {
  throw new BitbucketHttpError(status, message, said)
}

/** " (empty body)" when there is nothing to quote, so that the message still says what came. */
function emptyNote(response: HttpResponse): string {
  return response.body.trim() === '' ? ' with an empty body' : ''
}

/** RFC 6749's `{"error": code, "error_description": text}`, read only when it is JSON. */
function readErrorBody(response: HttpResponse, scrub: (text: string) => string): { code: string | null; description: ServerSaid | null } {
  if (!/json/i.test(response.contentType)) return { code: null, description: null }
  let parsed: unknown
  try {
    parsed = JSON.parse(response.body)
  } catch {
    // Not JSON after all: `parsed` stays undefined, which has neither field.
  }
  const code = field(parsed, 'error')
  const description = field(parsed, 'error_description')
  return {
    code: typeof code === 'string' && /^[a-z_]{1,40}$/.test(code) ? code : null,
    description:
      typeof description === 'string' && description.trim() !== '' ? { who: 'Bitbucket', how: 'says', text: ServerText.of(description, scrub, response) } : null
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
