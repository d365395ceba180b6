import { GateError, ListingError } from '../errors.js'
import type { Credentials } from '../inputs.js'
import { AccountSet, type KeepAccountIds } from '../accounts.js'
import type { WorkspaceListing } from '../model.js'
import { quoteOutside } from '../text.js'
import { describeHttpFailure } from './http-errors.js'
import { checkNextLink } from './next-link.js'
import type { Limiter } from './limiter.js'
import { parseMembersPage, type MembersPage } from './page.js'
import { getWithRetry, RetriesExhaustedError, type RetryContext } from './retry.js'

export const PAGELEN = 100
/** `+` must reach Bitbucket as %2B; the `-` fields trim what the gate never reads. No bare whitelist: it drops `next`. */
export const MEMBER_FIELDS = '%2Bvalues.user.has_2fa_enabled,-values.links,-values.workspace,-values.user.links'
const MAX_PAGES = 5000
/** Reads of one workspace before a listing that keeps changing is given up on. */
const MAX_READS = 4

export interface ClientContext {
  readonly apiUrl: URL
  readonly authorization: string
  readonly credentials: Credentials
  readonly retry: RetryContext
  /** Shared by all workspaces: the cap on requests in flight. */
  readonly limiter: Limiter
  /** Account ids worth keeping for people with 2FA on (the exempted ones); default all. */
  readonly keepAccountIds?: KeepAccountIds
  /** Removes every secret from text that came from a server; applied before any text is cut short. */
  readonly scrub: (text: string) => string
  /** Redact mode: error messages describe bodies instead of quoting them. */
  readonly redact: boolean
  /** Called with each final answer, for the debug log. */
  readonly onResponse?: (info: { url: string; status: number; attempts: number }) => void
}

export function membersUrl(apiUrl: URL, workspace: string): string {
  const base = apiUrl.href.replace(/\/+$/, '')
  return `${base}/workspaces/${encodeURIComponent(workspace)}/members?pagelen=${PAGELEN}&fields=${MEMBER_FIELDS}`
}

/**
 * Lists every member of one workspace, completely and consistently, or throws a GateError.
 * With `size`, the unique members must add up to it on a stable listing; without it, two reads must agree.
 */
export async function listMembers(workspace: string, context: ClientContext): Promise<WorkspaceListing> {
  const reader = new PageReader(workspace, context)
  const first = await reader.fetch(reader.firstUrl, 1)
  const problems: string[] = []
  const plan = planParallel(reader, first)
  if (plan !== null) {
    const outcome = await readInParallel(reader, first, plan)
    if (outcome.ok) return listing(workspace, outcome.members, reader.requests)
    problems.push(outcome.reason)
  }
  const members = await readSequentially(reader, plan === null ? first : null, problems)
  return listing(workspace, members, reader.requests)
}

type ReadOutcome =
  | { ok: true; members: AccountSet; sizeKnown: boolean; sequence: readonly string[] }
  | { ok: false; reason: string }

async function readSequentially(reader: PageReader, first: MembersPage | null, problems: string[]): Promise<AccountSet> {
  let previous: readonly string[] | null = null
  let reuse = first
  for (let read = 1; read <= MAX_READS; read++) {
    const outcome = await readFollowingNext(reader, reuse)
    reuse = null
    if (!outcome.ok) {
      problems.push(outcome.reason)
      continue
    }
    if (outcome.sizeKnown) return outcome.members
    // Without `size` a member joining or leaving mid-read shifts items unseen: only two reads that
    // list the same accounts in the same order, repeats included, count.
    if (previous !== null && sameSequence(previous, outcome.sequence)) return outcome.members
    if (previous !== null) problems.push('two reads without `size` listed different members')
    previous = outcome.sequence
  }
  throw new ListingError(
    `The member listing of workspace "${reader.workspace}" kept changing while it was read (${problems.join('; ')}). ` +
      'The gate will not judge an incomplete listing: re-run the job once membership changes have settled.'
  )
}

async function readFollowingNext(reader: PageReader, first: MembersPage | null): Promise<ReadOutcome> {
  const members = reader.newSet()
  const sequence: string[] = []
  let url = reader.firstUrl
  let pageNo = 1
  let page = first ?? (await reader.fetch(url, 1))
  const size = page.size
  const cap = size === null ? MAX_PAGES : Math.min(MAX_PAGES, Math.ceil(size / Math.max(1, page.members.length)) + 2)
  for (;;) {
    const mismatch = pageMismatch(page, pageNo, size)
    if (mismatch !== null) return shifted(mismatch)
    for (const member of page.members) {
      members.add(member)
      sequence.push(member.uuid)
    }
    if (page.next === null) break
    // checkNext demands page pageNo + 1, so no link can lead back to a page already read.
    const nextUrl = reader.checkNext(page.next, url, pageNo)
    if (pageNo >= cap) {
      throw new ListingError(
        `The member listing of workspace "${reader.workspace}" went past ${cap} pages` +
          (size === null ? '' : ` although Bitbucket reported ${size} members`) +
          '. The gate stops rather than read forever: re-run the job; if it persists, report it to Atlassian support.'
      )
    }
    url = nextUrl
    pageNo++
    page = await reader.fetch(url, pageNo)
  }
  if (size !== null && members.size !== size) {
    return shifted(`Bitbucket reported ${size} members but listed ${members.size} different ones`)
  }
  return { ok: true, members, sizeKnown: size !== null, sequence }
}

/** Page URLs 2…N built from page 1's `next`, changing only `page`; null when page 1 does not allow it. */
function planParallel(reader: PageReader, first: MembersPage): string[] | null {
  if (first.size === null || first.next === null) return null
  const perPage = first.pagelen ?? first.members.length
  if (perPage < 1 || first.members.length !== perPage) return null
  const pages = Math.ceil(first.size / perPage)
  const next = reader.checkNext(first.next, reader.firstUrl, 1)
  if (pages < 2 || pages > MAX_PAGES || !PAGE_TWO.test(next)) return null
  return Array.from({ length: pages - 1 }, (_, index) => next.replace(PAGE_TWO, `$1${index + 2}`))
}

const PAGE_TWO = /([?&]page=)2(?=&|#|$)/

async function readInParallel(reader: PageReader, first: MembersPage, urls: readonly string[]): Promise<ReadOutcome> {
  const members = reader.newSet()
  for (const member of first.members) members.add(member)
  const last = urls.length + 1
  const state: { problem: string | null } = { problem: null }
  // Each page is checked and folded in as it arrives, so only the members stay in memory; once one
  // page does not add up, pages still queued are not fetched.
  const check = (page: MembersPage, pageNo: number): string | null => {
    if ((page.next === null) !== (pageNo === last)) return `page ${pageNo} of ${last} ${page.next === null ? 'ended the listing early' : 'pointed past the end'}`
    return pageMismatch(page, pageNo, first.size)
  }
  try {
    await Promise.all(
      urls.map(async (url, index) => {
        const pageNo = index + 2
        const page = await reader.fetch(url, pageNo, () => state.problem !== null)
        if (page === null || state.problem !== null) return
        state.problem = check(page, pageNo)
        if (state.problem === null) for (const member of page.members) members.add(member)
      })
    )
  } catch (error) {
    state.problem = 'failed'
    throw error
  }
  if (state.problem !== null) return shifted(state.problem)
  if (members.size !== first.size) {
    return shifted(`Bitbucket reported ${String(first.size)} members but listed ${members.size} different ones`)
  }
  return { ok: true, members, sizeKnown: true, sequence: [] }
}

class PageReader {
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
    this.headers = { Authorization: context.authorization, Accept: 'application/json', 'User-Agent': 'bitbucket-2fa-gate' }
  }

  newSet(): AccountSet {
    return new AccountSet(this.context.keepAccountIds ?? 'all')
  }

  /** GETs one page; with `skip`, returns null instead when `skip()` is true once a slot is free. */
  async fetch(url: string, pageNo: number): Promise<MembersPage>
  async fetch(url: string, pageNo: number, skip: () => boolean): Promise<MembersPage | null>
  async fetch(url: string, pageNo: number, skip?: () => boolean): Promise<MembersPage | null> {
    const where = `page ${pageNo} of workspace "${this.workspace}"`
    const answer = await this.context.limiter.run(async () => {
      if (skip?.()) return null
      try {
        return await getWithRetry(url, this.headers, this.context.retry)
      } catch (error) {
        if (!(error instanceof RetriesExhaustedError)) throw error
        this.requests += error.attempts
        throw new GateError(
          `Could not get an answer from ${this.context.apiUrl.origin} for ${where}: ${error.networkError.code}, after ${error.attempts} attempts. ` +
            'Check `api-url`, the runner\'s network and its proxy settings (HTTPS_PROXY, NO_PROXY); if Bitbucket is down, re-run the job later.'
        )
      }
    })
    if (answer === null) return null
    const { response, attempts } = answer
    this.requests += attempts
    this.context.onResponse?.({ url, status: response.status, attempts })
    if (response.status !== 200) {
      throw describeHttpFailure(response, {
        workspace: this.workspace,
        page: pageNo,
        attempts,
        credentials: this.context.credentials,
        apiUrl: this.context.apiUrl,
        scrub: this.context.scrub,
        redact: this.context.redact
      })
    }
    return parseMembersPage(response, where, this.context.scrub)
  }

  /** Resolves a `next` link, or fails closed when it does not lead to the next page of this listing. */
  checkNext(next: string, current: string, pageNo: number): string {
    const check = checkNextLink(next, current, this.first, this.first.pathname.split('/').length - 2, pageNo + 1)
    if (check.ok) return check.url
    throw new ListingError(
      `Bitbucket's \`next\` link on page ${pageNo} of workspace "${this.workspace}" is not the next page of this listing: ${check.problem} ` +
        `(${quoteOutside(check.shown, this.context.scrub, 200)}). The gate sends credentials only to ${this.context.apiUrl.origin} and reads only ` +
        'the listing it asked for, so it stops rather than miss members. Check `api-url` and any proxy that rewrites links; if it persists, report it to Atlassian support.'
    )
  }
}

function listing(workspace: string, accounts: AccountSet, requests: number): WorkspaceListing {
  return { workspace, accounts, requests }
}

/** A page that is not the one asked for, or reports another `size` than page 1: the listing moved. */
function pageMismatch(page: MembersPage, pageNo: number, size: number | null): string | null {
  if (page.page !== null && page.page !== pageNo) return `page ${pageNo} answered as page ${page.page}`
  if (page.size !== size) return `its size changed from ${String(size)} to ${String(page.size)}`
  return null
}

function shifted(reason: string): ReadOutcome {
  return { ok: false, reason }
}

function sameSequence(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((uuid, index) => uuid === b[index])
}
