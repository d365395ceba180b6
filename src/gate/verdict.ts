import { UnprovableError } from '../errors.js'
import { say, type Mention, type Sentence } from '../sentence.js'
import { AccountSet } from './accounts.js'
import type { WorkspaceListing } from './accounts.js'
import { scopeOf, type Scope } from './scope.js'
import type { AccountRecord, Exemption, Grant, Member, Repository, RepositoryWriters, SecondFactor, SecondSource, WorkspaceAdmins } from './types.js'

export interface VerdictOptions {
  readonly exemptions: readonly Exemption[]
  /** YYYY-MM-DD, UTC. */
  readonly today: string
  readonly failOnUnknown: boolean
  /** Who must hold the credentials, for the message when no flag is visible; default an API token's owner. */
  readonly adminAdvice?: (workspace: string) => Sentence
  /** The organization's Atlassian 2SV states, when it was asked. */
  readonly secondSource?: SecondSource
  /** The admins of each workspace, as looked up; absent: not looked up (every `admin` null, no warning). */
  readonly admins?: readonly WorkspaceAdmins[]
  /** An exemption may excuse a workspace admin (`allow-admin-exemptions`); default false. */
  readonly allowAdminExemptions?: boolean
  /** The repository scope: who can write to each repository (`repository`); absent or null: the whole workspaces. */
  readonly repositories?: readonly RepositoryWriters[] | null
}

/** A line that names a workspace admin, refused because `allow-admin-exemptions` is not `true`. */
export interface RefusedExemption {
  readonly exemption: Exemption
  /** The workspaces the person administers. */
  readonly workspaces: readonly string[]
}

/** Workspaces whose admins could not be looked up, and the exemption lines in force that may be excusing one. */
export interface AdminsUnknown {
  /** `reason` is a GateError: it may carry what Bitbucket said, which only a door may show. */
  readonly workspaces: readonly { readonly workspace: string; readonly reason: Error }[]
  readonly lines: readonly Exemption[]
}

/** What the verdict judged: every member, or the people who can write to the repositories. */
export interface VerdictScope {
  readonly kind: 'workspace' | 'repository'
  /** The repositories, in the order given; empty in workspace scope. */
  readonly repositories: readonly Repository[]
  /** Workspaces whose admins could not be looked up, in repository scope: every member of them is judged. */
  readonly widened: readonly string[]
}

/** Exemptions in force that end within this many days are named, so the admin acts before the gate turns red. */
export const EXPIRY_WARNING_DAYS = 14

export interface ExemptedAccount {
  readonly account: AccountRecord
  /** Every line in force that names this person (by uuid or account id), in line order. */
  readonly exemptions: readonly Exemption[]
  /** The latest `until` of those lines; null when one of them has no end. */
  readonly until: string | null
}

/**
 * A line that ends soon or has expired while another line in force keeps the same person exempt past
 * its day: when it ends nothing changes for the gate, so it is a line to tidy, not a warning.
 */
export interface SupersededExemption {
  readonly exemption: Exemption
  /** Its `until` has passed (else it ends within EXPIRY_WARNING_DAYS). */
  readonly expired: boolean
  /** The line in force that keeps the person exempt longest (no end beats any date; the first such line). */
  readonly by: Exemption
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
  /** People the admin or repository listings name outside every member listing who fail for it. */
  readonly notAMember: number
  readonly unknown: number
  readonly exempt: number
  /** People who pass by accepted Atlassian 2SV. */
  readonly atlassian2sv: number
  /** Members of this workspace that the repository scope does not judge. */
  readonly outOfScope: number
  /** Requests for this workspace's listings (members, admins, its repositories' permissions), retries included. */
  readonly requests: number
}

export interface Verdict {
  /** Accounts in the member listings, people and app users, unique by uuid across workspaces. */
  readonly memberCount: number
  /** People judged (app users are not): every member, or the people the repository scope names. */
  readonly inScopeCount: number
  /** Accounts in the member listings that the repository scope does not judge (0 in workspace scope). */
  readonly outOfScopeCount: number
  readonly scope: VerdictScope
  /** People in scope with 2FA on: only counted, never listed (they need nothing, and 100,000 of them must stay cheap). */
  readonly enabledCount: number
  /** The uuids of the people in scope with 2FA on (→ account id when kept), for the JSON report. */
  readonly enabled: ReadonlyMap<string, string | null>
  /** App users in scope (with write access, in repository scope): they never fail. */
  readonly appUsers: readonly AccountRecord[]
  /** People Bitbucket does not prove who pass by accepted Atlassian 2SV (`accept-atlassian-2sv`). */
  readonly atlassian2sv: readonly AccountRecord[]
  /** People with 2FA off and no exemption in force. */
  readonly nonCompliant: readonly AccountRecord[]
  /** People the admin or repository listings name outside every member listing, with no exemption in force or accepted 2SV: they fail. */
  readonly notAMember: readonly AccountRecord[]
  /** People whose flag Bitbucket did not give, and no exemption in force. */
  readonly unknown: readonly AccountRecord[]
  readonly exempted: readonly ExemptedAccount[]
  /** Lines whose `until` has passed, whether or not another line still covers the person (the JSON report's `expired`). */
  readonly expiredExemptions: readonly Exemption[]
  /**
   * The expired lines to warn about: those no line in force replaces for the same person (lines for
   * nobody, or for someone who needs no exemption, included). The others are in supersededExemptions.
   */
  readonly lapsedExemptions: readonly Exemption[]
  /** Lines that name a listed account (in force or not). */
  readonly matchedExemptions: readonly Exemption[]
  /** Lines in force that name no listed account. */
  readonly unmatchedExemptions: readonly UnmatchedExemption[]
  /** Lines in force for accounts that need none (2FA on, or an app user). */
  readonly unneededExemptions: readonly Exemption[]
  /** Lines in force that name only members the repository scope does not judge. */
  readonly outOfScopeExemptions: readonly Exemption[]
  /** Lines that name a workspace admin without proven 2FA, not applied (`allow-admin-exemptions` is not `true`). */
  readonly refusedExemptions: readonly RefusedExemption[]
  /** Null when every workspace's admins are known (or none was looked up). */
  readonly adminsUnknown: AdminsUnknown | null
  /** Whether admins were looked up at all (false: every `admin` is null and nobody is warned). */
  readonly adminsLookedUp: boolean
  /** Workspace admins in scope (all of them: admins always are); null when some workspace's admins are not known. */
  readonly adminCount: number | null
  /** The uuids the admin listings name (of the workspaces whose admins are known). */
  readonly adminUuids: ReadonlySet<string>
  /** In repository scope, the grants of the people with 2FA on, for the report; empty in workspace scope. */
  readonly enabledGrants: ReadonlyMap<string, readonly Grant[]>
  readonly allowAdminExemptions: boolean
  /**
   * Lines in force that cover someone and end within EXPIRY_WARNING_DAYS, with no other line in force
   * keeping that person exempt past their day: after it the gate fails for the person.
   */
  readonly expiringExemptions: readonly Exemption[]
  /** Lines that end soon or have expired while another line in force outlasts them for the same person, in line order. */
  readonly supersededExemptions: readonly SupersededExemption[]
  readonly workspaces: readonly WorkspaceCounts[]
  readonly failOnUnknown: boolean
  /** The organization's part: null when it was not asked. */
  readonly secondSource: SecondSource | null
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
 * The gate's decision, the same for every order of the listings. Throws UnprovableError when a
 * listing cannot prove anything (no members, no people, no 2FA flag visible for any person of a
 * workspace: the credentials are not an admin's), or when an exemption names an account id that the
 * listings give to two different uuids.
 *
 * Who is judged comes from the scope (scope.ts): every member, or in repository scope the people who
 * can write to a listed repository and the workspace admins; people the admin or repository listings
 * name outside every member listing fail as `not-a-member` unless an exemption or accepted Atlassian
 * 2SV lets them pass. An exemption that names a workspace admin is refused unless
 * `allowAdminExemptions`.
 */
export function decideCompliance(listings: readonly WorkspaceListing[], options: VerdictOptions): Verdict {
  for (const listing of listings) checkProvable(listing, options.adminAdvice ?? apiTokenAdvice)
  const merged = mergeListings(listings)
  const admins = options.admins ?? []
  const scope = scopeOf(listings, merged, admins, options.repositories ?? null)
  const exemptionsFor = exemptionIndex(options.exemptions)
  checkIdentities(merged, scope.outsiders, options.exemptions)
  const workspacesOf = workspaceIndex(listings, merged)
  const inForce = (e: Exemption): boolean => !isExpired(e, options.today)
  const soon = addDays(options.today, EXPIRY_WARNING_DAYS)
  const allowAdmin = options.allowAdminExemptions === true

  const matched = new Set<Exemption>()
  const unneeded = new Set<Exemption>()
  const outOfScopeLines = new Set<Exemption>()
  const counts = new Map(listings.map((l) => [l.workspace, emptyCounts(l, merged, scope, requestsFor(l.workspace, admins, options.repositories ?? []))]))
  // In workspace scope everyone with 2FA on is judged: the set is used as it is (100,000 of them stay cheap).
  // Stryker disable next-line ConditionalExpression: equivalent, in workspace scope includes() holds for everyone, so the filter would keep them all (in a copy)
  const enabled = scope.kind === 'workspace' ? merged.enabledAccounts() : inScopeOnly(merged.enabledAccounts(), scope.includes)
  let outOfScope = merged.enabledCount - enabled.size
  for (const [uuid, accountId] of merged.enabledAccounts()) {
    const inScope = scope.includes(uuid)
    for (const e of exemptionsFor(uuid, accountId)) {
      matched.add(e)
      if (inForce(e)) (inScope ? unneeded : outOfScopeLines).add(e)
    }
  }

  const appUsers: AccountRecord[] = []
  const nonCompliant: AccountRecord[] = []
  const notAMember: AccountRecord[] = []
  const unknown: AccountRecord[] = []
  const atlassian2sv: AccountRecord[] = []
  const source = options.secondSource ?? null
  // Stryker disable next-line ConditionalExpression: equivalent, the states are keyed by account id, so a null id finds none either way
  const secondFactorOf = (accountId: string | null): SecondFactor | undefined => (accountId === null ? undefined : source?.states.get(accountId))
  const exempted: ExemptedAccount[] = []
  const ending = new Set<Exemption>()
  const superseded = new Map<Exemption, Exemption>()
  const refused = new Map<Exemption, readonly string[]>()
  const mayExcuseAdmin = new Set<Exemption>()
  const nicknames = new Set<string>()
  const judge = (sighting: Member, listed: boolean, workspaces: readonly string[]): void => {
    // The member listing's app_user is a person when a permission listing says so: never a bot's pass for a person.
    const member = sighting.isAppUser && scope.namedAsPerson(sighting.uuid) ? { ...sighting, isAppUser: false } : sighting
    const lines = exemptionsFor(member.uuid, member.accountId)
    for (const e of lines) matched.add(e)
    // Stryker disable next-line ConditionalExpression: equivalent, no line's id is empty, so an empty nickname would match none
    if (member.nickname !== '') nicknames.add(member.nickname.toLowerCase())
    if (listed && !scope.includes(member.uuid)) {
      outOfScope++
      for (const e of lines) if (inForce(e)) outOfScopeLines.add(e)
      return
    }
    const secondFactor = member.isAppUser ? undefined : secondFactorOf(member.accountId)
    const admin = member.isAppUser ? false : scope.adminOf(member.uuid, workspaces)
    const account: AccountRecord = {
      ...member,
      workspaces,
      ...(secondFactor === undefined ? {} : { secondFactor }),
      admin,
      listed,
      grants: scope.grantsOf(member.uuid)
    }
    let active = lines.filter(inForce)
    let group: 'appUsers' | 'atlassian2sv' | 'exempt' | 'nonCompliant' | 'notAMember' | 'unknown'
    if (account.isAppUser) {
      for (const e of active) unneeded.add(e)
      appUsers.push(account)
      group = 'appUsers'
    } else if (source?.accepted === true && secondFactor === 'on') {
      // Protected by the organization's 2SV: an exemption for them is no longer needed.
      for (const e of active) unneeded.add(e)
      atlassian2sv.push(account)
      group = 'atlassian2sv'
    } else {
      // An admin without proven 2FA is the account an exemption must never hide silently.
      if (admin === true && !allowAdmin) {
        for (const e of active) refused.set(e, adminWorkspaces(admins, member.uuid))
        active = []
      }
      const [first, ...rest] = active
      if (first !== undefined) {
        if (admin === null) for (const e of active) mayExcuseAdmin.add(e)
        const longest = longestLine(first, rest)
        exempted.push({ account, exemptions: active, until: longest.until })
        // A line ends for the gate only when no line in force outlasts it; an expired one always is outlasted here.
        for (const e of lines) {
          if (e.until === null || (inForce(e) && e.until > soon)) continue
          if (outlasts(longest, e)) superseded.set(e, longest)
          else ending.add(e)
        }
        group = 'exempt'
      } else if (!listed) {
        notAMember.push(account)
        group = 'notAMember'
      } else if (account.twoFactor === 'disabled') {
        nonCompliant.push(account)
        group = 'nonCompliant'
      } else {
        unknown.push(account)
        group = 'unknown'
      }
    }
    for (const [ws, c] of counts) if (account.workspaces.includes(ws)) c[group]++
  }
  for (const member of merged.otherAccounts()) judge(member, true, workspacesOf(member.uuid))
  for (const member of scope.outsiders.otherAccounts()) judge(member, false, scope.outsiderWorkspaces(member.uuid))

  const compliant = nonCompliant.length === 0 && notAMember.length === 0 && (!options.failOnUnknown || unknown.length === 0)
  const unknownAdmins = admins.flatMap((a) => (a.lookup.known ? [] : [{ workspace: a.workspace, reason: a.lookup.reason }]))
  const adminUuids = new Set(admins.flatMap((a) => (a.lookup.known ? [...a.lookup.admins.keys()] : [])))
  return {
    memberCount: merged.size,
    enabledCount: enabled.size,
    enabled,
    inScopeCount: enabled.size + nonCompliant.length + notAMember.length + unknown.length + exempted.length + atlassian2sv.length,
    outOfScopeCount: outOfScope,
    scope: { kind: scope.kind, repositories: scope.repositories, widened: scope.widened },
    appUsers: appUsers.sort(byName),
    atlassian2sv: atlassian2sv.sort(byName),
    nonCompliant: nonCompliant.sort(byName),
    notAMember: notAMember.sort(byName),
    unknown: unknown.sort(byName),
    exempted: exempted.sort((a, b) => byName(a.account, b.account)),
    expiredExemptions: options.exemptions.filter((e) => !inForce(e)),
    lapsedExemptions: options.exemptions.filter((e) => !inForce(e) && !superseded.has(e)),
    matchedExemptions: options.exemptions.filter((e) => matched.has(e)),
    unmatchedExemptions: options.exemptions
      .filter((e) => !matched.has(e) && inForce(e))
      .map((exemption) => ({ exemption, isNickname: nicknames.has(exemption.id.toLowerCase()) })),
    unneededExemptions: options.exemptions.filter((e) => unneeded.has(e)),
    // A line names one person (checkIdentities), so a line out of scope is neither unneeded nor refused.
    outOfScopeExemptions: options.exemptions.filter((e) => outOfScopeLines.has(e)),
    refusedExemptions: options.exemptions.flatMap((exemption) => {
      const workspaces = refused.get(exemption)
      return workspaces === undefined ? [] : [{ exemption, workspaces }]
    }),
    expiringExemptions: options.exemptions.filter((e) => ending.has(e)),
    supersededExemptions: options.exemptions.flatMap((exemption) => {
      const by = superseded.get(exemption)
      return by === undefined ? [] : [{ exemption, expired: !inForce(exemption), by }]
    }),
    adminsUnknown:
      unknownAdmins.length === 0
        ? null
        : {
            workspaces: unknownAdmins,
            lines: options.exemptions.filter((e) => mayExcuseAdmin.has(e))
          },
    adminsLookedUp: admins.length > 0,
    adminCount: admins.length === 0 || unknownAdmins.length > 0 ? null : adminUuids.size,
    adminUuids,
    enabledGrants: scope.kind === 'workspace' ? new Map() : new Map([...enabled.keys()].map((uuid) => [uuid, scope.grantsOf(uuid)])),
    allowAdminExemptions: allowAdmin,
    workspaces: [...counts.values()],
    failOnUnknown: options.failOnUnknown,
    secondSource: source,
    compliant
  }
}

function inScopeOnly(accounts: ReadonlyMap<string, string | null>, includes: (uuid: string) => boolean): Map<string, string | null> {
  const kept = new Map<string, string | null>()
  for (const [uuid, accountId] of accounts) if (includes(uuid)) kept.set(uuid, accountId)
  return kept
}

/**
 * The account ids of the people in scope whom Bitbucket does not prove (2FA off or unknown, or outside
 * every member listing): the only people the organization is asked about.
 */
export function unprovenAccountIds(
  listings: readonly WorkspaceListing[],
  options: { readonly admins: readonly WorkspaceAdmins[]; readonly repositories: readonly RepositoryWriters[] | null }
): string[] {
  const merged = mergeListings(listings)
  const scope = scopeOf(listings, merged, options.admins, options.repositories)
  const ids = new Set<string>()
  const note = (member: Member): void => {
    if (!member.isAppUser && member.accountId !== null) ids.add(member.accountId)
  }
  for (const member of merged.otherAccounts()) {
    if (scope.includes(member.uuid)) note(member.isAppUser && scope.namedAsPerson(member.uuid) ? { ...member, isAppUser: false } : member)
  }
  for (const member of scope.outsiders.otherAccounts()) note(member)
  return [...ids]
}

/** The workspaces whose admin listing names this person, for the refusal's reason. */
function adminWorkspaces(admins: readonly WorkspaceAdmins[], uuid: string): string[] {
  return admins.filter((a) => a.lookup.known && a.lookup.admins.has(uuid)).map((a) => a.workspace)
}

/** Every line that names a person, by uuid or by account id, in line order. */
function exemptionIndex(exemptions: readonly Exemption[]): (uuid: string, accountId: string | null) => Exemption[] {
  const byId = new Map<string, Exemption>()
  for (const e of exemptions) byId.set(`${e.idKind}:${e.id}`, e)
  return (uuid, accountId) => {
    const lines: Exemption[] = []
    const byUuid = byId.get(`uuid:${uuid}`)
    if (byUuid) lines.push(byUuid)
    const byAccount = accountId === null ? undefined : byId.get(`account_id:${accountId}`)
    if (byAccount) lines.push(byAccount)
    return lines.sort((a, b) => a.line - b.line)
  }
}

/**
 * An exemption by account id must mean one person. When the listings give that account id to two
 * uuids, or one uuid two account ids of which the exemption names one, the data is inconsistent: no
 * verdict, rather than an exemption that covers someone it was not written for.
 */
function checkIdentities(merged: AccountSet, outsiders: AccountSet, exemptions: readonly Exemption[]): void {
  // Each line by account id, in line order (a Map keeps it), with the uuids its id is seen with; no other account is kept.
  const lines = new Map<string | null, { exemption: Exemption; uuids: Set<string> }>(
    // Stryker disable next-line ConditionalExpression,MethodExpression: equivalent, a uuid line's id is braced and no account id is, so it would gather no uuid
    exemptions.filter((e) => e.idKind === 'account_id').map((exemption) => [exemption.id, { exemption, uuids: new Set<string>() }])
  )
  const note = (accountId: string | null, uuid: string): void => {
    lines.get(accountId)?.uuids.add(uuid)
  }
  for (const [uuid, accountId] of merged.enabledAccounts()) note(accountId, uuid)
  for (const member of merged.otherAccounts()) note(member.accountId, member.uuid)
  for (const member of outsiders.otherAccounts()) note(member.accountId, member.uuid)
  const conflicted = new Map([...merged.accountIdConflicts(), ...outsiders.accountIdConflicts()])
  for (const [uuid, accountIds] of conflicted) for (const accountId of accountIds) note(accountId, uuid)
  // The first inconsistent line is the one named.
  const first = [...lines.values()].find(({ uuids }) => uuids.size > 1 || [...uuids].some((uuid) => conflicted.has(uuid)))
  if (first === undefined) return
  const { exemption } = first
  const uuids = [...first.uuids].sort()
  const intro = say`Exemption on ${code('exempt')} line ${exemption.line} names account_id ${exemption.id}, which Bitbucket gives to`
  const fix =
    "The gate will not guess which person the line means. Exempt by {uuid} instead (each person's uuid is unique), " +
    'and report the inconsistent account to Atlassian support.'
  throw new UnprovableError(
    say`${intro} ${uuids.length > 1 ? `more than one member (uuids ${uuids.join(' and ')})` : `a member seen with two account ids (uuid ${uuids.join('')})`}. ${fix}`,
    say`${intro} ${uuids.length > 1 ? `${uuids.length} different members` : 'a member seen with two account ids'} (uuids withheld). ${fix}`
  )
}

/** The workspaces each reported account was listed in, sorted (people with 2FA on are only counted). */
function workspaceIndex(listings: readonly WorkspaceListing[], merged: AccountSet): (uuid: string) => readonly string[] {
  const [only] = listings
  // Stryker disable next-line ConditionalExpression,BlockStatement: equivalent, a shortcut (no index of every account): the index gives each account the one workspace too
  if (listings.length === 1 && only) {
    const workspaces = [only.workspace]
    return () => workspaces
  }
  const index = new Map<string, string[]>()
  const note = (uuid: string, workspace: string): void => {
    const list = index.get(uuid) ?? []
    // Stryker disable next-line ConditionalExpression: equivalent, the workspaces are distinct (parseWorkspaces) and each listing notes an account once
    if (!list.includes(workspace)) list.push(workspace)
    index.set(uuid, list)
  }
  for (const { workspace, accounts } of listings) {
    for (const member of accounts.otherAccounts()) note(member.uuid, workspace)
    // Enabled in this workspace's view but not overall: listed here, and reported.
    // Stryker disable next-line ConditionalExpression: equivalent, an account with 2FA on overall is never looked up here
    for (const uuid of accounts.enabledAccounts().keys()) if (!merged.isEnabled(uuid)) note(uuid, workspace)
  }
  for (const list of index.values()) list.sort()
  // Stryker disable next-line ArrayDeclaration: equivalent, every account that is looked up was noted in some listing
  return (uuid) => index.get(uuid) ?? []
}

/** An input by its key (config/catalogue.ts, a floor this one does not import). */
function code(input: 'email' | 'workspace' | 'exempt'): Mention {
  return { input, as: 'code' }
}

function apiTokenAdvice(ws: string): Sentence {
  return say`Use an Atlassian API token (with ${code('email')}) of an admin of ${ws}; access tokens may not see the flag.`
}

function checkProvable(listing: WorkspaceListing, adminAdvice: (workspace: string) => Sentence): void {
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
    throw new UnprovableError(
      say`Bitbucket listed only app users (bots) for ${ws}, no people. The gate cannot vouch for that listing: check ${code('workspace')} and the token.`
    )
  }
  if (accounts.enabledCount === 0 && others.every((m) => m.twoFactor === 'unknown')) {
    throw new UnprovableError(
      say`Bitbucket gave no 2FA flag for any of the ${people.toLocaleString('en')} people in ${ws}: the credentials are not a workspace admin's (only admins see has_2fa_enabled), or the flag was not requested. ${adminAdvice(ws)}`
    )
  }
}

type MutableCounts = { -readonly [K in keyof WorkspaceCounts]: WorkspaceCounts[K] }

/** Requests for a workspace's admin listing and its repositories' permission listings. */
function requestsFor(workspace: string, admins: readonly WorkspaceAdmins[], repositories: readonly RepositoryWriters[]): number {
  const adminRequests = admins.filter((a) => a.workspace === workspace).reduce((sum, a) => sum + a.requests, 0)
  return adminRequests + repositories.filter((r) => r.repository.workspace === workspace).reduce((sum, r) => sum + r.requests, 0)
}

function emptyCounts(listing: WorkspaceListing, merged: AccountSet, scope: Scope, otherRequests: number): MutableCounts {
  let enabled = 0
  let outOfScope = 0
  for (const uuid of listing.accounts.enabledAccounts().keys()) {
    if (!scope.includes(uuid)) outOfScope++
    else if (merged.isEnabled(uuid)) enabled++
  }
  for (const member of listing.accounts.otherAccounts()) if (!scope.includes(member.uuid)) outOfScope++
  return {
    workspace: listing.workspace,
    members: listing.accounts.size,
    appUsers: 0,
    enabled,
    nonCompliant: 0,
    notAMember: 0,
    unknown: 0,
    exempt: 0,
    atlassian2sv: 0,
    outOfScope,
    requests: listing.requests + otherRequests
  }
}

/** The line that keeps a person exempt longest: null (no end) outlasts every date; the first of equals. */
function longestLine(first: Exemption, rest: readonly Exemption[]): Exemption {
  let longest = first
  for (const e of rest) if (outlasts(e, longest)) longest = e
  return longest
}

/** Whether line `a` keeps its person exempt past line `b`'s end (an equal end does not). */
function outlasts(a: Exemption, b: Exemption): boolean {
  return endOf(a) > endOf(b)
}

/** A line's last day, to compare: no end sorts after every YYYY-MM-DD. */
function endOf(exemption: Exemption): string {
  return exemption.until ?? '~'
}

function addDays(day: string, days: number): string {
  // Stryker disable next-line MethodExpression: equivalent, the day is only compared with `>` to YYYY-MM-DD days, which order the same against the full timestamp
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
}

function byName(a: AccountRecord, b: AccountRecord): number {
  return a.displayName.localeCompare(b.displayName, 'en') || a.uuid.localeCompare(b.uuid)
}

/** An exemption applies through its `until` day (UTC) inclusive. */
export function isExpired(exemption: Exemption, today: string): boolean {
  return endOf(exemption) < today
}

/** API requests the run spent, retries included. */
export function requestsOf(verdict: Pick<Verdict, 'workspaces'>): number {
  return verdict.workspaces.reduce((sum, w) => sum + w.requests, 0)
}
