import { UnprovableError } from './errors.js'
import { isExpired, type Exemption } from './exemptions.js'
import { AccountSet } from './accounts.js'
import type { AccountRecord, WorkspaceListing } from './model.js'

export interface VerdictOptions {
  readonly exemptions: readonly Exemption[]
  /** YYYY-MM-DD, UTC. */
  readonly today: string
  readonly failOnUnknown: boolean
}

export interface ExemptedAccount {
  readonly account: AccountRecord
  readonly exemption: Exemption
}

export interface UnmatchedExemption {
  readonly exemption: Exemption
  /** The id equals some member's nickname: a likely mix-up worth saying. */
  readonly isNickname: boolean
}

export interface WorkspaceCounts {
  readonly workspace: string
  readonly members: number
  readonly appUsers: number
  readonly enabled: number
  readonly nonCompliant: number
  readonly unknown: number
  readonly exempt: number
  readonly requests: number
}

export interface Verdict {
  /** Accounts listed, people and app users, unique by uuid across workspaces. */
  readonly memberCount: number
  /** People with 2FA on: only counted, never listed (they need nothing, and 100,000 of them must stay cheap). */
  readonly enabledCount: number
  readonly appUsers: readonly AccountRecord[]
  /** People with 2FA off and no exemption in force. */
  readonly nonCompliant: readonly AccountRecord[]
  /** People whose flag Bitbucket did not give, and no exemption in force. */
  readonly unknown: readonly AccountRecord[]
  readonly exempted: readonly ExemptedAccount[]
  readonly expiredExemptions: readonly Exemption[]
  readonly unmatchedExemptions: readonly UnmatchedExemption[]
  /** Exemptions in force for accounts that need none (2FA on, or an app user). */
  readonly unneededExemptions: readonly Exemption[]
  readonly workspaces: readonly WorkspaceCounts[]
  readonly failOnUnknown: boolean
  readonly compliant: boolean
}

/** Accounts across workspaces, unique by uuid; one workspace's set is used as it is. */
export function mergeListings(listings: readonly WorkspaceListing[]): AccountSet {
  const [only] = listings
  if (listings.length === 1 && only) return only.accounts
  const merged = new AccountSet()
  for (const listing of listings) merged.addAll(listing.accounts)
  return merged
}

/**
 * The gate's decision. Throws UnprovableError when a listing cannot prove anything: no members, no
 * people, or no 2FA flag visible for any person of a workspace (the credentials are not an admin's).
 */
export function decideCompliance(listings: readonly WorkspaceListing[], options: VerdictOptions): Verdict {
  for (const listing of listings) checkProvable(listing)
  const merged = mergeListings(listings)
  const workspacesOf = workspaceIndex(listings, merged)
  const byAccountId = new Map<string, Exemption>()
  const byExemptUuid = new Map<string, Exemption>()
  for (const e of options.exemptions) (e.idKind === 'uuid' ? byExemptUuid : byAccountId).set(e.id, e)
  const exemptionOf = (uuid: string, accountId: string | null): Exemption | undefined =>
    byExemptUuid.get(uuid) ?? (accountId === null ? undefined : byAccountId.get(accountId))
  const active = (e: Exemption | undefined): e is Exemption => e !== undefined && !isExpired(e, options.today)

  const matched = new Set<Exemption>()
  const unneeded: Exemption[] = []
  for (const [uuid, accountId] of merged.enabledAccounts()) {
    const exemption = exemptionOf(uuid, accountId)
    if (!exemption) continue
    matched.add(exemption)
    if (active(exemption)) unneeded.push(exemption)
  }

  const counts = new Map(listings.map((l) => [l.workspace, emptyCounts(l, merged)]))
  const appUsers: AccountRecord[] = []
  const nonCompliant: AccountRecord[] = []
  const unknown: AccountRecord[] = []
  const exempted: ExemptedAccount[] = []
  const nicknames = new Set<string>()
  for (const member of merged.otherAccounts()) {
    const exemption = exemptionOf(member.uuid, member.accountId)
    if (exemption) matched.add(exemption)
    if (member.nickname !== '') nicknames.add(member.nickname.toLowerCase())
    const account: AccountRecord = { ...member, workspaces: workspacesOf(member.uuid) }
    let group: 'appUsers' | 'exempt' | 'nonCompliant' | 'unknown'
    if (account.isAppUser) {
      if (active(exemption)) unneeded.push(exemption)
      appUsers.push(account)
      group = 'appUsers'
    } else if (active(exemption)) {
      exempted.push({ account, exemption })
      group = 'exempt'
    } else if (account.twoFactor === 'disabled') {
      nonCompliant.push(account)
      group = 'nonCompliant'
    } else {
      unknown.push(account)
      group = 'unknown'
    }
    for (const ws of account.workspaces) {
      const c = counts.get(ws)
      if (c) c[group]++
    }
  }
  const compliant = nonCompliant.length === 0 && (!options.failOnUnknown || unknown.length === 0)
  return {
    memberCount: merged.size,
    enabledCount: merged.enabledCount,
    appUsers: appUsers.sort(byName),
    nonCompliant: nonCompliant.sort(byName),
    unknown: unknown.sort(byName),
    exempted: exempted.sort((a, b) => byName(a.account, b.account)),
    expiredExemptions: options.exemptions.filter((e) => isExpired(e, options.today)),
    unmatchedExemptions: options.exemptions
      .filter((e) => !matched.has(e) && !isExpired(e, options.today))
      .map((exemption) => ({ exemption, isNickname: nicknames.has(exemption.id.toLowerCase()) })),
    unneededExemptions: unneeded,
    workspaces: [...counts.values()],
    failOnUnknown: options.failOnUnknown,
    compliant
  }
}

/** The workspaces each reported account was listed in (people with 2FA on are only counted). */
function workspaceIndex(listings: readonly WorkspaceListing[], merged: AccountSet): (uuid: string) => readonly string[] {
  const [only] = listings
  if (listings.length === 1 && only) {
    const workspaces = [only.workspace]
    return () => workspaces
  }
  const index = new Map<string, string[]>()
  const note = (uuid: string, workspace: string): void => {
    const list = index.get(uuid) ?? []
    if (!list.includes(workspace)) list.push(workspace)
    index.set(uuid, list)
  }
  for (const { workspace, accounts } of listings) {
    for (const member of accounts.otherAccounts()) note(member.uuid, workspace)
    // Enabled in this workspace's view but not overall: listed here, and reported.
    for (const uuid of accounts.enabledAccounts().keys()) if (!merged.isEnabled(uuid)) note(uuid, workspace)
  }
  return (uuid) => index.get(uuid) ?? []
}

function checkProvable(listing: WorkspaceListing): void {
  const ws = `workspace "${listing.workspace}"`
  const { accounts } = listing
  if (accounts.size === 0) {
    throw new UnprovableError(
      `Bitbucket listed no members for ${ws}. An empty listing proves nothing: check that the token belongs to an admin of ${ws} and has scope \`read:workspace:bitbucket\`.`
    )
  }
  const others = [...accounts.otherAccounts()].filter((m) => !m.isAppUser)
  const people = accounts.enabledCount + others.length
  if (people === 0) {
    throw new UnprovableError(`Bitbucket listed only app users (bots) for ${ws}, no people. The gate cannot vouch for that listing: check the \`workspace\` input and the token.`)
  }
  if (accounts.enabledCount === 0 && others.every((m) => m.twoFactor === 'unknown')) {
    throw new UnprovableError(
      `Bitbucket gave no 2FA flag for any of the ${people} people in ${ws}: the credentials are not a workspace admin's (only admins see has_2fa_enabled), ` +
        `or the flag was not requested. Use an Atlassian API token (with \`email\`) of an admin of ${ws}; access tokens may not see the flag.`
    )
  }
}

type MutableCounts = { -readonly [K in keyof WorkspaceCounts]: WorkspaceCounts[K] }

function emptyCounts(listing: WorkspaceListing, merged: AccountSet): MutableCounts {
  let enabled = 0
  for (const uuid of listing.accounts.enabledAccounts().keys()) if (merged.isEnabled(uuid)) enabled++
  return {
    workspace: listing.workspace,
    members: listing.accounts.size,
    appUsers: 0,
    enabled,
    nonCompliant: 0,
    unknown: 0,
    exempt: 0,
    requests: listing.requests
  }
}

function byName(a: AccountRecord, b: AccountRecord): number {
  return a.displayName.localeCompare(b.displayName, 'en') || a.uuid.localeCompare(b.uuid)
}
