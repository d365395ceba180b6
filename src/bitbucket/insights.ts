import { code } from '../config/catalogue.js'
import { GateError, type ServerSaid } from '../errors.js'
import { field } from '../json.js'
import { NoAnswerError, type Service } from '../http/request.js'
import { DEFAULT_RETRY_POLICY, requestWithRetry, systemClock, WaitBudget, type Clock, type RetryPolicy } from '../http/retry.js'
import type { HttpResponse, Method, Transport } from '../http/transport.js'
import { say, type Sentence } from '../sentence.js'
import { printable, ServerText } from '../text.js'
import { bodySaid } from './api/errors.js'

/**
 * Posts a Code Insights report through the Bitbucket Pipelines authenticating proxy (REFERENCE.md,
 * Pipelines): the request core's credential-free class, in absolute form to an http:// URL, whatever
 * `api-url` or HTTP(S)_PROXY say. The proxy adds the step's own authentication, so nothing here carries
 * a credential, and nothing else (the member and permission listings) goes through this proxy.
 */

/** Where the report goes. */
export interface InsightsTarget {
  /** `workspace/slug`: BITBUCKET_REPO_FULL_NAME. */
  readonly repository: string
  /** The commit's full hash: BITBUCKET_COMMIT. */
  readonly commit: string
  /** The Pipelines proxy, `http://host:port` (`http://localhost:29418` in a step, `http://host.docker.internal:29418` in a pipe). */
  readonly proxy: URL
}

/**
 * What is posted: a report and its annotations, as Bitbucket's JSON (present/insights.ts makes them;
 * that module is on this floor's other side, so the shape is stated here only as far as sending needs it).
 */
export interface InsightsPayload {
  readonly report: object
  readonly annotations: readonly object[]
}

export interface PublishOptions {
  /** The run's deadline. */
  readonly signal?: AbortSignal
  readonly clock?: Clock
  readonly random?: () => number
  readonly now?: () => number
  /** Default INSIGHTS_RETRY_POLICY. */
  readonly policy?: RetryPolicy
  /** Removes secrets from server text before it is quoted (the run's scrubber); default none. */
  readonly scrub?: (text: string) => string
}

/** The report's id (its `external_id`): the tool's name, as Bitbucket asks ids to start with it. */
export const INSIGHTS_REPORT_ID = 'bitbucket-2fa-gate'

/** Always this origin, plain http: the proxy speaks only http, and it is Bitbucket Cloud's own API. */
export const INSIGHTS_ORIGIN = 'http://api.bitbucket.org'

/** Bitbucket takes at most this many annotations in one request, and this many per report (REFERENCE.md). */
export const ANNOTATIONS_PER_REQUEST = 100
export const ANNOTATIONS_PER_REPORT = 1000

/**
 * A report is a nicety beside the verdict: a few quick retries (5xx, 429, no answer), then a warning.
 * Outside Pipelines the proxy does not exist and the connection is refused at once; waiting a minute for
 * it would only slow the run.
 */
export const INSIGHTS_RETRY_POLICY: RetryPolicy = { ...DEFAULT_RETRY_POLICY, maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 2000, totalWaitMs: 5000 }

const SERVICE: Service = { name: 'Bitbucket Code Insights', urlInput: 'code-insights-proxy' }

/** The report could not be posted: which step, what answered, and what to check. */
export class InsightsError extends GateError {
  /** The HTTP status, or null when no answer came (or nothing was sent). */
  readonly status: number | null
  /** What was being done: "DELETE of the report", "PUT of the report", "POST of annotations 1–100". */
  readonly step: string | null

  constructor(message: string | Sentence, status: number | null, step: string | null, said: ServerSaid | null = null) {
    super(message, { said })
    this.name = 'InsightsError'
    this.status = status
    this.step = step
  }
}

/**
 * DELETE the report (a 404 is fine: there was none), PUT it, then POST the annotations in batches of at
 * most 100, so a re-run leaves exactly one report with the current annotations. Bitbucket's bulk
 * annotation call creates or updates by `external_id`, so a retried batch does not duplicate anything.
 * Rejects with an InsightsError naming the step and status; nothing is sent when the target is wrong.
 */
export async function publishInsights(transport: Transport, target: InsightsTarget, content: InsightsPayload, options: PublishOptions = {}): Promise<void> {
  const reportUrl = reportUrlOf(target)
  checkProxy(target.proxy)
  if (content.annotations.length > ANNOTATIONS_PER_REPORT) {
    throw new TypeError(`a Code Insights report holds at most ${ANNOTATIONS_PER_REPORT} annotations, got ${content.annotations.length}`)
  }
  const policy = options.policy ?? INSIGHTS_RETRY_POLICY
  const context = {
    transport,
    clock: options.clock ?? systemClock,
    random: options.random ?? Math.random,
    now: options.now ?? Date.now,
    policy,
    budget: new WaitBudget(policy.totalWaitMs),
    ...(options.signal === undefined ? {} : { signal: options.signal })
  }
  const scrub = options.scrub ?? ((text: string) => text)
  const send = async (method: Method, url: string, step: string, body: unknown, ok: (status: number) => boolean): Promise<void> => {
    let response: HttpResponse
    let attempts: number
    try {
      ;({ response, attempts } = await requestWithRetry(
        {
          method,
          url,
          headers: { Accept: 'application/json' },
          ...(body === undefined ? {} : { body: { contentType: 'application/json', text: JSON.stringify(body) } }),
          credential: null,
          proxy: target.proxy,
          service: SERVICE
        },
        context,
        step
      ))
    } catch (error) {
      if (error instanceof NoAnswerError) throw noAnswer(target.proxy, step, error)
      throw error
    }
    if (!ok(response.status)) throw statusError(response, step, attempts, target, scrub)
  }
  const is2xx = (status: number): boolean => status >= 200 && status < 300
  // A failed DELETE must not keep an old report standing: the PUT replaces it all the same (an old
  // PASSED would be a merge check gone green). Its error is raised once the report is put.
  let deleteFailed: Error | undefined
  try {
    await send('DELETE', reportUrl, 'DELETE of the report', undefined, (status) => is2xx(status) || status === 404)
  } catch (error) {
    deleteFailed = error instanceof Error ? error : new Error(String(error))
  }
  try {
    await send('PUT', reportUrl, 'PUT of the report', content.report, is2xx)
    for (let start = 0; start < content.annotations.length; start += ANNOTATIONS_PER_REQUEST) {
      const batch = content.annotations.slice(start, start + ANNOTATIONS_PER_REQUEST)
      await send('POST', `${reportUrl}/annotations`, `POST of annotations ${start + 1}–${start + batch.length}`, batch, is2xx)
    }
  } catch (error) {
    // Both failed (no proxy at all, most often): the first failure says what went wrong.
    if (deleteFailed !== undefined) throw deleteFailed
    throw error
  }
  if (deleteFailed !== undefined) throw deleteFailed
}

/** `http://api.bitbucket.org/2.0/repositories/{workspace}/{slug}/commit/{commit}/reports/bitbucket-2fa-gate`, each segment encoded. */
export function reportUrlOf(target: Pick<InsightsTarget, 'repository' | 'commit'>): string {
  const parts = target.repository.split('/')
  // A "." or ".." segment would be resolved away by URL parsing (encodeURIComponent leaves dots), sending
  // the report somewhere else: refused with everything else that is not one workspace and one slug.
  if (parts.length !== 2 || parts.some((part) => part === '' || part === '.' || part === '..' || part.trim() !== part)) {
    throw new InsightsError(
      `The repository for the Code Insights report is not workspace/slug (got "${printable(target.repository)}"): nothing was sent. It comes from BITBUCKET_REPO_FULL_NAME, which Bitbucket Pipelines sets in every step.`,
      null,
      null
    )
  }
  if (!/^[0-9a-f]{7,64}$/i.test(target.commit)) {
    throw new InsightsError(
      `The commit for the Code Insights report is not a commit hash (got "${printable(target.commit)}"): nothing was sent. It comes from BITBUCKET_COMMIT, which Bitbucket Pipelines sets in every step.`,
      null,
      null
    )
  }
  const [workspace = '', slug = ''] = parts
  return `${INSIGHTS_ORIGIN}/2.0/repositories/${encodeURIComponent(workspace)}/${encodeURIComponent(slug)}/commit/${encodeURIComponent(target.commit)}/reports/${INSIGHTS_REPORT_ID}`
}

/**
 * The proxy must be plain http://host:port with no user or password: the request core refuses anything
 * else too, but here the message names the input, before any request.
 */
function checkProxy(proxy: URL): void {
  const plain =
    proxy.protocol === 'http:' && proxy.username === '' && proxy.password === '' && proxy.pathname.length <= 1 && proxy.search === '' && proxy.hash === ''
  if (plain) return
  // The origin never shows a user or password: what the user typed is not echoed with its secret.
  const shown = proxy.protocol === 'http:' || proxy.protocol === 'https:' ? printable(proxy.origin, 80) : printable(proxy.protocol, 20)
  throw new InsightsError(
    say`The Code Insights proxy must be a plain http://host:port, with no user name, password or path (got ${shown}): nothing was sent. The Pipelines proxy speaks plain http and authenticates the step itself: leave ${code('code-insights-proxy')} out in a step or pipe, or set it to http://localhost:29418 (a step) or http://host.docker.internal:29418 (a pipe).`,
    null,
    null
  )
}

const WHERE_PROXY = say`Is this a Bitbucket Pipelines step? The proxy only exists there (http://localhost:29418 in a step, http://host.docker.internal:29418 in a pipe's container); check ${code('code-insights-proxy')}.`

function noAnswer(proxy: URL, step: string, error: NoAnswerError): InsightsError {
  const tries = error.attempts === 1 ? '' : `, after ${error.attempts} attempts`
  return new InsightsError(
    say`The Code Insights report was not posted: no answer through the proxy ${proxy.origin} for the ${step} (${printable(error.code, 30)}${tries}). `.concat(
      WHERE_PROXY
    ),
    null,
    step
  )
}

function statusError(response: HttpResponse, step: string, attempts: number, target: InsightsTarget, scrub: (text: string) => string): InsightsError {
  const { status } = response
  const tries = attempts > 1 ? ` (after ${attempts} attempts)` : ''
  const head = `The Code Insights report was not posted: the ${step} answered ${status}${tries}.`
  const advice: Sentence =
    status === 401 || status === 403 || status === 407
      ? say` The proxy did not authenticate the request. `.concat(WHERE_PROXY)
      : status === 404
        ? say` Bitbucket does not know repository ${printable(target.repository)} or commit ${printable(target.commit)}: check BITBUCKET_REPO_FULL_NAME and BITBUCKET_COMMIT (Pipelines sets both). `.concat(
            WHERE_PROXY
          )
        : status === 400 || status === 422
          ? say` Bitbucket refused the report's content: report this at the gate's issue tracker.`
          : status === 429 || status >= 500
            ? say` Bitbucket or the proxy is failing: run the step again later.`
            : say` `.concat(WHERE_PROXY)
  return new InsightsError(say`${head}`.concat(advice), status, step, saidOf(response, scrub))
}

/**
 * What the server said, kept beside the message (the door quotes it scrubbed, or gives only its shape):
 * Code Insights errors are `{"key","message"}` (seen), the rest of the API's `{"error":{"message"}}`.
 */
function saidOf(response: HttpResponse, scrub: (text: string) => string): ServerSaid | null {
  if (/json/i.test(response.contentType)) {
    let parsed: unknown = null
    try {
      parsed = JSON.parse(response.body)
    } catch {
      // Not JSON after all: quoted as a body below.
    }
    const message = field(parsed, 'message') ?? field(field(parsed, 'error'), 'message')
    if (typeof message === 'string' && message.trim() !== '') return { who: 'Bitbucket', how: 'says', text: ServerText.of(message, scrub, response) }
  }
  return bodySaid(response, 'Bitbucket', scrub)
}
