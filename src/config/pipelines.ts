/** What the gate reads of a Bitbucket Pipelines step: where it runs, what it may show, where Code Insights go. */
import { InputError } from '../errors.js'
import { say } from '../sentence.js'
import { printable } from '../text.js'
import { named } from './catalogue.js'

/** The step's authenticating proxy, as a step reaches it. */
export const STEP_PROXY = 'http://localhost:29418'
/** The same proxy, as a pipe's container reaches it. */
export const PIPE_PROXY = 'http://host.docker.internal:29418'

/** A step of Bitbucket Pipelines: it sets these on every step. */
export function inPipelines(env: NodeJS.ProcessEnv): boolean {
  return (env.BITBUCKET_BUILD_NUMBER ?? '') !== '' || (env.BITBUCKET_PIPELINE_UUID ?? '') !== ''
}

/**
 * Whether names are withheld. `--redact`/`--no-redact` (or a pipe's `REDACT: true|false`) decide;
 * without them, in Pipelines (or a pipe) names are withheld unless Bitbucket says the repository is
 * private: its logs, reports and test results are open to everyone who can read it. A terminal is private.
 */
export function redactionFor(explicit: boolean | null, env: NodeJS.ProcessEnv, pipe: boolean): boolean {
  if (explicit !== null) return explicit
  if (!pipe && !inPipelines(env)) return false
  return env.BITBUCKET_REPO_IS_PRIVATE !== 'true'
}

/** The commit of a repository that Code Insights reports on. */
export interface InsightsTarget {
  /** `workspace/repo_slug`. */
  readonly repository: string
  readonly commit: string
}

const SLUG = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/
const COMMIT = /^[0-9a-f]{7,40}$/

/**
 * BITBUCKET_COMMIT and BITBUCKET_REPO_FULL_NAME, which Pipelines sets on every step; checked before any
 * request, so a report is never posted on a commit or repository the step did not name.
 */
export function insightsTarget(env: NodeJS.ProcessEnv): InsightsTarget {
  const commit = env.BITBUCKET_COMMIT ?? ''
  const repository = env.BITBUCKET_REPO_FULL_NAME ?? ''
  const where = say`${named('code-insights')} posts to the commit Bitbucket Pipelines builds`
  if (commit === '' || repository === '') {
    const missing = [commit === '' ? 'BITBUCKET_COMMIT' : null, repository === '' ? 'BITBUCKET_REPO_FULL_NAME' : null].filter((n) => n !== null)
    throw new InputError(
      say`${where}, and ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set. Pipelines sets both on every step: run it in a Pipelines step, or leave Code Insights off.`
    )
  }
  if (!COMMIT.test(commit)) {
    throw new InputError(
      say`${where}, and BITBUCKET_COMMIT ("${printable(commit, 60)}") is not a commit hash (7 to 40 lower-case hex digits). Leave it to Pipelines.`
    )
  }
  const parts = repository.split('/')
  if (parts.length !== 2 || !parts.every((part) => SLUG.test(part))) {
    throw new InputError(say`${where}, and BITBUCKET_REPO_FULL_NAME ("${printable(repository, 120)}") is not workspace/repo_slug. Leave it to Pipelines.`)
  }
  return { repository, commit }
}

/**
 * `code-insights-proxy`: a plain http://host:port. The proxy adds the step's credentials, so it is
 * reached without TLS, and nothing but a host and a port may be in its URL.
 */
export function parseInsightsProxy(text: string, fallback: string): URL {
  // The URL parser drops the spaces around a value itself.
  const value = text.trim() === '' ? fallback : text
  let url: URL | null
  try {
    url = new URL(value)
  } catch {
    url = null
  }
  if (
    url === null ||
    url.protocol !== 'http:' ||
    url.username !== '' ||
    url.password !== '' ||
    url.pathname.length > 1 ||
    url.search !== '' ||
    url.hash !== ''
  ) {
    // Never the value itself: a URL may carry a password. Its scheme and host say enough to find it.
    const credentials = url !== null && (url.username !== '' || url.password !== '') ? ', with a user name or password' : ''
    const shown = url === null ? 'not a URL' : `${printable(url.protocol, 20)}//${printable(url.host, 100)}${credentials}`
    throw new InputError(
      say`${named('code-insights-proxy')} (${shown}) must be a plain http://host:port, as the Pipelines proxy is (${STEP_PROXY} from a step, ${PIPE_PROXY} from a pipe).`
    )
  }
  return url
}

/** The pipeline's page, when the step says which one it is; null otherwise. */
export function pipelineUrl(env: NodeJS.ProcessEnv): string | null {
  const repository = env.BITBUCKET_REPO_FULL_NAME ?? ''
  const build = env.BITBUCKET_BUILD_NUMBER ?? ''
  const parts = repository.split('/')
  if (parts.length !== 2 || !parts.every((part) => SLUG.test(part)) || !/^[1-9][0-9]{0,9}$/.test(build)) return null
  return `https://bitbucket.org/${repository}/pipelines/results/${build}`
}
