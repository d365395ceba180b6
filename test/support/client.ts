import { obtainedTokenSecrets, secretsOf } from '../../src/bitbucket/api/auth.js'
import { sessionFor } from '../../src/bitbucket/auth/session.js'
import { SecretSet } from '../../src/secrets.js'
import { Limiter } from '../../src/http/limiter.js'
import type { ClientContext } from '../../src/bitbucket/listing/types.js'
import { DEFAULT_RETRY_POLICY, WaitBudget, type RetryContext } from '../../src/http/retry.js'
import { createTransport, type Transport } from '../../src/http/transport.js'
import type { Credentials } from '../../src/config/credentials.js'
import type { Member } from '../../src/gate/types.js'
import type { WorkspaceListing } from '../../src/gate/accounts.js'
import { ADMIN_EMAIL, ADMIN_TOKEN } from '../simulator/fixtures.js'

export const adminCredentials: Credentials = { kind: 'api-token', email: ADMIN_EMAIL, token: ADMIN_TOKEN }

/** A simulator served in memory: where it answers, and the transport that reaches it. */
export interface MemoryTarget {
  readonly apiUrl: string
  transport(): Transport
}

export interface ClientOptions {
  readonly credentials?: Credentials
  /** The socket transport's timeout (a URL target only). */
  readonly timeoutMs?: number
  readonly maxInFlight?: number
  /** Instead of the target's own transport (e.g. a memoryNetwork of Bitbucket and the organization). */
  readonly transport?: Transport
  /** The run's deadline. */
  readonly signal?: AbortSignal
}

/**
 * A client context, wired as src/engine.ts wires it, against a simulator in memory (its transport, no
 * socket) or against a URL over real sockets (client tests only). Its clock records waits instead of
 * sleeping.
 */
export function clientContext(target: MemoryTarget | string, options: ClientOptions = {}) {
  const waits: number[] = []
  const apiUrl = new URL(typeof target === 'string' ? target : target.apiUrl)
  const credentials = options.credentials ?? adminCredentials
  const limiter = new Limiter(options.maxInFlight ?? 8)
  const secrets = new SecretSet(secretsOf(credentials))
  const tokens: string[] = []
  const planned: number[] = []
  const retry: RetryContext = {
    transport: options.transport ?? (typeof target === 'string' ? createTransport({ timeoutMs: options.timeoutMs ?? 2000 }) : target.transport()),
    clock: {
      sleep: (ms) => {
        waits.push(ms)
        return Promise.resolve()
      }
    },
    random: () => 0.5,
    now: () => Date.now(),
    policy: DEFAULT_RETRY_POLICY,
    budget: new WaitBudget(DEFAULT_RETRY_POLICY.totalWaitMs),
    ...(options.signal === undefined ? {} : { signal: options.signal })
  }
  const context: ClientContext = {
    apiUrl,
    session: sessionFor(credentials, {
      apiUrl,
      retry,
      scrub: secrets.scrub,
      onToken: ({ accessToken }) => {
        tokens.push(accessToken)
        secrets.add(obtainedTokenSecrets(accessToken))
      }
    }),
    credentials,
    scrub: secrets.scrub,
    plan: (requests) => {
      planned.push(requests)
    },
    limiter,
    retry
  }
  return { context, waits, limiter, tokens, planned }
}

/** Every account of a listing as Members (people with 2FA on come back without names). */
export function membersOf(listing: WorkspaceListing): Member[] {
  const enabled = [...listing.accounts.enabledAccounts()].map(([uuid, accountId]): Member => ({
    uuid,
    accountId,
    displayName: '',
    nickname: '',
    isAppUser: false,
    twoFactor: 'enabled'
  }))
  return [...listing.accounts.otherAccounts(), ...enabled]
}
