import { describe, expect, it } from 'vitest'
import { AccountSet } from '../../src/gate/accounts.js'
import { member } from '../support/members.js'

describe('AccountSet', () => {
  it('keeps people with 2FA on as a uuid only, and everyone else whole', () => {
    const on = member('enabled')
    const off = member('disabled')
    const bot = member('enabled', { isAppUser: true })
    const set = AccountSet.of([on, off, bot], new Set())
    expect(set.size).toBe(3)
    expect(set.enabledCount).toBe(1)
    expect([...set.enabledAccounts()]).toEqual([[on.uuid, null]])
    expect([...set.otherAccounts()]).toEqual([off, bot])
  })

  it('keeps the account id of a person with 2FA on only when asked to', () => {
    const on = member('enabled')
    expect(
      AccountSet.of([on], new Set([on.accountId!]))
        .enabledAccounts()
        .get(on.uuid)
    ).toBe(on.accountId)
    expect(AccountSet.of([on], 'all').enabledAccounts().get(on.uuid)).toBe(on.accountId)
  })

  it('counts a repeated account once', () => {
    const on = member('enabled')
    const off = member('disabled')
    expect(AccountSet.of([on, on, off, off]).size).toBe(2)
  })

  it('lets disabled win over enabled, and enabled over unknown, in either order', () => {
    const a = member('enabled')
    const b = member('unknown')
    for (const order of [
      [a, { ...a, twoFactor: 'disabled' as const }, b, { ...b, twoFactor: 'enabled' as const }],
      [{ ...a, twoFactor: 'disabled' as const }, a, { ...b, twoFactor: 'enabled' as const }, b]
    ]) {
      const set = AccountSet.of(order)
      expect(set.isEnabled(a.uuid)).toBe(false)
      expect([...set.otherAccounts()].map((m) => [m.uuid, m.twoFactor])).toEqual([[a.uuid, 'disabled']])
      expect(set.isEnabled(b.uuid)).toBe(true)
      expect(set.size).toBe(2)
    }
  })

  it('merges whole sets across workspaces', () => {
    const shared = member('enabled')
    const merged = new AccountSet()
    merged.addAll(AccountSet.of([shared, member('enabled')]))
    merged.addAll(AccountSet.of([{ ...shared, twoFactor: 'disabled' }, member('unknown')]))
    expect(merged.size).toBe(3)
    expect(merged.enabledCount).toBe(1)
    expect([...merged.otherAccounts()].map((m) => m.twoFactor).sort()).toEqual(['disabled', 'unknown'])
  })
})

describe('AccountSet.accountIdConflicts', () => {
  const seen = (accountId: string | null) => ({ uuid: '{u}', accountId, displayName: 'N', nickname: 'n', isAppUser: false, twoFactor: 'disabled' as const })
  const conflicts = (set: AccountSet) => [...set.accountIdConflicts()].map(([uuid, ids]) => [uuid, [...ids].sort()])

  it('records a uuid seen with different account ids, and every id it was seen with', () => {
    expect(conflicts(AccountSet.of([seen('a'), seen('a'), seen(null)]))).toEqual([])
    expect(conflicts(AccountSet.of([seen('a'), seen('b')]))).toEqual([['{u}', ['a', 'b']]])
    expect(conflicts(AccountSet.of([seen('a'), seen('b'), seen('c'), seen(null), seen('a')]))).toEqual([['{u}', ['a', 'b', 'c']]])
    expect(conflicts(AccountSet.of([seen(null), seen('a'), seen('b')]))).toEqual([['{u}', ['a', 'b']]])
  })

  it('records it for a person with 2FA on whose id is kept', () => {
    const on = (accountId: string) => ({ ...seen(accountId), twoFactor: 'enabled' as const })
    expect(conflicts(AccountSet.of([on('a'), on('b')]))).toEqual([['{u}', ['a', 'b']]])
  })

  it('carries the conflicts of each set into the merge, and adds to them', () => {
    const merged = new AccountSet()
    merged.addAll(AccountSet.of([seen('a'), seen('b')]))
    expect(conflicts(merged)).toEqual([['{u}', ['a', 'b']]])
    merged.addAll(AccountSet.of([seen('c'), seen('d')]))
    expect(conflicts(merged)).toEqual([['{u}', ['a', 'b', 'c', 'd']]])
    const clean = new AccountSet()
    clean.addAll(AccountSet.of([seen('a')]))
    expect(conflicts(clean)).toEqual([])
  })
})
