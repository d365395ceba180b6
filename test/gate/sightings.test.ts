import { describe, expect, it } from 'vitest'
import { mergeSightings } from '../../src/gate/sightings.js'

describe('mergeSightings', () => {
  const base = { uuid: '{u}', displayName: 'B', nickname: 'b', isAppUser: false } as const
  it('keeps the smaller of two account ids and either one when the other is missing, in any order', () => {
    const a = { ...base, accountId: '557058:b', twoFactor: 'disabled' as const }
    const b = { ...base, accountId: '557058:a', twoFactor: 'disabled' as const }
    expect(mergeSightings(a, b).accountId).toBe('557058:a')
    expect(mergeSightings(b, a).accountId).toBe('557058:a')
    expect(mergeSightings({ ...a, accountId: null }, b).accountId).toBe('557058:a')
    expect(mergeSightings(a, { ...b, accountId: null }).accountId).toBe('557058:b')
  })

  it('keeps the id of the one sighting that has one, whatever it looks like, in any order', () => {
    const withId = (accountId: string | null) => ({ ...base, accountId, twoFactor: 'disabled' as const })
    for (const id of ['123456789012345678901234', 'zz-after-null', '557058:a']) {
      expect(mergeSightings(withId(null), withId(id)).accountId).toBe(id)
      expect(mergeSightings(withId(id), withId(null)).accountId).toBe(id)
    }
    expect(mergeSightings(withId(null), withId(null)).accountId).toBeNull()
    expect(mergeSightings(withId('10'), withId('9')).accountId).toBe('10')
  })

  it('takes the names of the deciding sighting, and on a tie the smaller name, in any order', () => {
    const off = { ...base, accountId: null, displayName: 'Zed', twoFactor: 'disabled' as const }
    const unknown = { ...base, accountId: null, displayName: 'Amy', twoFactor: 'unknown' as const }
    expect(mergeSightings(unknown, off).displayName).toBe('Zed')
    expect(mergeSightings(off, unknown).displayName).toBe('Zed')
    const other = { ...off, displayName: 'Abe' }
    expect(mergeSightings(off, other).displayName).toBe('Abe')
    expect(mergeSightings(other, off).displayName).toBe('Abe')
    const sameName = { ...off, nickname: 'a' }
    expect(mergeSightings(off, sameName).nickname).toBe('a')
  })

  it('lets enabled win over unknown between two person sightings', () => {
    const on = { ...base, accountId: null, twoFactor: 'enabled' as const }
    const unknown = { ...base, accountId: null, twoFactor: 'unknown' as const }
    expect(mergeSightings(unknown, on).twoFactor).toBe('enabled')
    expect(mergeSightings(on, unknown).twoFactor).toBe('enabled')
    expect(mergeSightings(unknown, unknown).twoFactor).toBe('unknown')
  })
})
