/**
 * The `pipe` subcommand's variables: a Bitbucket Pipelines pipe is configured by environment variables
 * only, named as the catalogue's `pipe` column says. They build the same Options as the flags and the
 * action's inputs, through the same parsers; the pipe port spells their messages with PIPE_SPELLING.
 */
import { parseAtlassianInputs } from '../config/atlassian.js'
import { code, inputSpec, INPUTS, named, setTo, valueOf, type InputKey } from '../config/catalogue.js'
import { parseCredentialInputs } from '../config/credentials.js'
import { parseExemptions } from '../config/exemptions.js'
import { parseApiUrl, parseBoolean, parseRedact, parseScope } from '../config/inputs.js'
import { PIPE_PROXY } from '../config/pipelines.js'
import { InputError } from '../errors.js'
import { say } from '../sentence.js'
import { printable } from '../text.js'
import { codeInsightsOf, type CliRequest } from './args.js'

/** The inputs a pipe has a variable for: the catalogue's rows whose `pipe` is not null. */
export type PipeKey = { [K in InputKey]: (typeof INPUTS)[K]['pipe'] extends string ? K : never }[InputKey]

/**
 * The inputs a pipe takes as a string or a pipe list (`NAME_COUNT`, `NAME_0`, …): the table's lists, so
 * that a new list input without a separator below does not compile.
 */
export type PipeListKey = { [K in PipeKey]: (typeof INPUTS)[K]['type'] extends 'list' ? K : never }[PipeKey]

/**
 * How a list's items are joined into the string form. Exemption lines are newline separated, because a
 * reason may hold commas; the scope's items are comma separated, and each may itself hold several.
 */
const LIST_SEPARATOR: Readonly<Record<PipeListKey, string>> = { workspace: ',', repository: ',', exempt: '\n' }

/** The pipe's variable for an input, from the one table. */
export function pipeVariable(key: PipeKey): string {
  return INPUTS[key].pipe
}

/** The pipe's default for an input: its `pipeDefault` where a pipe differs from the action, else the action's. */
function pipeDefault(key: PipeKey): string {
  const spec = inputSpec(key)
  return spec.pipeDefault ?? spec.default
}

/**
 * A variable's value, '' when unset. Pipelines passes an unset repository variable (`$NAME` in
 * bitbucket-pipelines.yml) as '', so '' means "not given" everywhere below.
 */
function variable(env: NodeJS.ProcessEnv, key: PipeKey): string {
  return env[pipeVariable(key)] ?? ''
}

function booleanOf(env: NodeJS.ProcessEnv, key: PipeKey): boolean {
  return parseBoolean(key, variable(env, key), pipeDefault(key) === 'true')
}

/**
 * A multi-valued variable, as a string (`NAME`) or as a pipe list (`NAME_COUNT`, `NAME_0` … `NAME_{N-1}`,
 * which Pipelines sets from a YAML list), joined into the string form; null when neither is given. Both
 * at once, a count that is not a whole number, or a missing item is an error: a guess would gate the
 * wrong workspaces or drop an exemption. An empty item is kept as empty, as an empty line of the string
 * would be (the parsers skip it).
 */
export function pipeList(env: NodeJS.ProcessEnv, key: PipeListKey): string | null {
  const name = pipeVariable(key)
  const text = env[name] ?? ''
  const countName = `${name}_COUNT`
  const countText = (env[countName] ?? '').trim()
  if (countText === '') return text === '' ? null : text
  if (text !== '') {
    throw new InputError(say`${named(key)}: give it as a string or as a list, not both (${name} and ${countName} are both set).`)
  }
  const count = /^[0-9]+$/.test(countText) ? Number(countText) : Number.NaN
  if (!Number.isSafeInteger(count)) {
    throw new InputError(
      say`${named(key)} is a list, but ${countName} is not a whole number (got "${printable(countText)}"). Give ${code(key)} as a YAML list or as one string, and leave ${countName} to Pipelines.`
    )
  }
  const items: string[] = []
  for (let i = 0; i < count; i++) {
    const item = env[`${name}_${i}`]
    if (item === undefined) {
      throw new InputError(
        say`${named(key)} is a list of ${count} (${countName}), but ${name}_${i} is not set: every item from ${name}_0 to ${name}_${count - 1} must be. Give ${code(key)} as a YAML list or as one string.`
      )
    }
    items.push(item)
  }
  return items.join(LIST_SEPARATOR[key])
}

/** `REPORT_FILE`, read before anything else can fail, so that a broken run still overwrites it; '' for none. */
export function pipeReportFile(env: NodeJS.ProcessEnv): string {
  return variable(env, 'report-file').trim()
}

/** `JUNIT_FILE`, read before anything else can fail, like the report; a pipe writes one by default. */
export function pipeJunitFile(env: NodeJS.ProcessEnv): string {
  return variable(env, 'junit-file').trim() || pipeDefault('junit-file')
}

/** The inputs whose value is a secret, from the table: scrubbed from everything the pipe prints. */
const SECRET_KEYS = (Object.keys(INPUTS) as InputKey[]).filter((key): key is PipeKey => inputSpec(key).type === 'secret' && inputSpec(key).pipe !== null)

/**
 * The secret values in the pipe's variables, read before anything is parsed, so that no message, even
 * one about another variable, prints them. Each as given and trimmed, as the action masks them: the
 * parsers trim, so the trimmed value is the one that travels.
 */
export function pipeSecrets(env: NodeJS.ProcessEnv): string[] {
  const found = new Set<string>()
  for (const key of SECRET_KEYS) {
    const value = variable(env, key)
    // A blank value is no secret: scrubbing it would blank every run of spaces in the log.
    if (value.trim() === '') continue
    found.add(value)
    found.add(value.trim())
  }
  return [...found]
}

/**
 * The pipe's variables → the same request the flags build, checked by the same parsers (their messages
 * name inputs by key; the pipe port spells them as variables). `readFile` reads `EXEMPT_FILE`.
 */
export function parsePipeVariables(env: NodeJS.ProcessEnv, readFile: (path: string) => string): CliRequest & { kind: 'check' } {
  // BITBUCKET_WORKSPACE is a default, as for the CLI: with REPOSITORY it only resolves a bare repo_slug.
  const scope = parseScope({
    workspace: pipeList(env, 'workspace') ?? '',
    repository: pipeList(env, 'repository') ?? '',
    defaultWorkspace: env.BITBUCKET_WORKSPACE ?? ''
  })
  const redact = parseRedact(variable(env, 'redact'))
  const codeInsights = booleanOf(env, 'code-insights')
  const proxy = variable(env, 'code-insights-proxy')
  if (proxy.trim() !== '' && !codeInsights) {
    throw new InputError(
      say`${named('code-insights-proxy')} is set, but ${valueOf('code-insights', 'false')} turns Code Insights off: leave the proxy out, or ${setTo('code-insights', 'true')}.`
    )
  }
  const exemptFile = variable(env, 'exempt-file').trim()
  const exemptText = [pipeList(env, 'exempt'), exemptFile === '' ? null : readExemptFile(exemptFile, readFile)].filter((text) => text !== null).join('\n')
  return {
    kind: 'check',
    options: {
      workspaces: scope.workspaces,
      repositories: scope.repositories,
      credentials: parseCredentialInputs({
        email: variable(env, 'email'),
        token: variable(env, 'token'),
        oauthClientId: variable(env, 'oauth-client-id'),
        oauthClientSecret: variable(env, 'oauth-client-secret'),
        oauthTokenUrl: variable(env, 'oauth-token-url')
      }),
      apiUrl: parseApiUrl(variable(env, 'api-url')),
      exemptions: parseExemptions(exemptText),
      allowAdminExemptions: booleanOf(env, 'allow-admin-exemptions'),
      failOnUnknown: booleanOf(env, 'fail-on-unknown'),
      atlassian: parseAtlassianInputs({
        orgId: variable(env, 'atlassian-org-id'),
        apiKey: variable(env, 'atlassian-api-key'),
        apiUrl: variable(env, 'atlassian-api-url'),
        accept: booleanOf(env, 'accept-atlassian-2sv')
      })
    },
    failOnViolation: booleanOf(env, 'fail-on-violation'),
    reportFile: pipeReportFile(env),
    // The pipe's output is its log: the JSON report goes to REPORT_FILE, never to stdout.
    json: false,
    // `auto` is null: the door decides (withheld unless BITBUCKET_REPO_IS_PRIVATE is exactly `true`).
    redact: redact === 'auto' ? null : redact === 'true',
    junitFile: pipeJunitFile(env),
    // No such variable: GitHub signs the predicate; in Pipelines the report and its sha256 are the evidence.
    attestationPredicateFile: '',
    // A pipe runs in its own container, which reaches the step's proxy by the Docker host's name.
    codeInsights: codeInsights ? codeInsightsOf(proxy, env, PIPE_PROXY) : null,
    debug: booleanOf(env, 'debug')
  }
}

function readExemptFile(path: string, readFile: (path: string) => string): string {
  try {
    return readFile(path)
  } catch (error) {
    const reason = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'unreadable'
    throw new InputError(
      say`${named('exempt-file')} (${printable(path, 120)}) could not be read (${printable(reason)}). Give the path of a file in the clone with one exemption a line.`
    )
  }
}
