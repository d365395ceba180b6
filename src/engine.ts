import { obtainedTokenSecrets, secretsOf } from './bitbucket/api/auth.js'
import { sessionFor } from './bitbucket/auth/session.js'
import { Limiter } from './http/limiter.js'
import { DEFAULT_RETRY_POLICY, systemClock, WaitBudget, type Clock, type RetryPolicy } from './http/retry.js'
import { createTransport, type Transport } from './http/transport.js'
import { listMembers } from './bitbucket/listing/list.js'
import type { ClientContext } from './bitbucket/listing/types.js'
import { utcDay } from './config/exemptions.js'
import type { Options } from './config/options.js'
import { decideCompliance, mergeListings, type Verdict } from './gate/verdict.js'
import { formsOf, SecretSet } from './secrets.js'
import { lookUpSecondFactor } from './atlassian/lookup.js'
import type { AtlassianOptions } from './config/atlassian.js'
import { GateError } from './errors.js'
import type { WorkspaceListing } from './gate/accounts.js'
import type { SecondSource } from './gate/types.js'

/** Requests in flight across the whole run. */
export const MAX_IN_FLIGHT = 8
export const REQUEST_TIMEOUT_MS = 30_000

/** What the engine reports while it works; each door shows it its own way. */
export interface EngineEvents {
  /** A request is retried after `delayMs` (`reason` is the gate's own words). */
  readonly retry?: (info: { readonly attempt: number; readonly delayMs: number; readonly reason: string }) => void
  /** A final answer arrived, for a debug log. */
  readonly response?: (info: { readonly url: string; readonly status: number; readonly attempts: number }) => void
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
  readonly events?: EngineEvents
}

/**
 * The check, for either door: lists every workspace (under one cap on requests in flight and one
 * wait budget) and decides. Throws a GateError when it cannot decide. Prints nothing.
 */
export async function check(options: Options, deps: RunDependencies): Promise<Verdict> {
  const context = clientContext(options, deps)
  const listings = await Promise.all(options.workspaces.map((workspace) => listMembers(workspace, context)))
  const organization = options.atlassian ?? null
  const secondSource = organization === null ? null : await askOrganization(organization, listings, context)
  return decideCompliance(listings, {
    exemptions: options.exemptions,
    today: utcDay(deps.now()),
    failOnUnknown: options.failOnUnknown,
    ...(options.credentials.kind === 'oauth' ? { adminAdvice: consumerAdvice } : {}),
    ...(secondSource === null ? {} : { secondSource })
  })
}

/**
 * The organization's Atlassian 2SV for the people Bitbucket does not prove (2FA off or unknown), and
 * nobody else. When it fails: with `accept-atlassian-2sv: true` there is no verdict (the gate cannot
 * tell who is protected); otherwise a warning, and Bitbucket's verdict stands.
 */
export async function askOrganization(organization: AtlassianOptions, listings: readonly WorkspaceListing[], context: ClientContext): Promise<SecondSource> {
  const unproven = [...mergeListings(listings).otherAccounts()].filter((m) => !m.isAppUser && m.accountId !== null).map((m) => m.accountId ?? '')
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
    const { message } = error
    if (organization.accept) {
      throw new GateError(`${message} With \`accept-atlassian-2sv: true\` the gate cannot tell who is protected without it, so there is no verdict.`)
    }
    return { accepted: false, states: new Map(), requests: 0, warning: `${message} Bitbucket's flag alone decides this run.` }
  }
}

function consumerAdvice(ws: string): string {
  return (
    `An OAuth consumer's token acts as the consumer's owner: the owner must be an admin of ${ws}. ` +
    `Create the consumer in ${ws}'s settings as one of its admins, or use an Atlassian API token (with \`email\`) of an admin.`
  )
}

/** The secrets a door must mask and scrub for these options. */
export function secretsFor(options: Pick<Options, 'credentials' | 'atlassian'>): string[] {
  const apiKey = options.atlassian?.apiKey
  return [...secretsOf(options.credentials), ...(apiKey === undefined ? [] : formsOf([apiKey, `Bearer ${apiKey}`]))]
}

function clientContext(options: Options, deps: RunDependencies): ClientContext {
  const secrets = new SecretSet(secretsFor(options))
  const events = deps.events ?? {}
  const retry = {
    transport: deps.transport,
    clock: deps.clock,
    random: deps.random,
    now: () => deps.now().getTime(),
    policy: deps.retryPolicy,
    budget: new WaitBudget(deps.retryPolicy.totalWaitMs),
    ...(events.retry ? { onRetry: events.retry } : {})
  }
  return {
    apiUrl: options.apiUrl,
    session: sessionFor(options.credentials, {
      retry,
      scrub: secrets.scrub,
      redact: options.redact,
      onToken: ({ accessToken }) => {
        secrets.add(obtainedTokenSecrets(accessToken))
        events.secret?.(accessToken)
      }
    }),
    credentials: options.credentials,
    scrub: secrets.scrub,
    redact: options.redact,
    limiter: new Limiter(MAX_IN_FLIGHT),
    // People with 2FA on are kept as a uuid; their account id only when an exemption names it.
    keepAccountIds: new Set(options.exemptions.filter((e) => e.idKind === 'account_id').map((e) => e.id)),
    ...(events.response ? { onResponse: events.response } : {}),
    ...(events.page ? { onPage: events.page } : {}),
    retry
  }
}

/**
 * The real dependencies. One test knob, documented in the README and read only here:
 * BITBUCKET_2FA_GATE_TEST_TIMING='{"timeoutMs":300,"delayScale":0}' lets the end-to-end tests run the
 * bundles against scripted faults without waiting real seconds. A malformed value changes nothing.
 */
export function defaultDependencies(env: NodeJS.ProcessEnv, events?: EngineEvents): RunDependencies {
  const timing = readTestTiming(env.BITBUCKET_2FA_GATE_TEST_TIMING)
  const timeoutMs = typeof timing.timeoutMs === 'number' ? timing.timeoutMs : REQUEST_TIMEOUT_MS
  const delayScale = typeof timing.delayScale === 'number' ? timing.delayScale : 1
  const clock: Clock = delayScale === 1 ? systemClock : { sleep: (ms) => systemClock.sleep(ms * delayScale) }
  return {
    now: () => new Date(),
    clock,
    random: Math.random,
    transport: createTransport({ timeoutMs, maxSockets: MAX_IN_FLIGHT }),
    retryPolicy: DEFAULT_RETRY_POLICY,
    ...(events ? { events } : {})
  }
}

function readTestTiming(text: string | undefined): { timeoutMs?: unknown; delayScale?: unknown } {
  if (!text) return {}
  try {
    const parsed: unknown = JSON.parse(text)
    return typeof parsed === 'object' && parsed !== null ? parsed : {}
  } catch {
    return {}
  }
}
