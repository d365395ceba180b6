import type { Mention } from '../sentence.js'

/**
 * The one table of inputs. Each input is declared once, by key: how the action names it, the CLI's
 * flag, the CLI's environment variable, the pipe's variable (Bitbucket Pipelines), its type and default.
 * Messages name an input by key (`src/sentence.ts`); each door spells it from this table, its own way.
 */

export type InputType = 'string' | 'list' | 'secret' | 'url' | 'boolean' | 'mode' | 'path'

export interface InputSpec {
  /** `with:` in a workflow; null when only another door has it. */
  readonly action: string | null
  /** The CLI's flag without its dashes; null when the CLI has none (a secret it reads only from the environment). */
  readonly flag: string | null
  /** The CLI's environment variable, used when the flag is not given. */
  readonly env: string | null
  /** The pipe's variable (Bitbucket Pipelines). */
  readonly pipe: string | null
  readonly type: InputType
  /** As the action's `default:` says; '' for none. */
  readonly default: string
  /** A boolean whose off value the CLI spells `--no-<flag>`; otherwise off is the flag left out. */
  readonly negatable?: boolean
  /** The pipe's default, where it differs from the action's (a pipe writes its JUnit file and posts to Code Insights by default). */
  readonly pipeDefault?: string
}

export const INPUTS = {
  workspace: { action: 'workspace', flag: 'workspace', env: 'BITBUCKET_WORKSPACE', pipe: 'WORKSPACE', type: 'list', default: '' },
  // Bitbucket repositories (workspace/repo_slug), not GitHub's: no environment variable, so a CI's own never scopes a run by accident.
  repository: { action: 'repository', flag: 'repository', env: null, pipe: 'REPOSITORY', type: 'list', default: '' },
  email: { action: 'email', flag: 'email', env: 'BITBUCKET_EMAIL', pipe: 'BITBUCKET_EMAIL', type: 'string', default: '' },
  token: { action: 'token', flag: 'token', env: 'BITBUCKET_TOKEN', pipe: 'BITBUCKET_TOKEN', type: 'secret', default: '' },
  'oauth-client-id': {
    action: 'oauth-client-id',
    flag: 'oauth-client-id',
    env: 'BITBUCKET_OAUTH_CLIENT_ID',
    pipe: 'BITBUCKET_OAUTH_CLIENT_ID',
    type: 'string',
    default: ''
  },
  // No flag: a flag would land in shell history and the process list.
  'oauth-client-secret': {
    action: 'oauth-client-secret',
    flag: null,
    env: 'BITBUCKET_OAUTH_CLIENT_SECRET',
    pipe: 'BITBUCKET_OAUTH_CLIENT_SECRET',
    type: 'secret',
    default: ''
  },
  'oauth-token-url': {
    action: 'oauth-token-url',
    flag: 'oauth-token-url',
    env: 'BITBUCKET_OAUTH_TOKEN_URL',
    pipe: 'BITBUCKET_OAUTH_TOKEN_URL',
    type: 'url',
    default: 'https://bitbucket.org/site/oauth2/access_token'
  },
  'api-url': { action: 'api-url', flag: 'api-url', env: 'BITBUCKET_API_URL', pipe: 'BITBUCKET_API_URL', type: 'url', default: 'https://api.bitbucket.org/2.0' },
  exempt: { action: 'exempt', flag: 'exempt', env: null, pipe: 'EXEMPT', type: 'list', default: '' },
  'exempt-file': { action: null, flag: 'exempt-file', env: null, pipe: 'EXEMPT_FILE', type: 'path', default: '' },
  'allow-admin-exemptions': {
    action: 'allow-admin-exemptions',
    flag: 'allow-admin-exemptions',
    env: null,
    pipe: 'ALLOW_ADMIN_EXEMPTIONS',
    type: 'boolean',
    default: 'false'
  },
  'fail-on-unknown': {
    action: 'fail-on-unknown',
    flag: 'fail-on-unknown',
    env: null,
    pipe: 'FAIL_ON_UNKNOWN',
    type: 'boolean',
    default: 'true',
    negatable: true
  },
  'fail-on-violation': {
    action: 'fail-on-violation',
    flag: 'fail-on-violation',
    env: null,
    pipe: 'FAIL_ON_VIOLATION',
    type: 'boolean',
    default: 'true',
    negatable: true
  },
  summary: { action: 'summary', flag: null, env: null, pipe: null, type: 'boolean', default: 'true' },
  redact: { action: 'redact', flag: 'redact', env: null, pipe: 'REDACT', type: 'mode', default: 'auto', negatable: true },
  'report-file': { action: 'report-file', flag: 'report-file', env: null, pipe: 'REPORT_FILE', type: 'path', default: '' },
  'junit-file': {
    action: 'junit-file',
    flag: 'junit-file',
    env: null,
    pipe: 'JUNIT_FILE',
    type: 'path',
    default: '',
    pipeDefault: 'test-results/bitbucket-2fa-gate.xml'
  },
  // No pipe variable: GitHub signs the predicate; in Pipelines the report and its sha256 are the evidence.
  'attestation-predicate-file': {
    action: 'attestation-predicate-file',
    flag: 'attestation-predicate-file',
    env: null,
    pipe: null,
    type: 'path',
    default: ''
  },
  // Bitbucket Pipelines only: the action has no Code Insights to post to.
  'code-insights': { action: null, flag: 'code-insights', env: null, pipe: 'CODE_INSIGHTS', type: 'boolean', default: 'false', pipeDefault: 'true' },
  'code-insights-proxy': { action: null, flag: 'code-insights-proxy', env: null, pipe: 'CODE_INSIGHTS_PROXY', type: 'url', default: '' },
  debug: { action: null, flag: 'debug', env: null, pipe: 'DEBUG', type: 'boolean', default: 'false' },
  json: { action: null, flag: 'json', env: null, pipe: null, type: 'boolean', default: 'false' },
  'atlassian-org-id': { action: 'atlassian-org-id', flag: 'atlassian-org-id', env: 'ATLASSIAN_ORG_ID', pipe: 'ATLASSIAN_ORG_ID', type: 'string', default: '' },
  'atlassian-api-key': {
    action: 'atlassian-api-key',
    flag: 'atlassian-api-key',
    env: 'ATLASSIAN_API_KEY',
    pipe: 'ATLASSIAN_API_KEY',
    type: 'secret',
    default: ''
  },
  'atlassian-api-url': {
    action: 'atlassian-api-url',
    flag: 'atlassian-api-url',
    env: 'ATLASSIAN_API_URL',
    pipe: 'ATLASSIAN_API_URL',
    type: 'url',
    default: 'https://api.atlassian.com'
  },
  'accept-atlassian-2sv': {
    action: 'accept-atlassian-2sv',
    flag: 'accept-atlassian-2sv',
    env: null,
    pipe: 'ACCEPT_ATLASSIAN_2SV',
    type: 'boolean',
    default: 'false'
  },
  'tracking-issue': { action: 'tracking-issue', flag: null, env: null, pipe: null, type: 'boolean', default: 'false' },
  'github-token': { action: 'github-token', flag: null, env: null, pipe: null, type: 'secret', default: '${{ github.token }}' },
  'tracking-label': { action: 'tracking-label', flag: null, env: null, pipe: null, type: 'string', default: '2fa-compliance' }
} as const satisfies Record<string, InputSpec>

export type InputKey = keyof typeof INPUTS

export function isInputKey(key: string): key is InputKey {
  return Object.hasOwn(INPUTS, key)
}

export function inputSpec(key: InputKey): InputSpec {
  return INPUTS[key]
}

/** Every key, in the table's order. */
export const INPUT_KEYS = Object.keys(INPUTS) as InputKey[]

/** The input as the subject of a sentence: "input `token`" in the action's words. */
export function named(input: InputKey): Mention {
  return { input, as: 'named' }
}

/** The input's name as code: "`token`" in the action's words. */
export function code(input: InputKey): Mention {
  return { input, as: 'code' }
}

/** The input with a value, as a noun: "`fail-on-unknown: false`" in the action's words. */
export function valueOf(input: InputKey, value: string): Mention {
  return { input, as: 'value', value }
}

/** The input with a value, as an instruction: "set `fail-on-unknown: false`" in the action's words. */
export function setTo(input: InputKey, value: string): Mention {
  return { input, as: 'set', value }
}
