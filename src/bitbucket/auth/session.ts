import type { Credentials } from '../../config/credentials.js'
import { GateError } from '../../errors.js'
import { authorizationFor, bearer, grantAuthorizationFor } from '../api/auth.js'
import { GRANT_FORM, readGrant, type GrantedToken } from '../api/grant.js'
import { RetriesExhaustedError, requestWithRetry, type RetryContext } from '../../http/retry.js'

/**
 * Where the listing gets its `Authorization` header. A token the run was given never changes; an
 * OAuth consumer's access token is bought at the first request and lives about an hour, so a 401
 * after expiry may renew it, once for the whole run.
 */
export interface AuthSession {
  /** The header to send now. */
  header(): Promise<string>
  /**
   * After a 401 to a request sent with `used`: the header to retry with (a renewed token, or one
   * another request already renewed), or null when there is nothing new to try.
   */
  renewAfter401(used: string): Promise<string | null>
}

export interface SessionContext {
  readonly retry: RetryContext
  readonly scrub: (text: string) => string
  readonly redact: boolean
  /** Called the moment an access token exists, before anything else sees it: mask it. */
  readonly onToken: (token: GrantedToken) => void
}

export function sessionFor(credentials: Credentials, context: SessionContext): AuthSession {
  if (credentials.kind !== 'oauth') {
    const header = authorizationFor(credentials)
    return { header: () => Promise.resolve(header), renewAfter401: () => Promise.resolve(null) }
  }
  return new OAuthSession(credentials, context)
}

/** Renewals allowed per run: one new token, shared by every request in flight. */
const MAX_RENEWALS = 1

class OAuthSession implements AuthSession {
  private current: Promise<string> | null = null
  private renewals = 0

  constructor(
    private readonly credentials: Extract<Credentials, { kind: 'oauth' }>,
    private readonly context: SessionContext
  ) {}

  header(): Promise<string> {
    this.current ??= this.grant()
    return this.current
  }

  async renewAfter401(used: string): Promise<string | null> {
    const now = await this.header()
    if (now !== used) return now
    if (this.renewals >= MAX_RENEWALS) return null
    this.renewals++
    this.current = this.grant()
    return this.current
  }

  private async grant(): Promise<string> {
    const { tokenUrl } = this.credentials
    const headers = { Authorization: grantAuthorizationFor(this.credentials), Accept: 'application/json', 'User-Agent': 'bitbucket-2fa-gate' }
    let answer
    try {
      answer = await requestWithRetry(tokenUrl.href, headers, this.context.retry, GRANT_FORM)
    } catch (error) {
      if (!(error instanceof RetriesExhaustedError)) throw error
      throw new GateError(
        `Could not get an answer from the token endpoint ${tokenUrl.origin}: ${error.networkError.code}, after ${error.attempts} attempts. ` +
          "Check `oauth-token-url`, the runner's network and its proxy settings (HTTPS_PROXY, NO_PROXY); if Bitbucket is down, re-run the job later."
      )
    }
    const token = readGrant(answer.response, {
      tokenUrl,
      clientId: this.credentials.clientId,
      attempts: answer.attempts,
      scrub: this.context.scrub,
      redact: this.context.redact
    })
    this.context.onToken(token)
    return bearer(token.accessToken)
  }
}
