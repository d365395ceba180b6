import { mergeTwoFactor, type Member } from './model.js'

/** Account ids to keep for people with 2FA on: those an exemption names, or all of them. */
export type KeepAccountIds = ReadonlySet<string> | 'all'

/**
 * The accounts of one or more listings, unique by uuid, kept lean: a person with 2FA on needs no
 * report, so they are a uuid (and an account id only when an exemption names it), while app users and
 * people without proven 2FA are kept whole. 100,000 members then fit in a few MB.
 *
 * Merging follows mergeTwoFactor: `disabled` seen anywhere wins, then `enabled`, then unknown.
 */
export class AccountSet {
  private readonly enabled = new Map<string, string | null>()
  private readonly others = new Map<string, Member>()

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

  has(uuid: string): boolean {
    return this.enabled.has(uuid) || this.others.has(uuid)
  }

  isEnabled(uuid: string): boolean {
    return this.enabled.has(uuid)
  }

  /** People with 2FA on: uuid → account id (null unless kept). */
  enabledAccounts(): ReadonlyMap<string, string | null> {
    return this.enabled
  }

  /** App users and people without proven 2FA, in full. */
  otherAccounts(): IterableIterator<Member> {
    return this.others.values()
  }

  add(member: Member): void {
    const { uuid } = member
    const other = this.others.get(uuid)
    if (this.enabled.has(uuid)) {
      // Only `disabled` beats an `enabled` sighting, and it brings the names with it.
      if (member.twoFactor === 'disabled') {
        this.enabled.delete(uuid)
        this.others.set(uuid, member)
      }
      return
    }
    if (other === undefined) {
      if (isEnabledPerson(member)) this.enabled.set(uuid, this.keep(member.accountId))
      else this.others.set(uuid, member)
      return
    }
    const twoFactor = mergeTwoFactor(other.twoFactor, member.twoFactor)
    if (twoFactor === 'enabled' && !other.isAppUser) {
      this.others.delete(uuid)
      this.enabled.set(uuid, this.keep(other.accountId ?? member.accountId))
    } else if (twoFactor !== other.twoFactor) {
      this.others.set(uuid, { ...(member.twoFactor === twoFactor ? member : other), twoFactor })
    }
  }

  /** Adds another set's accounts, for the merge across workspaces. */
  addAll(set: AccountSet): void {
    for (const member of set.otherAccounts()) this.add(member)
    for (const [uuid, accountId] of set.enabledAccounts()) {
      this.add({ uuid, accountId, displayName: '', nickname: '', isAppUser: false, twoFactor: 'enabled' })
    }
  }

  private keep(accountId: string | null): string | null {
    if (accountId === null) return null
    return this.keepAccountIds === 'all' || this.keepAccountIds.has(accountId) ? accountId : null
  }
}

function isEnabledPerson(member: Member): boolean {
  return !member.isAppUser && member.twoFactor === 'enabled'
}
