import { parseArgs } from 'node:util'
import { parseAtlassianInputs } from '../config/atlassian.js'
import { parseCredentialInputs } from '../config/credentials.js'
import { parseExemptions } from '../config/exemptions.js'
import { checkPredicateNeedsReport, parseApiUrl, parseScope } from '../config/inputs.js'
import type { Options } from '../config/options.js'
import { InputError } from '../errors.js'
import { insightsTarget, parseInsightsProxy, STEP_PROXY, type InsightsTarget } from '../config/pipelines.js'

/** What the command line asks for: a check (with the door's own settings), the help, or the version. */
export type CliRequest =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | {
      readonly kind: 'check'
      readonly options: Options
      /** Exit 1 on a non-compliant verdict (`--no-fail-on-violation`: exit 0, report only). */
      readonly failOnViolation: boolean
      /** Where to write the JSON report, relative to the working folder; '' for none. */
      readonly reportFile: string
      /** The JSON report on stdout instead of the table. */
      readonly json: boolean
      /**
       * Withhold names, nicknames and ids: `--redact` true, `--no-redact` false, neither null (the door
       * decides: in Bitbucket Pipelines withheld unless the repository is private, in a terminal shown).
       */
      readonly redact: boolean | null
      /** Where to write the JUnit XML report; '' for none. */
      readonly junitFile: string
      /** Where to write the attestation predicate; '' for none (needs a report file). */
      readonly attestationPredicateFile: string
      /** Post a Code Insights report on this commit through this proxy (`--code-insights`); null for none. */
      readonly codeInsights: CodeInsightsRequest | null
      /** Response lines on stderr (`--debug`), scrubbed. */
      readonly debug: boolean
    }

export interface CodeInsightsRequest {
  readonly target: InsightsTarget
  /** The Pipelines proxy: `--code-insights-proxy`, else the step's (the pipe's from a pipe). */
  readonly proxy: URL
}

/** A file flag's value (`--report-file`, `--junit-file`, …), read before anything else can fail, so that a broken run still overwrites the file. */
export function flagValueOf(argv: readonly string[], flag: string): string {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    if (arg === flag) return argv[i + 1] ?? ''
    if (arg.startsWith(`${flag}=`)) return arg.slice(flag.length + 1)
  }
  return ''
}

/** Every flag the CLI takes, for node:util parseArgs. */
const FLAGS = {
  workspace: { type: 'string', multiple: true },
  repository: { type: 'string', multiple: true },
  email: { type: 'string' },
  token: { type: 'string' },
  'api-url': { type: 'string' },
  'oauth-client-id': { type: 'string' },
  'oauth-token-url': { type: 'string' },
  'atlassian-org-id': { type: 'string' },
  'atlassian-api-key': { type: 'string' },
  'atlassian-api-url': { type: 'string' },
  'accept-atlassian-2sv': { type: 'boolean' },
  exempt: { type: 'string', multiple: true },
  'exempt-file': { type: 'string' },
  'allow-admin-exemptions': { type: 'boolean' },
  'fail-on-unknown': { type: 'boolean' },
  'no-fail-on-unknown': { type: 'boolean' },
  'fail-on-violation': { type: 'boolean' },
  'no-fail-on-violation': { type: 'boolean' },
  redact: { type: 'boolean' },
  'no-redact': { type: 'boolean' },
  'report-file': { type: 'string' },
  'junit-file': { type: 'string' },
  'attestation-predicate-file': { type: 'string' },
  'code-insights': { type: 'boolean' },
  'code-insights-proxy': { type: 'string' },
  debug: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' }
} as const

/** Flags whose value is a secret: it is scrubbed from everything the CLI prints, from the first line on. */
const SECRET_FLAGS = ['--token', '--atlassian-api-key']
/** Environment variables that hold a secret. */
const SECRET_VARIABLES = ['BITBUCKET_TOKEN', 'BITBUCKET_OAUTH_CLIENT_SECRET', 'ATLASSIAN_API_KEY'] as const

/**
 * The secrets on the command line and in the environment, read before anything is parsed, so that
 * even a line that does not parse (a token that lost its `--token`) prints none of them.
 */
export function secretsOnLine(argv: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const found: string[] = SECRET_VARIABLES.map((name) => env[name] ?? '').filter((value) => value !== '')
  argv.forEach((arg, i) => {
    for (const flag of SECRET_FLAGS) {
      if (arg === flag && i + 1 < argv.length) found.push(argv[i + 1] ?? '')
      if (arg.startsWith(`${flag}=`)) found.push(arg.slice(flag.length + 1))
    }
  })
  return found
}

/**
 * A line that does not parse, in words that never echo a value: an argument that belongs to no flag
 * may be a secret whose flag was forgotten, so only its position is given.
 */
function usageError(argv: readonly string[], error: unknown): InputError {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const { tokens } = parseArgs({ args: [...argv], options: FLAGS, strict: false, allowPositionals: true, tokens: true })
    const stray = tokens.find((token) => token.kind === 'positional')
    const position = stray === undefined ? '' : ` (argument ${stray.index + 1})`
    return new InputError(
      `An argument${position} follows no flag; it is not shown, in case it is a secret that lost its flag. ` +
        'Every value follows its flag (--token <value>, --workspace <slug>). Run with --help for the options.'
    )
  }
  const message = error instanceof Error ? error.message.replace(/\. To specify.*$/s, '') : String(error)
  return new InputError(`${message}. Run with --help for the options.`)
}

/**
 * Flags and environment → the same Options the action builds, checked by the same parsers (their
 * messages name inputs the action's way; the CLI's port respells them). Flags win over the
 * environment. `readFile` reads `--exempt-file`.
 */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv, readFile: (path: string) => string): CliRequest {
  let parsed
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: FLAGS
    })
  } catch (error) {
    throw usageError(argv, error)
  }
  const { values } = parsed
  if (values.help === true) return { kind: 'help' }
  if (values.version === true) return { kind: 'version' }
  // BITBUCKET_WORKSPACE is a default: with --repository it only resolves a bare repo_slug.
  const scope = parseScope({
    workspace: values.workspace?.join(',') ?? '',
    repository: values.repository?.join(',') ?? '',
    defaultWorkspace: env.BITBUCKET_WORKSPACE ?? ''
  })
  if (values.redact === true && values['no-redact'] === true) throw new InputError('--redact and --no-redact were both given; keep one.')
  if (values['code-insights-proxy'] !== undefined && values['code-insights'] !== true) {
    throw new InputError('--code-insights-proxy was given without --code-insights; add --code-insights, or leave the proxy out.')
  }
  const reportFile = values['report-file'] ?? ''
  const attestationPredicateFile = values['attestation-predicate-file'] ?? ''
  checkPredicateNeedsReport(attestationPredicateFile, reportFile)
  const exemptText = [...(values.exempt ?? []), ...(values['exempt-file'] === undefined ? [] : [readExemptFile(values['exempt-file'], readFile)])].join('\n')
  return {
    kind: 'check',
    options: {
      workspaces: scope.workspaces,
      repositories: scope.repositories,
      credentials: parseCredentialInputs({
        email: values.email ?? env.BITBUCKET_EMAIL ?? '',
        token: values.token ?? env.BITBUCKET_TOKEN ?? '',
        oauthClientId: values['oauth-client-id'] ?? env.BITBUCKET_OAUTH_CLIENT_ID ?? '',
        // The secret comes only from the environment: a flag would land in shell history and the process list.
        oauthClientSecret: env.BITBUCKET_OAUTH_CLIENT_SECRET ?? '',
        oauthTokenUrl: values['oauth-token-url'] ?? env.BITBUCKET_OAUTH_TOKEN_URL ?? ''
      }),
      apiUrl: parseApiUrl(values['api-url'] ?? env.BITBUCKET_API_URL ?? ''),
      exemptions: parseExemptions(exemptText),
      allowAdminExemptions: values['allow-admin-exemptions'] === true,
      failOnUnknown: pair(values['fail-on-unknown'], values['no-fail-on-unknown'], 'fail-on-unknown'),
      atlassian: parseAtlassianInputs({
        orgId: values['atlassian-org-id'] ?? env.ATLASSIAN_ORG_ID ?? '',
        apiKey: values['atlassian-api-key'] ?? env.ATLASSIAN_API_KEY ?? '',
        apiUrl: values['atlassian-api-url'] ?? env.ATLASSIAN_API_URL ?? '',
        accept: values['accept-atlassian-2sv'] === true
      })
    },
    failOnViolation: pair(values['fail-on-violation'], values['no-fail-on-violation'], 'fail-on-violation'),
    reportFile,
    json: values.json === true,
    redact: values.redact === true ? true : values['no-redact'] === true ? false : null,
    junitFile: values['junit-file'] ?? '',
    attestationPredicateFile,
    codeInsights: values['code-insights'] === true ? codeInsightsOf(values['code-insights-proxy'] ?? '', env, STEP_PROXY) : null,
    debug: values.debug === true
  }
}

/**
 * `--code-insights`: the commit and repository from the step, and the proxy. Checked before any request;
 * a proxy without Code Insights is a mistake worth saying.
 */
export function codeInsightsOf(proxy: string, env: NodeJS.ProcessEnv, fallback: string): CodeInsightsRequest {
  return { target: insightsTarget(env), proxy: parseInsightsProxy(proxy, fallback) }
}

/** `--x` / `--no-x`, default on; both at once is a mistake worth saying. */
function pair(on: boolean | undefined, off: boolean | undefined, name: string): boolean {
  if (on === true && off === true) throw new InputError(`--${name} and --no-${name} were both given; keep one.`)
  return off !== true
}

function readExemptFile(path: string, readFile: (path: string) => string): string {
  try {
    return readFile(path)
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'unreadable'
    throw new InputError(`--exempt-file ${path} could not be read (${code}). Give the path of a file with one exemption a line.`)
  }
}
