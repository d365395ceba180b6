import { InputError } from '../errors.js'
import { printable } from '../text.js'
import { parseAtlassianApiUrl } from './inputs.js'
import { say } from '../sentence.js'
import { code, named, setTo, valueOf } from './catalogue.js'

/** The organization admin API, as a second source of two-step verification. */
export interface AtlassianOptions {
  readonly orgId: string
  /** An organization API key, sent as Bearer to `apiUrl`'s origin and nowhere else. */
  readonly apiKey: string
  readonly apiUrl: URL
  /** `accept-atlassian-2sv`: people with Atlassian-account 2SV on pass; otherwise information only. */
  readonly accept: boolean
}

export interface AtlassianInputs {
  readonly orgId: string
  readonly apiKey: string
  readonly apiUrl: string
  readonly accept: boolean
}

/** An organization id as admin.atlassian.com shows it: letters, digits and dashes (it goes into a URL path). */
const ORG_ID = /^[A-Za-z0-9][A-Za-z0-9-]{0,99}$/

/**
 * The organization, or null when none is given. `accept-atlassian-2sv: true` needs both the id and the
 * key; half an organization is a mistake worth naming, before any request.
 */
export function parseAtlassianInputs(inputs: AtlassianInputs): AtlassianOptions | null {
  const orgId = inputs.orgId.trim()
  const apiKey = inputs.apiKey.trim()
  if (orgId === '' && apiKey === '') {
    if (inputs.accept) {
      throw new InputError(
        say`${valueOf('accept-atlassian-2sv', 'true')} needs the organization: set ${code('atlassian-org-id')} (admin.atlassian.com/o/<id>/…) and ${code('atlassian-api-key')} (an organization API key, from a secret), or ${setTo('accept-atlassian-2sv', 'false')}.`
      )
    }
    return null
  }
  if (orgId === '') {
    throw new InputError(
      say`${named('atlassian-api-key')} was given without ${code('atlassian-org-id')}: set it to the organization id (in admin.atlassian.com/o/<id>/…).`
    )
  }
  if (apiKey === '') {
    throw new InputError(
      say`${named('atlassian-org-id')} needs ${code('atlassian-api-key')}: create an organization API key in admin.atlassian.com → Settings → API keys and pass it from a secret.`
    )
  }
  if (!ORG_ID.test(orgId)) {
    throw new InputError(
      say`${named('atlassian-org-id')} is not an organization id (got "${printable(orgId.slice(0, 60))}"): copy it from admin.atlassian.com/o/<id>/….`
    )
  }
  if (/\s/.test(apiKey)) throw new InputError(say`${named('atlassian-api-key')} contains white space; copy the key again without spaces or line breaks.`)
  return { orgId, apiKey, apiUrl: parseAtlassianApiUrl(inputs.apiUrl), accept: inputs.accept }
}
