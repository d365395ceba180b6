import { BitbucketHttpError } from '../../errors.js'
import type { Credentials } from '../../config/credentials.js'
import { quoteOutside } from '../../text.js'
import { describeCredentials } from './auth.js'
import type { HttpResponse } from '../../http/transport.js'
import { field } from '../../json.js'

export const REQUIRED_SCOPE = 'read:workspace:bitbucket'

export interface FailureContext {
  readonly workspace: string
  readonly page: number
  readonly attempts: number
  readonly credentials: Credentials
  readonly apiUrl: URL
  /** Removes secrets from body text; applied before any text is cut short. */
  readonly scrub: (text: string) => string
  /** Redact mode: a body that is not Bitbucket's JSON is described, not quoted (it could hold names). */
  readonly redact: boolean
}

interface BitbucketErrorBody {
  readonly message: string | null
  readonly required: readonly string[]
  readonly detail: string | null
  readonly announcementUrl: string | null
}

/** Turns a non-200 answer into an error that names the status and says what to fix. */
export function describeHttpFailure(response: HttpResponse, context: FailureContext): BitbucketHttpError {
  const { status } = response
  const parsed = readErrorBody(response, context.scrub)
  const says = parsed.message ? ` Bitbucket says: \`${parsed.message}\`.` : bodySnippet(response, context)
  const ws = `workspace "${context.workspace}"`
  const where = `page ${context.page} of ${ws}`
  const tries = context.attempts > 1 ? ` after ${context.attempts} attempts` : ''
  switch (true) {
    case status === 401:
      return new BitbucketHttpError(
        401,
        `Bitbucket answered 401 Unauthorized for ${ws} with ${describeCredentials(context.credentials)}.${says} ` + unauthorizedAdvice(context.credentials.kind)
      )
    case status === 403: {
      const required = parsed.required.length > 0 ? parsed.required.join(', ') : REQUIRED_SCOPE
      return new BitbucketHttpError(
        403,
        `Bitbucket answered 403 Forbidden for ${ws}: the credentials lack a required permission or scope (required: ${required}).${says} ` +
          (context.credentials.kind === 'oauth'
            ? 'In Workspace settings → OAuth consumers → Edit, give the consumer the permission Account: Read; its owner must be an admin of the workspace.'
            : `Create the token with scope \`${REQUIRED_SCOPE}\`, as an admin of the workspace.`)
      )
    }
    case status === 404:
      return new BitbucketHttpError(
        404,
        `Bitbucket answered 404 for ${ws}: the workspace does not exist or these credentials cannot see it. ` +
          'Check the `workspace` input (the id in bitbucket.org/<workspace>/, or its {uuid}) and that the token belongs to an admin of that workspace.' +
          (context.apiUrl.pathname.endsWith('/2.0')
            ? ''
            : ` Also check \`api-url\` (${context.apiUrl.href}): Bitbucket Cloud's API lives under /2.0, as in the default https://api.bitbucket.org/2.0.`)
      )
    case status === 410:
      return new BitbucketHttpError(
        410,
        `Bitbucket answered 410 Gone for ${ws}: Bitbucket removed something this request relies on.${says}` +
          (parsed.announcementUrl ? ` See ${parsed.announcementUrl}.` : '') +
          ' Update bitbucket-2fa-gate, or report this at its issue tracker.'
      )
    case status === 429:
      return new BitbucketHttpError(
        429,
        `Bitbucket's rate limit (429) persisted${tries} on ${where}. Bitbucket allows 1,000 API requests an hour per user: ` +
          'wait an hour, run the gate less often, or give it a token of its own.'
      )
    case status >= 500:
      return new BitbucketHttpError(
        status,
        `Bitbucket answered ${status} on ${where}${tries}.${says} This is an outage at Bitbucket or a proxy in between: re-run the job later.`
      )
    case status >= 300 && status < 400:
      return new BitbucketHttpError(
        status,
        `Bitbucket answered ${status} (a redirect) on ${where}; the gate does not follow redirects with credentials. Check \`api-url\` (the default is https://api.bitbucket.org/2.0).`
      )
    default:
      return new BitbucketHttpError(
        status,
        `Bitbucket answered ${status} on ${where}.${says}` +
          (parsed.detail ? ` Detail: ${parsed.detail}.` : '') +
          ' Check the inputs `workspace` and `api-url`; if they are right, report this status at the issue tracker.'
      )
  }
}

function unauthorizedAdvice(kind: Credentials['kind']): string {
  switch (kind) {
    case 'api-token':
      return (
        "Check that `email` is the Atlassian account email of the token's owner and that the API token is not expired or revoked (API tokens expire within a year). " +
        'App passwords were removed on 28 Jul 2026: create an API token with scope `read:workspace:bitbucket`.'
      )
    case 'access-token':
      return (
        'Check that the access token is valid and not revoked. An Atlassian API token is not a Bearer token: pass it with `email` (HTTP Basic). ' +
        'App passwords were removed on 28 Jul 2026.'
      )
    case 'oauth':
      return (
        'The token endpoint gave a token but Bitbucket refused it, also after one renewal: check that the OAuth consumer still exists and that its owner ' +
        'can still sign in and see the workspace, then re-run.'
      )
  }
}

/** Bitbucket's `{"type":"error","error":{message, detail, data}}`, read only when it is JSON. */
function readErrorBody(response: HttpResponse, scrub: (text: string) => string): BitbucketErrorBody {
  const empty: BitbucketErrorBody = { message: null, required: [], detail: null, announcementUrl: null }
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
  const quote = (text: string, max: number): string => quoteOutside(text, scrub, max)
  return {
    message: typeof message === 'string' ? quote(message, 300) : null,
    detail: typeof detail === 'string' ? quote(detail, 300) : null,
    required: Array.isArray(required) ? required.filter((s): s is string => typeof s === 'string').map((s) => quote(s, 60)) : [],
    announcementUrl: typeof url === 'string' && /^https:\/\/[^\s"<>]+$/.test(url) ? url : null
  }
}

/**
 * A short, single-line look at a body that is not Bitbucket's JSON (HTML gateway pages, plain text):
 * secrets scrubbed first, then cut. In redact mode only its type and length.
 */
export function bodySnippet(response: HttpResponse, context: Pick<FailureContext, 'scrub' | 'redact'>): string {
  const type = response.contentType === '' ? 'no content-type' : quoteOutside(response.contentType, context.scrub, 40)
  const text = quoteOutside(response.body.replace(/<[^>]*>/g, ' '), context.scrub, 120)
  if (text === '') return ` (empty body, ${type})`
  if (context.redact) return ` The body (${type}, ${Buffer.byteLength(response.body, 'utf8')} bytes) is not quoted in redact mode.`
  return ` Body (${type}) starts: \`${text}\`.`
}
