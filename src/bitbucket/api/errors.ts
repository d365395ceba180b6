import { BitbucketHttpError, type ServerSaid } from '../../errors.js'
import type { Credentials } from '../../config/credentials.js'
import { printable, ServerText } from '../../text.js'
import { describeCredentials } from './auth.js'
import type { HttpResponse } from '../../http/transport.js'
import { field } from '../../json.js'
import { say, type Sentence } from '../../sentence.js'
import { code } from '../../config/catalogue.js'

export const REQUIRED_SCOPE = 'read:workspace:bitbucket'

export interface FailureContext {
  readonly workspace: string
  /** What was listed, in words; default `workspace "{workspace}"` (the member listing). */
  readonly subject?: string
  readonly page: number
  readonly attempts: number
  readonly credentials: Credentials
  readonly apiUrl: URL
  /** Removes secrets from body text; applied before any text is cut short. */
  readonly scrub: (text: string) => string
}

interface BitbucketErrorBody {
  /** The error's message (with its detail and announcement link), as Bitbucket wrote it. */
  readonly said: ServerSaid | null
  /** Scopes Bitbucket names as required, when each is a plain scope name. */
  readonly required: readonly string[]
}

/**
 * Turns a non-200 answer into an error that names the status and says what to fix. What Bitbucket
 * wrote travels as the error's `said`, never in the sentence: the door quotes it, or in redact mode
 * gives only its shape.
 */
export function describeHttpFailure(response: HttpResponse, context: FailureContext): BitbucketHttpError {
  const { status } = response
  const parsed = readErrorBody(response, context.scrub)
  const said = parsed.said ?? bodySaid(response, 'Bitbucket', context.scrub)
  const says = said === null && response.body.trim() === '' ? ' (empty body)' : ''
  const ws = context.subject ?? `workspace "${context.workspace}"`
  const where = `page ${context.page} of ${ws}`
  const tries = context.attempts > 1 ? ` after ${context.attempts} attempts` : ''
  switch (true) {
    case status === 401:
      return new BitbucketHttpError(
        401,
        say`Bitbucket answered 401 Unauthorized for ${ws} with ${describeCredentials(context.credentials)}${says}. ${unauthorizedAdvice(context.credentials.kind)}`,
        said
      )
    case status === 403: {
      const required = parsed.required.length > 0 ? parsed.required.join(', ') : REQUIRED_SCOPE
      return new BitbucketHttpError(
        403,
        `Bitbucket answered 403 Forbidden for ${ws}: the credentials lack a required permission or scope (required: ${required})${says}. ` +
          (context.credentials.kind === 'oauth'
            ? 'In Workspace settings → OAuth consumers → Edit, give the consumer the permission Account: Read; its owner must be an admin of the workspace.'
            : `Create the token with scope \`${REQUIRED_SCOPE}\`, as an admin of the workspace.`),
        said
      )
    }
    case status === 404:
      return new BitbucketHttpError(
        404,
        say`Bitbucket answered 404 for ${ws}: the workspace does not exist or these credentials cannot see it. Check the ${code('workspace')} input (the id in bitbucket.org/<workspace>/, or its {uuid}) and that the token belongs to an admin of that workspace.`.concat(
          context.apiUrl.pathname.endsWith('/2.0')
            ? ''
            : say` Also check ${code('api-url')} (${context.apiUrl.href}): Bitbucket Cloud's API lives under /2.0, as in the default https://api.bitbucket.org/2.0.`
        ),
        said
      )
    case status === 410:
      return new BitbucketHttpError(
        410,
        `Bitbucket answered 410 Gone for ${ws}: Bitbucket removed something this request relies on${says}. ` +
          'Update bitbucket-2fa-gate, or report this at its issue tracker.',
        said
      )
    case status === 429:
      return new BitbucketHttpError(
        429,
        `Bitbucket's rate limit (429) persisted${tries} on ${where}. Bitbucket allows 1,000 API requests an hour per user: ` +
          'wait an hour, run the gate less often, or give it a token of its own.',
        said
      )
    case status >= 500:
      return new BitbucketHttpError(
        status,
        `Bitbucket answered ${status} on ${where}${tries}${says}. This is an outage at Bitbucket or a proxy in between: run the gate again later.`,
        said
      )
    default:
      return new BitbucketHttpError(
        status,
        say`Bitbucket answered ${status} on ${where}${says}. Check the inputs ${code('workspace')} and ${code('api-url')}; if they are right, report this status at the issue tracker.`,
        said
      )
  }
}

function unauthorizedAdvice(kind: Credentials['kind']): Sentence {
  switch (kind) {
    case 'api-token':
      return say`Check that ${code('email')} is the Atlassian account email of the token's owner and that the API token is not expired or revoked (API tokens expire within a year). App passwords were removed on 28 Jul 2026: create an API token with scope \`read:workspace:bitbucket\`.`
    case 'access-token':
      return say`Check that the access token is valid and not revoked. An Atlassian API token is not a Bearer token: pass it with ${code('email')} (HTTP Basic). App passwords were removed on 28 Jul 2026.`
    case 'oauth':
      return say`The token endpoint gave a token but Bitbucket refused it, also after one renewal: check that the OAuth consumer still exists and that its owner can still sign in and see the workspace, then run the gate again.`
  }
}

/** Bitbucket's `{"type":"error","error":{message, detail, data}}`, read only when it is JSON. */
function readErrorBody(response: HttpResponse, scrub: (text: string) => string): BitbucketErrorBody {
  const empty: BitbucketErrorBody = { said: null, required: [] }
  if (!/json/i.test(response.contentType)) return empty
  let parsed: unknown
  try {
    parsed = JSON.parse(response.body)
  } catch {
    return empty
  }
  const error = field(parsed, 'error')
  if (error === undefined) return empty
  const message = field(error, 'message')
  const detail = field(error, 'detail')
  const required = field(detail, 'required')
  const url = field(field(error, 'data'), 'announcement_url')
  const parts = [
    typeof message === 'string' ? message : '',
    typeof detail === 'string' ? `Detail: ${detail}` : '',
    typeof url === 'string' ? `See ${url}` : ''
  ].filter((part) => part.trim() !== '')
  return {
    said: parts.length === 0 ? null : { who: 'Bitbucket', how: 'says', text: ServerText.of(parts.join(' — '), scrub, response) },
    // Scope names are the gate's to print only when they look like scope names (and are not a secret).
    required: Array.isArray(required)
      ? required.filter((s): s is string => typeof s === 'string' && /^[a-z][a-z:_-]{0,59}$/.test(s) && scrub(s) === s).map((s) => printable(s))
      : []
  }
}

/**
 * A body that is not Bitbucket's JSON (HTML gateway pages, plain text), as the start to quote (an HTML
 * page's tags left out); null for an empty body. The door quotes it, scrubbed then cut, or in redact mode gives
 * only its shape.
 */
export function bodySaid(response: HttpResponse, who: string, scrub: (text: string) => string): ServerSaid | null {
  const text = ServerText.of(response.body, scrub, response, { markup: /html|xml/i.test(response.contentType) || /^\s*</.test(response.body) })
  if (text.isEmpty) return null
  return { who, how: 'starts', text }
}
