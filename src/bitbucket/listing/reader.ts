import { ListingError } from '../../errors.js'
import { AccountSet } from '../../gate/accounts.js'
import { ServerText } from '../../text.js'
import { BITBUCKET } from '../api/auth.js'
import { describeHttpFailure } from '../api/errors.js'
import { parseMembersPage, type MembersPage } from '../api/page.js'
import { NoAnswerError, type Credential } from '../../http/request.js'
import { requestWithRetry, type RetriedResponse } from '../../http/retry.js'
import { checkNextLink } from './next-link.js'
import type { ClientContext } from './types.js'
import { say } from '../../sentence.js'
import { code } from '../../config/catalogue.js'

export const PAGELEN = 100
/** `+` must reach Bitbucket as %2B; the `-` fields trim what the gate never reads. No bare whitelist: it drops `next`. */
export const MEMBER_FIELDS = '%2Bvalues.user.has_2fa_enabled,-values.links,-values.workspace,-values.user.links'

export function membersUrl(apiUrl: URL, workspace: string): string {
  const base = apiUrl.href.replace(/\/+$/, '')
  return `${base}/workspaces/${encodeURIComponent(workspace)}/members?pagelen=${PAGELEN}&fields=${MEMBER_FIELDS}`
}

/** Reads single pages of one workspace's listing: limiter, retries, status, parsing, and `next` links. */
export class PageReader {
  /** Requests sent for this workspace, retries included. */
  requests = 0
  readonly firstUrl: string
  private readonly first: URL
  private readonly headers: Readonly<Record<string, string>>

  constructor(
    readonly workspace: string,
    private readonly context: ClientContext
  ) {
    this.firstUrl = membersUrl(context.apiUrl, workspace)
    this.first = new URL(this.firstUrl)
    this.headers = { Accept: 'application/json', 'User-Agent': 'bitbucket-2fa-gate' }
  }

  newSet(): AccountSet {
    return new AccountSet(this.context.keepAccountIds ?? 'all')
  }

  /** Tells the context a page was read, for progress. */
  pageRead(pageNo: number, pages: number | null): void {
    this.context.onPage?.({ workspace: this.workspace, pageNo, pages })
  }

  /**
   * GETs one page; with `skip`, returns null instead when `skip()` is true once a slot is free. A 401
   * gets one retry when the session has a new token (an OAuth token that expired mid-run).
   */
  async fetch(url: string, pageNo: number): Promise<MembersPage>
  async fetch(url: string, pageNo: number, skip: () => boolean): Promise<MembersPage | null>
  async fetch(url: string, pageNo: number, skip?: () => boolean): Promise<MembersPage | null> {
    const where = `page ${pageNo} of workspace "${this.workspace}"`
    const answer = await this.context.limiter.run(async () => {
      if (skip?.()) return null
      const credential = await this.context.session.credential()
      const first = await this.send(url, credential, where)
      if (first.response.status !== 401) return first
      const renewed = await this.context.session.renewAfter401(credential)
      return renewed === null ? first : await this.send(url, renewed, where)
    }, this.context.retry.signal)
    if (answer === null) return null
    const { response, attempts } = answer
    this.context.onResponse?.({ url, status: response.status, attempts })
    if (response.status !== 200) {
      throw describeHttpFailure(response, {
        workspace: this.workspace,
        page: pageNo,
        attempts,
        credentials: this.context.credentials,
        apiUrl: this.context.apiUrl,
        scrub: this.context.scrub
      })
    }
    const page = parseMembersPage(response, where, this.context.scrub)
    // The gate asked for pages of PAGELEN: a page of more is not the listing it asked for (and would let
    // a server grow the run's memory without bound).
    if (page.members.length > PAGELEN) {
      throw new ListingError(
        say`Bitbucket answered ${where} with ${page.members.length} members, more than the ${PAGELEN} a page was asked for. The gate reads only the listing it asked for: check ${code('api-url')} and any proxy in between; if it persists, report it to Atlassian support.`
      )
    }
    return page
  }

  /** One request with its retries, counted (also when no answer came). */
  private async send(url: string, credential: Credential, where: string): Promise<RetriedResponse> {
    try {
      const answer = await requestWithRetry({ url, headers: this.headers, credential, service: BITBUCKET }, this.context.retry, where)
      this.requests += answer.attempts
      return answer
    } catch (error) {
      if (error instanceof NoAnswerError) this.requests += error.attempts
      throw error
    }
  }

  /** Resolves a `next` link, or fails closed when it does not lead to the next page of this listing. */
  checkNext(next: string, current: string, pageNo: number): string {
    const check = checkNextLink(next, current, this.first, this.first.pathname.split('/').length - 2, pageNo + 1)
    if (check.ok) return check.url
    throw new ListingError(
      say`Bitbucket's \`next\` link on page ${pageNo} of workspace "${this.workspace}" is not the next page of this listing: ${check.problem}. The gate sends credentials only to ${this.context.apiUrl.origin} and reads only the listing it asked for, so it stops rather than miss members. Check ${code('api-url')} and any proxy that rewrites links; if it persists, report it to Atlassian support.`,
      { who: 'Bitbucket', how: 'link', text: ServerText.of(check.shown, this.context.scrub, { contentType: 'application/json', body: check.shown }) }
    )
  }
}
