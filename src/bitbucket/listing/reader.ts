import { ListingError } from '../../errors.js'
import { AccountSet } from '../../gate/accounts.js'
import type { Member } from '../../gate/types.js'
import { ServerText } from '../../text.js'
import { BITBUCKET } from '../api/auth.js'
import { describeHttpFailure } from '../api/errors.js'
import { parsePage, readMember, type ListingPage } from '../api/page.js'
import { NoAnswerError, type Credential } from '../../http/request.js'
import { requestWithRetry, type RetriedResponse } from '../../http/retry.js'
import { checkNextLink } from './next-link.js'
import type { ItemSet, ListingKind } from './kind.js'
import type { ClientContext } from './types.js'
import { say } from '../../sentence.js'
import { code } from '../../config/catalogue.js'

export const PAGELEN = 100
/** `+` must reach Bitbucket as %2B; the `-` fields trim what the gate never reads. No bare whitelist: it drops `next`. */
export const MEMBER_FIELDS = '%2Bvalues.user.has_2fa_enabled,-values.links,-values.workspace,-values.user.links'

export function membersUrl(apiUrl: URL, workspace: string): string {
  return `${workspaceUrl(apiUrl, workspace)}/members?pagelen=${PAGELEN}&fields=${MEMBER_FIELDS}`
}

/** `{api-url}/workspaces/{workspace}`, the workspace encoded as one path segment. */
export function workspaceUrl(apiUrl: URL, workspace: string): string {
  return `${apiUrl.href.replace(/\/+$/, '')}/workspaces/${encodeURIComponent(workspace)}`
}

/** Index of the workspace among a workspace URL's decoded path segments (`/2.0/workspaces/{ws}/…`). */
export function workspaceSegmentOf(apiUrl: URL): number {
  return new URL(workspaceUrl(apiUrl, 'x')).pathname.split('/').length - 1
}

/** The member listing of one workspace, as the reader pages it. */
export function membersKind(workspace: string, context: ClientContext): ListingKind<Member, AccountSet> {
  const subject = `workspace "${workspace}"`
  return {
    workspace,
    title: `member listing of ${subject}`,
    where: (pageNo) => `page ${pageNo} of ${subject}`,
    url: membersUrl(context.apiUrl, workspace),
    workspaceSegment: workspaceSegmentOf(context.apiUrl),
    noun: 'members',
    readItem: readMember,
    uuidOf: (member) => member.uuid,
    newSet: () => new AccountSet(context.keepAccountIds ?? 'all'),
    failure: (response, page, attempts) =>
      describeHttpFailure(response, { workspace, page, attempts, credentials: context.credentials, apiUrl: context.apiUrl, scrub: context.scrub }),
    progress: true
  }
}

/** Reads single pages of one listing: limiter, retries, status, parsing, and `next` links. */
export class PageReader<Item, Set extends ItemSet<Item>> {
  /** Requests sent for this listing, retries included. */
  requests = 0
  readonly firstUrl: string
  readonly workspace: string
  private readonly first: URL
  private readonly headers: Readonly<Record<string, string>>

  constructor(
    readonly kind: ListingKind<Item, Set>,
    private readonly context: ClientContext
  ) {
    this.workspace = kind.workspace
    this.firstUrl = kind.url
    this.first = new URL(this.firstUrl)
    this.headers = { Accept: 'application/json', 'User-Agent': 'bitbucket-2fa-gate' }
  }

  newSet(): Set {
    return this.kind.newSet()
  }

  /** Tells the context a page was read, for progress. */
  pageRead(pageNo: number, pages: number | null): void {
    if (this.kind.progress) this.context.onPage?.({ workspace: this.workspace, pageNo, pages })
  }

  /**
   * GETs one page; with `skip`, returns null instead when `skip()` is true once a slot is free. A 401
   * gets one retry when the session has a new token (an OAuth token that expired mid-run).
   */
  async fetch(url: string, pageNo: number): Promise<ListingPage<Item>>
  async fetch(url: string, pageNo: number, skip: () => boolean): Promise<ListingPage<Item> | null>
  async fetch(url: string, pageNo: number, skip?: () => boolean): Promise<ListingPage<Item> | null> {
    const where = this.kind.where(pageNo)
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
    this.context.onResponse?.({ method: 'GET', url, status: response.status, attempts })
    if (response.status !== 200) throw this.kind.failure(response, pageNo, attempts)
    const page = parsePage(response, where, this.context.scrub, this.kind.readItem)
    // The gate asked for pages of PAGELEN: a page of more is not the listing it asked for (and would let
    // a server grow the run's memory without bound).
    if (page.values.length > PAGELEN) {
      throw new ListingError(
        say`Bitbucket answered ${where} with ${page.values.length} ${this.kind.noun}, more than the ${PAGELEN} a page was asked for. The gate reads only the listing it asked for: check ${code('api-url')} and any proxy in between; if it persists, report it to Atlassian support.`
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
    const check = checkNextLink(next, current, this.first, this.kind.workspaceSegment, pageNo + 1)
    if (check.ok) return check.url
    throw new ListingError(
      say`Bitbucket's \`next\` link on ${this.kind.where(pageNo)} is not the next page of this listing: ${check.problem}. The gate sends credentials only to ${this.context.apiUrl.origin} and reads only the listing it asked for, so it stops rather than miss members. Check ${code('api-url')} and any proxy that rewrites links; if it persists, report it to Atlassian support.`,
      { who: 'Bitbucket', how: 'link', text: ServerText.of(check.shown, this.context.scrub, { contentType: 'application/json', body: check.shown }) }
    )
  }
}
