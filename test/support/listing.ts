import type { MembersPage } from '../../src/bitbucket/api/page.js'
import { membersKind, PageReader } from '../../src/bitbucket/listing/reader.js'
import type { AccountSet } from '../../src/gate/accounts.js'
import type { ClientContext } from '../../src/bitbucket/listing/types.js'
import type { Member } from '../../src/gate/types.js'
import { NetworkError } from '../../src/http/transport.js'
import { uuidFor } from '../simulator/fixtures.js'
import { clientContext } from './client.js'

/** Where a scripted reader's listing lives; nothing is ever sent there. */
export const API = 'https://api.bitbucket.org/2.0'
/** The first URL of workspace acme's listing at API, as the gate asks for it. */
export const FIRST = `${API}/workspaces/acme/members?pagelen=100&fields=%2Bvalues.user.has_2fa_enabled,-values.links,-values.workspace,-values.user.links`

/** The URL of page `n` of acme's listing, as Bitbucket's `next` gives it. */
export function pageUrl(n: number): string {
  return `${FIRST}&page=${n}`
}

/** People with 2FA on, numbered from `from`. */
export function people(count: number, from = 1): Member[] {
  return Array.from({ length: count }, (_, i) => ({
    uuid: uuidFor(from + i),
    accountId: null,
    displayName: '',
    nickname: '',
    isAppUser: false,
    twoFactor: 'enabled' as const
  }))
}

/** A checked page, as parseMembersPage returns it. */
export function membersPage(members: readonly Member[], extra: Partial<Omit<MembersPage, 'values'>> = {}): MembersPage {
  return { values: members, next: null, size: null, page: null, pagelen: null, ...extra }
}

export interface Fetched {
  readonly url: string
  readonly pageNo: number
  readonly skip: (() => boolean) | undefined
}

/** What a scripted fetch answers: a page, null (skipped), or a promise of either. */
export type Script = (url: string, pageNo: number) => MembersPage | null | Promise<MembersPage | null>

/**
 * A PageReader whose fetches play a script instead of sending requests: the listing modules' rules
 * (plan, pages, completeness) tested on their own. Its `next` checks and progress are the real ones.
 */
export class ScriptedReader extends PageReader<Member, AccountSet> {
  readonly fetched: Fetched[] = []
  /** Each progress report, as `workspace pageNo/pages`. */
  readonly progress: string[]
  private readonly script: Script

  constructor(script: Script, workspace = 'acme') {
    const { context } = clientContext({ apiUrl: API, transport: () => () => Promise.reject(new NetworkError('ECONNREFUSED', 'nothing listens')) })
    const progress: string[] = []
    const withProgress: ClientContext = {
      ...context,
      onPage: ({ workspace: ws, pageNo, pages }) => {
        progress.push(`${ws} ${pageNo}/${String(pages)}`)
      }
    }
    super(membersKind(workspace, withProgress), withProgress)
    this.progress = progress
    this.script = script
  }

  override fetch(url: string, pageNo: number): Promise<MembersPage>
  override fetch(url: string, pageNo: number, skip: () => boolean): Promise<MembersPage | null>
  override async fetch(url: string, pageNo: number, skip?: () => boolean): Promise<MembersPage | null> {
    this.fetched.push({ url, pageNo, skip })
    const page = await this.script(url, pageNo)
    if (page === null && skip === undefined) throw new Error(`the script skipped page ${pageNo}, which was fetched without skip`)
    return page
  }
}

/** A promise with its resolve and reject at hand. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve: (value: T) => void = () => undefined
  let reject: (error: unknown) => void = () => undefined
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/** Everything an async iterable yields, or the error it ends with. */
export async function drain<T>(items: AsyncIterable<T>): Promise<{ items: T[]; error: unknown }> {
  const seen: T[] = []
  try {
    for await (const item of items) seen.push(item)
    return { items: seen, error: null }
  } catch (error) {
    return { items: seen, error }
  }
}
