import { secretsOf } from '../../src/bitbucket/api/auth.js'
import { sessionFor } from '../../src/bitbucket/auth/session.js'
import { SecretSet } from '../../src/secrets.js'
import { Limiter } from '../../src/http/limiter.js'
import type { ClientContext } from '../../src/bitbucket/listing/types.js'
import { DEFAULT_RETRY_POLICY, WaitBudget } from '../../src/http/retry.js'
import { createTransport } from '../../src/http/transport.js'
import type { Credentials } from '../../src/config/credentials.js'
import type { Member } from '../../src/gate/types.js'
import type { WorkspaceListing } from '../../src/gate/accounts.js'
import { ADMIN_EMAIL, ADMIN_TOKEN } from '../simulator/fixtures.js'

export const adminCredentials: Credentials = { kind: 'api-token', email: ADMIN_EMAIL, token: ADMIN_TOKEN }

/** A client context against `apiUrl` whose clock records waits instead of sleeping. */
export function clientContext(apiUrl: string, options: { credentials?: Credentials; timeoutMs?: number; maxInFlight?: number; redact?: boolean } = {}) {
  const waits: number[] = []
  const credentials = options.credentials ?? adminCredentials
  const limiter = new Limiter(options.maxInFlight ?? 8)
  const secrets = new SecretSet(secretsOf(credentials))
  const tokens: string[] = []
  const retry: ClientContext['retry'] = {
    transport: createTransport({ timeoutMs: options.timeoutMs ?? 2000 }),
    clock: {
      sleep: (ms) => {
        waits.push(ms)
        return Promise.resolve()
      }
    },
    random: () => 0.5,
    now: () => Date.now(),
    policy: DEFAULT_RETRY_POLICY,
    budget: new WaitBudget(DEFAULT_RETRY_POLICY.totalWaitMs)
  }
  const redact = options.redact ?? false
  const context: ClientContext = {
    apiUrl: new URL(apiUrl),
    session: sessionFor(credentials, {
      retry,
      scrub: secrets.scrub,
      redact,
      onToken: ({ accessToken }) => {
        tokens.push(accessToken)
        secrets.add([accessToken])
      }
    }),
    credentials,
    scrub: secrets.scrub,
    redact,
    limiter,
    retry
  }
  return { context, waits, limiter, tokens }
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
