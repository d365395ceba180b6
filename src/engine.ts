import { obtainedTokenSecrets, secretsOf } from './bitbucket/api/auth.js'
import { sessionFor } from './bitbucket/auth/session.js'
import { abortReason, Deadline, systemTimer, type Timer } from './http/deadline.js'
import { Limiter } from './http/limiter.js'
import { WaitBudget, type Clock, type RetryPolicy } from './http/retry.js'
import type { Transport } from './http/transport.js'
import { listMembers } from './bitbucket/listing/list.js'
import type { ClientContext } from './bitbucket/listing/types.js'
import { utcDay } from './config/exemptions.js'
import type { Options } from './config/options.js'
import { decideCompliance, unprovenAccountIds, type Verdict } from './gate/verdict.js'
import { listAdmins, listWriters, REPOSITORY_SCOPE } from './bitbucket/listing/permissions.js'
import { formsOf, SecretSet } from './secrets.js'
import { lookUpSecondFactor } from './atlassian/lookup.js'
import { BATCH_SIZE } from './atlassian/search.js'
import type { AtlassianOptions } from './config/atlassian.js'
import { GateError, InputError } from './errors.js'
import type { SecondSource } from './gate/types.js'
import { say, type Sentence } from './sentence.js'
import { code, named, valueOf } from './config/catalogue.js'

/** Requests in flight across the whole run. */
export const MAX_IN_FLIGHT = 8
export const REQUEST_TIMEOUT_MS = 30_000

/** What the engine reports while it works; each door shows it its own way. */
export interface EngineEvents {
  /** A request is retried after `delayMs` (`reason` is the gate's own words). */
  readonly retry?: (info: { readonly attempt: number; readonly delayMs: number; readonly reason: string }) => void
  /** A final answer arrived, for a debug log. */
  readonly response?: (info: { readonly method: string; readonly url: string; readonly status: number; readonly attempts: number }) => void
  /** A page of a workspace was read; `pages` is the total when known. */
  readonly page?: (info: { readonly workspace: string; readonly pageNo: number; readonly pages: number | null }) => void
  /** A secret came into being during the run (an OAuth access token): mask it before anything else. */
  readonly secret?: (value: string) => void
}

/** Everything outside the engine that it uses, passed in so that tests replace it. */
export interface RunDependencies {
  readonly now: () => Date
  readonly clock: Clock
  readonly random: () => number
  readonly transport: Transport
  readonly retryPolicy: RetryPolicy
  /** The request timeout the transport keeps, for the run's deadline; default REQUEST_TIMEOUT_MS. */
  readonly requestTimeoutMs?: number
  /** Starts the deadline's timer; default a real one that never keeps the process alive. */
  readonly timer?: Timer
  readonly events?: EngineEvents
}

/**
 * The check, for either door: lists every workspace (under one cap on requests in flight, one wait
 * budget and one deadline) and decides. Throws a GateError when it cannot decide, a DeadlineError when
 * it ran out of time. Prints nothing.
 */
export async function check(options: Options, deps: RunDependencies): Promise<Verdict> {
  const repositories = options.repositories ?? []
  if (repositories.length > 0 && options.credentials.kind === 'access-token') throw accessTokenScopeError()
  const adminListings = options.credentials.kind === 'access-token' ? 0 : options.workspaces.length
  const deadline = new Deadline(
    {
      waitBudgetMs: deps.retryPolicy.totalWaitMs,
      requestTimeoutMs: deps.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
      inFlight: MAX_IN_FLIGHT,
      now: () => deps.now().getTime(),
      timer: deps.timer ?? systemTimer
    },
    // Page 1 of each listing (members, admins, each repository's permissions), and a token when a
    // consumer buys one; page 1 tells the rest.
    options.workspaces.length + adminListings + repositories.length + (options.credentials.kind === 'oauth' ? 1 : 0)
  )
  try {
    return await deadlineRace(decide(options, clientContext(options, deps, deadline), deps.now()), deadline.signal)
  } finally {
    deadline.dispose()
  }
}

async function decide(options: Options, context: ClientContext, now: Date): Promise<Verdict> {
  const repositories = options.repositories ?? []
  // Every listing at once, under the one limit on requests in flight.
  const [listings, admins, writers] = await Promise.all([
    Promise.all(options.workspaces.map((workspace) => listMembers(workspace, context))),
    Promise.all(options.workspaces.map((workspace) => listAdmins(workspace, context))),
    repositories.length === 0 ? Promise.resolve(null) : Promise.all(repositories.map((repository) => listWriters(repository, context)))
  ])
  const organization = options.atlassian ?? null
  const secondSource =
    organization === null ? null : await askOrganization(organization, unprovenAccountIds(listings, { admins, repositories: writers }), context)
  return decideCompliance(listings, {
    exemptions: options.exemptions,
    today: utcDay(now),
    failOnUnknown: options.failOnUnknown,
    admins,
    repositories: writers,
    allowAdminExemptions: options.allowAdminExemptions === true,
    ...(options.credentials.kind === 'oauth' ? { adminAdvice: consumerAdvice } : {}),
    ...(secondSource === null ? {} : { secondSource })
  })
}

/**
 * The organization's Atlassian 2SV for the people Bitbucket does not prove (2FA off or unknown), and
 * nobody else. When it fails: with `accept-atlassian-2sv: true` there is no verdict (the gate cannot
 * tell who is protected); otherwise a warning, and Bitbucket's verdict stands.
 */
export async function askOrganization(organization: AtlassianOptions, unproven: readonly string[], context: ClientContext): Promise<SecondSource> {
  context.plan?.(Math.ceil(new Set(unproven).size / BATCH_SIZE))
  try {
    const { states, requests } = await lookUpSecondFactor(unproven, {
      organization,
      retry: context.retry,
      limiter: context.limiter,
      scrub: context.scrub,
      ...(context.onResponse ? { onResponse: context.onResponse } : {})
    })
    return { accepted: organization.accept, states, requests, warning: null }
  } catch (error) {
    if (!(error instanceof GateError)) throw error
    if (organization.accept) {
      throw new GateError(
        say`${error.sentence} With ${valueOf('accept-atlassian-2sv', 'true')} the gate cannot tell who is protected without it, so there is no verdict.`,
        {
          redactedMessage: say`${error.redactedSentence} With ${valueOf('accept-atlassian-2sv', 'true')} the gate cannot tell who is protected without it, so there is no verdict.`,
          said: error.said
        }
      )
    }
    return {
      accepted: false,
      states: new Map(),
      requests: 0,
      warning: new GateError(say`${error.sentence} Bitbucket's flag alone decides this run.`, {
        redactedMessage: say`${error.redactedSentence} Bitbucket's flag alone decides this run.`,
        said: error.said
      })
    }
  }
}

/** The repository scope reads permissions, which Bitbucket never shows an access token: said before any request. */
function accessTokenScopeError(): InputError {
  return new InputError(
    say`${named('repository')} needs the repositories' permission listings, and Bitbucket does not let access tokens query permissions. Use an Atlassian API token (with ${code('email')}) of an admin of the repositories, with the scopes \`read:workspace:bitbucket\` and \`${REPOSITORY_SCOPE}\`, or an OAuth consumer with the permissions Account: Read and Repositories: Read.`
  )
}

function consumerAdvice(ws: string): Sentence {
  return say`An OAuth consumer's token acts as the consumer's owner: the owner must be an admin of ${ws}. Create the consumer in ${ws}'s settings as one of its admins, or use an Atlassian API token (with ${code('email')}) of an admin.`
}

/** The secrets a door must mask and scrub for these options. */
export function secretsFor(options: Pick<Options, 'credentials' | 'atlassian'>): string[] {
  const apiKey = options.atlassian?.apiKey
  return [...secretsOf(options.credentials), ...(apiKey === undefined ? [] : formsOf([apiKey, `Bearer ${apiKey}`]))]
}

/** `work`, or the deadline's error the moment it passes (whatever `work` is waiting on). */
function deadlineRace<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const stop = (): void => {
      reject(abortReason(signal))
    }
    if (signal.aborted) stop()
    signal.addEventListener('abort', stop, { once: true })
    work.then(resolve, reject).finally(() => {
      signal.removeEventListener('abort', stop)
    })
  })
}

function clientContext(options: Options, deps: RunDependencies, deadline: Deadline): ClientContext {
  const secrets = new SecretSet(secretsFor(options))
  const events = deps.events ?? {}
  const retry = {
    transport: deps.transport,
    clock: deps.clock,
    random: deps.random,
    now: () => deps.now().getTime(),
    policy: deps.retryPolicy,
    budget: new WaitBudget(deps.retryPolicy.totalWaitMs),
    signal: deadline.signal,
    ...(events.retry ? { onRetry: events.retry } : {})
  }
  return {
    apiUrl: options.apiUrl,
    session: sessionFor(options.credentials, {
      apiUrl: options.apiUrl,
      retry,
      scrub: secrets.scrub,
      onToken: ({ accessToken }) => {
        secrets.add(obtainedTokenSecrets(accessToken))
        events.secret?.(accessToken)
      }
    }),
    credentials: options.credentials,
    scrub: secrets.scrub,
    plan: (requests) => {
      deadline.plan(requests)
    },
    limiter: new Limiter(MAX_IN_FLIGHT),
    // People with 2FA on are kept as a uuid; their account id only when an exemption names it.
    keepAccountIds: new Set(options.exemptions.filter((e) => e.idKind === 'account_id').map((e) => e.id)),
    ...(events.response ? { onResponse: events.response } : {}),
    ...(events.page ? { onPage: events.page } : {}),
    retry
  }
}
