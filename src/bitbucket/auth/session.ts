import type { Credentials } from '../../config/credentials.js'
import { bitbucketCredential, grantCredential, oauthTokenCredential } from '../api/auth.js'
import { GRANT_FORM, readGrant, TOKEN_ENDPOINT, type GrantedToken } from '../api/grant.js'
import type { Credential } from '../../http/request.js'
import { requestWithRetry, type RetryContext } from '../../http/retry.js'

/**
 * Where the listing gets its `Authorization` header. A token the run was given never changes; an
 * OAuth consumer's access token is bought at the first request and lives about an hour, so a 401
 * after expiry may renew it, once for the whole run.
 */
export interface AuthSession {
  /** The credential to send now, locked to `api-url`'s origin. */
  credential(): Promise<Credential>
  /**
   * After a 401 to a request sent with `used`: the credential to retry with (a renewed token, or one
   * another request already renewed), or null when there is nothing new to try.
   */
  renewAfter401(used: Credential): Promise<Credential | null>
}

export interface SessionContext {
  /** `api-url`: where the listing's credential may go. */
  readonly apiUrl: URL
  readonly retry: RetryContext
  readonly scrub: (text: string) => string
  /** Called the moment an access token exists, before anything else sees it: mask it. */
  readonly onToken: (token: GrantedToken) => void
}

export function sessionFor(credentials: Credentials, context: SessionContext): AuthSession {
  if (credentials.kind !== 'oauth') {
    const credential = bitbucketCredential(credentials, context.apiUrl)
    return { credential: () => Promise.resolve(credential), renewAfter401: () => Promise.resolve(null) }
  }
  return new OAuthSession(credentials, context)
}

/** Renewals allowed per run: one new token, shared by every request in flight. */
const MAX_RENEWALS = 1

class OAuthSession implements AuthSession {
  private current: Promise<Credential> | null = null
  private renewals = 0

  constructor(
    private readonly credentials: Extract<Credentials, { kind: 'oauth' }>,
    private readonly context: SessionContext
  ) {}

  credential(): Promise<Credential> {
    this.current ??= this.grant()
    return this.current
  }

  async renewAfter401(used: Credential): Promise<Credential | null> {
    const now = await this.credential()
    if (!now.sameAs(used)) return now
    if (this.renewals >= MAX_RENEWALS) return null
    this.renewals++
    this.current = this.grant()
    return this.current
  }

  private async grant(): Promise<Credential> {
    const { tokenUrl } = this.credentials
    const answer = await requestWithRetry(
      {
        method: 'POST',
        url: tokenUrl.href,
        headers: { Accept: 'application/json', 'User-Agent': 'bitbucket-2fa-gate' },
        body: GRANT_FORM,
        credential: grantCredential(this.credentials),
        service: TOKEN_ENDPOINT
      },
      this.context.retry,
      'a token'
    )
    const token = readGrant(answer.response, {
      tokenUrl,
      clientId: this.credentials.clientId,
      attempts: answer.attempts,
      scrub: this.context.scrub
    })
    this.context.onToken(token)
    return oauthTokenCredential(token.accessToken, this.context.apiUrl)
  }
}
