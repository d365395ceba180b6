import { parseAtlassianInputs } from '../config/atlassian.js'
import { parseCredentialInputs } from '../config/credentials.js'
import { parseExemptions } from '../config/exemptions.js'
import { parseApiUrl, parseBoolean, parseRedact, parseScope, type RedactMode } from '../config/inputs.js'
import type { Options } from '../config/options.js'
import { InputError } from '../errors.js'
import { printable } from '../text.js'
import { say } from '../sentence.js'
import { named, valueOf } from '../config/catalogue.js'

/** The action's inputs: the engine's options and the door's own (`redact`, which the event decides with it). */
export interface ActionSettings {
  readonly options: Options
  readonly redact: RedactMode
  /** Fail the step on a non-compliant verdict (`fail-on-violation`). */
  readonly failOnViolation: boolean
  /** Write the job summary (`summary`). */
  readonly summary: boolean
  /** Where to write the JSON report, as given (relative to GITHUB_WORKSPACE); '' for none. */
  readonly reportFile: string
  /** The tracking issue (`tracking-issue`, `github-token`, `tracking-label`); null when off. */
  readonly tracking: TrackingSettings | null
}

export interface TrackingSettings {
  readonly token: string
  readonly label: string
}

export const DEFAULT_TRACKING_LABEL = '2fa-compliance'

/**
 * Reads every input once, by its action.yml name, and checks it before any request is made. The
 * token and the OAuth secret are masked the moment they are read, before anything could print it.
 */
export function readActionSettings(getInput: (name: string) => string, mask: (secret: string) => void): ActionSettings {
  const { workspaces, repositories } = parseScope({ workspace: getInput('workspace'), repository: getInput('repository') })
  const token = getInput('token')
  const clientSecret = getInput('oauth-client-secret')
  const atlassianKey = getInput('atlassian-api-key')
  for (const secret of [token, clientSecret, atlassianKey]) {
    if (secret.trim() === '') continue
    mask(secret)
    mask(secret.trim())
  }
  return {
    options: {
      workspaces,
      repositories,
      credentials: parseCredentialInputs({
        email: getInput('email'),
        token,
        oauthClientId: getInput('oauth-client-id'),
        oauthClientSecret: clientSecret,
        oauthTokenUrl: getInput('oauth-token-url')
      }),
      apiUrl: parseApiUrl(getInput('api-url')),
      exemptions: parseExemptions(getInput('exempt')),
      allowAdminExemptions: parseBoolean('allow-admin-exemptions', getInput('allow-admin-exemptions'), false),
      failOnUnknown: parseBoolean('fail-on-unknown', getInput('fail-on-unknown'), true),
      atlassian: parseAtlassianInputs({
        orgId: getInput('atlassian-org-id'),
        apiKey: atlassianKey,
        apiUrl: getInput('atlassian-api-url'),
        accept: parseBoolean('accept-atlassian-2sv', getInput('accept-atlassian-2sv'), false)
      })
    },
    failOnViolation: parseBoolean('fail-on-violation', getInput('fail-on-violation'), true),
    summary: parseBoolean('summary', getInput('summary'), true),
    redact: parseRedact(getInput('redact')),
    reportFile: getInput('report-file').trim(),
    tracking: readTracking(getInput, mask)
  }
}

function readTracking(getInput: (name: string) => string, mask: (secret: string) => void): TrackingSettings | null {
  if (!parseBoolean('tracking-issue', getInput('tracking-issue'), false)) return null
  const token = getInput('github-token').trim()
  if (token === '') {
    throw new InputError(
      say`${named('github-token')} is empty, and ${valueOf('tracking-issue', 'true')} needs it: leave it at its default (\`\${{ github.token }}\`) and give the job \`permissions: issues: write\`.`
    )
  }
  mask(token)
  const label = getInput('tracking-label').trim() || DEFAULT_TRACKING_LABEL
  // The issues API filters by a comma-separated list of labels, so a comma would split this one.
  if (label.length > 50 || /[,\p{Cc}]/u.test(label)) {
    throw new InputError(say`${named('tracking-label')} must be one label of at most 50 characters without commas (got "${printable(label.slice(0, 60))}").`)
  }
  return { token, label }
}
