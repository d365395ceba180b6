import { mergeSightings } from './sightings.js'
import type { Member } from './types.js'

/** Account ids to keep for people with 2FA on: those an exemption names, or all of them. */
export type KeepAccountIds = ReadonlySet<string> | 'all'

/**
 * The accounts of one or more listings, unique by uuid, kept lean: a person with 2FA on needs no
 * report, so they are a uuid (and an account id only when an exemption names it), while app users and
 * people without proven 2FA are kept whole. 100,000 members then fit in a few MB.
 *
 * Sightings of one uuid merge by mergeSightings, so the result is the same in any order. A uuid seen
 * with two different account ids is recorded in `accountIdConflicts`: an exemption naming either id
 * cannot be trusted to mean that person.
 */
export class AccountSet {
  private readonly enabled = new Map<string, string | null>()
  private readonly others = new Map<string, Member>()
  private readonly conflicts = new Map<string, Set<string>>()

  constructor(private readonly keepAccountIds: KeepAccountIds = 'all') {}

  static of(members: Iterable<Member>, keepAccountIds: KeepAccountIds = 'all'): AccountSet {
    const set = new AccountSet(keepAccountIds)
    for (const member of members) set.add(member)
    return set
  }

  get size(): number {
    return this.enabled.size + this.others.size
  }

  get enabledCount(): number {
    return this.enabled.size
  }

  isEnabled(uuid: string): boolean {
    return this.enabled.has(uuid)
  }

  /** Whether the account is in the set, whatever its flag. */
  has(uuid: string): boolean {
    return this.enabled.has(uuid) || this.others.has(uuid)
  }

  /** People with 2FA on: uuid → account id (null unless kept). */
  enabledAccounts(): ReadonlyMap<string, string | null> {
    return this.enabled
  }

  /** App users and people without proven 2FA, in full. */
  otherAccounts(): IterableIterator<Member> {
    return this.others.values()
  }

  /** uuid → every account id it was seen with, for the uuids seen with more than one. */
  accountIdConflicts(): ReadonlyMap<string, ReadonlySet<string>> {
    return this.conflicts
  }

  add(member: Member): void {
    const { uuid } = member
    const enabledId = this.enabled.get(uuid)
    const known: Member | undefined =
      enabledId !== undefined ? { uuid, accountId: enabledId, displayName: '', nickname: '', isAppUser: false, twoFactor: 'enabled' } : this.others.get(uuid)
    if (known === undefined) {
      this.put(member)
      return
    }
    this.noteAccountIds(uuid, known.accountId, member.accountId)
    this.put(mergeSightings(known, member))
  }

  /** Adds another set's accounts, for the merge across workspaces. */
  addAll(set: AccountSet): void {
    for (const member of set.otherAccounts()) this.add(member)
    for (const [uuid, accountId] of set.enabledAccounts()) {
      this.add({ uuid, accountId, displayName: '', nickname: '', isAppUser: false, twoFactor: 'enabled' })
    }
    for (const [uuid, ids] of set.accountIdConflicts()) {
      const mine = this.conflicts.get(uuid) ?? new Set<string>()
      for (const id of ids) mine.add(id)
      this.conflicts.set(uuid, mine)
    }
  }

  private put(member: Member): void {
    if (!member.isAppUser && member.twoFactor === 'enabled') {
      this.others.delete(member.uuid)
      this.enabled.set(member.uuid, this.keep(member.accountId))
    } else {
      this.enabled.delete(member.uuid)
      this.others.set(member.uuid, member)
    }
  }

  private noteAccountIds(uuid: string, a: string | null, b: string | null): void {
    if (a === null || b === null) return
    const seen = this.conflicts.get(uuid)
    if (seen !== undefined) {
      seen.add(a).add(b)
    } else if (a !== b) {
      this.conflicts.set(uuid, new Set([a, b]))
    }
  }

  private keep(accountId: string | null): string | null {
    // Stryker disable next-line ConditionalExpression: equivalent, a null id is never in the set, so it is kept as null either way
    if (accountId === null) return null
    return this.keepAccountIds === 'all' || this.keepAccountIds.has(accountId) ? accountId : null
  }
}

/** One workspace's listing, complete and consistent, as returned by the client. */
export interface WorkspaceListing {
  readonly workspace: string
  readonly accounts: AccountSet
  /** API requests spent on this workspace, retries included. */
  readonly requests: number
}
