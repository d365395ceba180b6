import { GateError, type ServerSaid } from '../errors.js'
import { field } from '../json.js'
import type { Service } from '../http/request.js'
import type { HttpResponse } from '../http/transport.js'
import { ServerText } from '../text.js'
import { say } from '../sentence.js'
import { code } from '../config/catalogue.js'

/** The organization API, for the request core's messages. */
export const ORGANIZATION_API: Service = { name: 'the Atlassian organization API', urlInput: 'atlassian-api-url' }

const KEYS = 'admin.atlassian.com → Settings → API keys'

/**
 * A users-search answer other than 200, in the admin's words: which input to check (`atlassian-api-key`
 * or `atlassian-org-id`) and what to do. The organization's own message is quoted scrubbed, never the key.
 */
export function describeOrganizationFailure(response: HttpResponse, context: { orgId: string; attempts: number; scrub: (text: string) => string }): GateError {
  const { status } = response
  const said = errorMessageOf(response, context.scrub)
  const head = `The Atlassian organization API answered ${status} for organization \`${context.orgId}\`${context.attempts > 1 ? ` after ${context.attempts} attempts` : ''}.`
  switch (true) {
    case status === 401 || status === 403:
      return new GateError(
        say`${head} Check ${code('atlassian-api-key')}: an organization API key (created in ${KEYS}) that is not revoked or expired; a key with scopes needs read:directories:admin and read:accounts:admin. An API token of a person is not an organization key.`,
        { said }
      )
    case status === 404:
      return new GateError(
        say`${head} Check ${code('atlassian-org-id')} (the id in admin.atlassian.com/o/<id>/…) and ${code('atlassian-api-url')} (the default is https://api.atlassian.com).`,
        { said }
      )
    case status === 429 || status >= 500:
      return new GateError(`${head} The organization API is busy or down: run the gate again later.`, { said })
    default:
      return new GateError(
        say`${head} Check ${code('atlassian-org-id')}, ${code('atlassian-api-key')} and ${code('atlassian-api-url')}; if they are right, report this status at the issue tracker.`,
        { said }
      )
  }
}

/** `{"code", "message"}` or `{"errors": [{"title", "detail"}]}`, read only when it is JSON. */
function errorMessageOf(response: HttpResponse, scrub: (text: string) => string): ServerSaid | null {
  if (!/json/i.test(response.contentType)) return null
  let parsed: unknown
  try {
    parsed = JSON.parse(response.body)
  } catch {
    return null
  }
  const errors = field(parsed, 'errors')
  const first: unknown = Array.isArray(errors) ? errors[0] : undefined
  const text = [field(parsed, 'message'), field(first, 'detail'), field(first, 'title')].find(
    (value): value is string => typeof value === 'string' && value !== ''
  )
  return text === undefined ? null : { who: 'The organization API', how: 'says', text: ServerText.of(text, scrub, response) }
}
