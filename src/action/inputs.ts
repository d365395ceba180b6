import { parseCredentialInputs } from '../config/credentials.js'
import { parseExemptions } from '../config/exemptions.js'
import { parseApiUrl, parseBoolean, parseRedact, parseWorkspaces, type RedactMode } from '../config/inputs.js'
import type { Options } from '../config/options.js'

/** The action's inputs: the engine's options (less `redact`, which the event decides) and the door's own. */
export interface ActionSettings {
  readonly options: Omit<Options, 'redact'>
  readonly redact: RedactMode
  /** Fail the step on a non-compliant verdict (`fail-on-violation`). */
  readonly failOnViolation: boolean
  /** Write the job summary (`summary`). */
  readonly summary: boolean
  /** Where to write the JSON report, as given (relative to GITHUB_WORKSPACE); '' for none. */
  readonly reportFile: string
}

/**
 * Reads every input once, by its action.yml name, and checks it before any request is made. The
 * token and the OAuth secret are masked the moment they are read, before anything could print it.
 */
export function readActionSettings(getInput: (name: string) => string, mask: (secret: string) => void): ActionSettings {
  const workspaces = parseWorkspaces(getInput('workspace'))
  const token = getInput('token')
  const clientSecret = getInput('oauth-client-secret')
  for (const secret of [token, clientSecret]) {
    if (secret.trim() === '') continue
    mask(secret)
    mask(secret.trim())
  }
  return {
    options: {
      workspaces,
      credentials: parseCredentialInputs({
        email: getInput('email'),
        token,
        oauthClientId: getInput('oauth-client-id'),
        oauthClientSecret: clientSecret,
        oauthTokenUrl: getInput('oauth-token-url')
      }),
      apiUrl: parseApiUrl(getInput('api-url')),
      exemptions: parseExemptions(getInput('exempt')),
      failOnUnknown: parseBoolean('fail-on-unknown', getInput('fail-on-unknown'), true)
    },
    failOnViolation: parseBoolean('fail-on-violation', getInput('fail-on-violation'), true),
    summary: parseBoolean('summary', getInput('summary'), true),
    redact: parseRedact(getInput('redact')),
    reportFile: getInput('report-file').trim()
  }
}
