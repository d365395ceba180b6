import { UnprovableError } from './errors.js'
import { isExpired, type Exemption } from './exemptions.js'
import { mergeTwoFactor, type AccountRecord, type WorkspaceListing } from './model.js'

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
  /** Every account listed, people and app users, unique by uuid. */
  readonly accounts: readonly AccountRecord[]
  readonly appUsers: readonly AccountRecord[]
  readonly enabled: readonly AccountRecord[]
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

/** Accounts across workspaces, unique by uuid; `disabled` seen anywhere wins over `enabled`. */
export function mergeListings(listings: readonly WorkspaceListing[]): AccountRecord[] {
  const byUuid = new Map<string, AccountRecord>()
  for (const { workspace, members } of listings) {
    for (const member of members) {
      const known = byUuid.get(member.uuid)
      byUuid.set(
        member.uuid,
        known === undefined
          ? { ...member, workspaces: [workspace] }
          : { ...known, twoFactor: mergeTwoFactor(known.twoFactor, member.twoFactor), workspaces: [...known.workspaces, workspace] }
      )
    }
  }
  return [...byUuid.values()].sort(byName)
}

/**
 * The gate's decision. Throws UnprovableError when a listing cannot prove anything: no members, no
 * people, or no 2FA flag visible for any person of a workspace (the credentials are not an admin's).
 */
export function decideCompliance(listings: readonly WorkspaceListing[], options: VerdictOptions): Verdict {
  for (const listing of listings) checkProvable(listing)
  const accounts = mergeListings(listings)
  const exemptionFor = (account: AccountRecord): Exemption | undefined =>
    options.exemptions.find((e) => (e.idKind === 'uuid' ? e.id === account.uuid : e.id === account.accountId))
  const active = (e: Exemption | undefined): e is Exemption => e !== undefined && !isExpired(e, options.today)

  const appUsers: AccountRecord[] = []
  const enabled: AccountRecord[] = []
  const nonCompliant: AccountRecord[] = []
  const unknown: AccountRecord[] = []
  const exempted: ExemptedAccount[] = []
  const unneeded: Exemption[] = []
  const matched = new Set<Exemption>()
  for (const account of accounts) {
    const exemption = exemptionFor(account)
    if (exemption) matched.add(exemption)
    const needsNone = account.isAppUser || account.twoFactor === 'enabled'
    if (needsNone && active(exemption)) unneeded.push(exemption)
    if (account.isAppUser) appUsers.push(account)
    else if (account.twoFactor === 'enabled') enabled.push(account)
    else if (active(exemption)) exempted.push({ account, exemption })
    else if (account.twoFactor === 'disabled') nonCompliant.push(account)
    else unknown.push(account)
  }
  const nicknames = new Set(accounts.map((a) => a.nickname.toLowerCase()).filter((n) => n !== ''))
  const compliant = nonCompliant.length === 0 && (!options.failOnUnknown || unknown.length === 0)
  return {
    accounts,
    appUsers,
    enabled,
    nonCompliant,
    unknown,
    exempted,
    expiredExemptions: options.exemptions.filter((e) => isExpired(e, options.today)),
    unmatchedExemptions: options.exemptions
      .filter((e) => !matched.has(e) && !isExpired(e, options.today))
      .map((exemption) => ({ exemption, isNickname: nicknames.has(exemption.id.toLowerCase()) })),
    unneededExemptions: unneeded,
    workspaces: listings.map((listing) => countWorkspace(listing, { appUsers, enabled, nonCompliant, unknown, exempted })),
    failOnUnknown: options.failOnUnknown,
    compliant
  }
}

function checkProvable(listing: WorkspaceListing): void {
  const ws = `workspace "${listing.workspace}"`
  if (listing.members.length === 0) {
    throw new UnprovableError(
      `Bitbucket listed no members for ${ws}. An empty listing proves nothing: check that the token belongs to an admin of ${ws} and has scope \`read:workspace:bitbucket\`.`
    )
  }
  const people = listing.members.filter((m) => !m.isAppUser)
  if (people.length === 0) {
    throw new UnprovableError(`Bitbucket listed only app users (bots) for ${ws}, no people. The gate cannot vouch for that listing: check the \`workspace\` input and the token.`)
  }
  if (people.every((m) => m.twoFactor === 'unknown')) {
    throw new UnprovableError(
      `Bitbucket gave no 2FA flag for any of the ${people.length} people in ${ws}: the credentials are not a workspace admin's (only admins see has_2fa_enabled), ` +
        `or the flag was not requested. Use an Atlassian API token (with \`email\`) of an admin of ${ws}; access tokens may not see the flag.`
    )
  }
}

type Groups = Pick<Verdict, 'appUsers' | 'enabled' | 'nonCompliant' | 'unknown'> & { exempted: readonly ExemptedAccount[] }

function countWorkspace(listing: WorkspaceListing, groups: Groups): WorkspaceCounts {
  const inWs = (a: AccountRecord): boolean => a.workspaces.includes(listing.workspace)
  return {
    workspace: listing.workspace,
    members: listing.members.length,
    appUsers: groups.appUsers.filter(inWs).length,
    enabled: groups.enabled.filter(inWs).length,
    nonCompliant: groups.nonCompliant.filter(inWs).length,
    unknown: groups.unknown.filter(inWs).length,
    exempt: groups.exempted.filter((e) => inWs(e.account)).length,
    requests: listing.requests
  }
}

function byName(a: AccountRecord, b: AccountRecord): number {
  return a.displayName.localeCompare(b.displayName, 'en') || a.uuid.localeCompare(b.uuid)
}
