import { describe, expect, it } from 'vitest'
import { UnprovableError } from '../../src/errors.js'
import { parseExemptions } from '../../src/exemptions.js'
import { decideCompliance, mergeListings } from '../../src/verdict.js'
import { listing, member } from './helpers.js'

const today = '2026-11-26'
const decide = (listings: Parameters<typeof decideCompliance>[0], exempt = '', failOnUnknown = true) =>
  decideCompliance(listings, { exemptions: parseExemptions(exempt), today, failOnUnknown })

describe('decideCompliance', () => {
  it('passes only when every person has has_2fa_enabled === true', () => {
    expect(decide([listing('acme', [member('enabled'), member('enabled')])]).compliant).toBe(true)
    const v = decide([listing('acme', [member('enabled'), member('disabled')])])
    expect(v.compliant).toBe(false)
    expect(v.nonCompliant).toHaveLength(1)
  })

  it('fails unknown flags unless fail-on-unknown is false, and still reports them', () => {
    const ws = [listing('acme', [member('enabled'), member('unknown')])]
    expect(decide(ws).compliant).toBe(false)
    const lenient = decide(ws, '', false)
    expect(lenient.compliant).toBe(true)
    expect(lenient.unknown).toHaveLength(1)
  })

  it('never fails on app users and shows them apart', () => {
    const v = decide([listing('acme', [member('enabled'), member('unknown', { isAppUser: true })])])
    expect(v.compliant).toBe(true)
    expect(v.appUsers).toHaveLength(1)
    expect(v.unknown).toHaveLength(0)
  })

  it('refuses an empty listing instead of passing it', () => {
    expect(() => decide([listing('acme', [])])).toThrow(UnprovableError)
    expect(() => decide([listing('acme', [])])).toThrow(/listed no members for workspace "acme"/)
  })

  it('refuses a listing of bots only', () => {
    expect(() => decide([listing('acme', [member('unknown', { isAppUser: true })])])).toThrow(/only app users/)
  })

  it('says the credentials are not an admin\'s when no person in a workspace has a flag', () => {
    const run = () => decide([listing('acme', [member('enabled')]), listing('beta', [member('unknown'), member('unknown')])])
    expect(run).toThrow(/no 2FA flag for any of the 2 people in workspace "beta".*not a workspace admin's/)
  })

  it('exempts by account_id or uuid, never by nickname', () => {
    const byId = member('disabled')
    const byUuid = member('unknown')
    const byNick = member('disabled', { nickname: 'alice' })
    const v = decide([listing('acme', [member('enabled'), byId, byUuid, byNick])], `${byId.accountId}\n${byUuid.uuid.toUpperCase()} # on leave\nalice`)
    expect(v.exempted.map((e) => e.account.uuid)).toEqual([byId.uuid, byUuid.uuid])
    expect(v.nonCompliant.map((a) => a.uuid)).toEqual([byNick.uuid])
    expect(v.unmatchedExemptions).toEqual([expect.objectContaining({ isNickname: true })])
    expect(v.compliant).toBe(false)
  })

  it('stops applying an exemption after its until day and lists it as expired', () => {
    const late = member('disabled')
    const v = decide([listing('acme', [member('enabled'), late])], `${late.accountId} until 2026-11-25`)
    expect(v.compliant).toBe(false)
    expect(v.expiredExemptions).toHaveLength(1)
    expect(v.unmatchedExemptions).toHaveLength(0)
    const still = decide([listing('acme', [member('enabled'), late])], `${late.accountId} until 2026-11-26`)
    expect(still.compliant).toBe(true)
  })

  it('notes exemptions that are no longer needed', () => {
    const fine = member('enabled')
    expect(decide([listing('acme', [fine])], fine.accountId!).unneededExemptions).toHaveLength(1)
  })

  it('counts each workspace and each account once across workspaces', () => {
    const shared = member('disabled')
    const v = decide([listing('acme', [shared, member('enabled')], 2), listing('beta', [shared, member('enabled')], 3)])
    expect(v.memberCount).toBe(3)
    expect(v.enabledCount).toBe(2)
    expect(v.nonCompliant[0]?.workspaces).toEqual(['acme', 'beta'])
    expect(v.workspaces).toEqual([
      { workspace: 'acme', members: 2, appUsers: 0, enabled: 1, nonCompliant: 1, unknown: 0, exempt: 0, requests: 2 },
      { workspace: 'beta', members: 2, appUsers: 0, enabled: 1, nonCompliant: 1, unknown: 0, exempt: 0, requests: 3 }
    ])
  })
})

describe('mergeListings', () => {
  it('lets a definite answer win over unknown, and disabled win over enabled', () => {
    const a = member('unknown')
    const b = member('enabled')
    const merged = mergeListings([listing('acme', [a, b]), listing('beta', [{ ...a, twoFactor: 'enabled' }, { ...b, twoFactor: 'disabled' }])])
    expect(merged.isEnabled(a.uuid)).toBe(true)
    expect([...merged.otherAccounts()].map((m) => [m.uuid, m.twoFactor])).toEqual([[b.uuid, 'disabled']])
    expect(merged.size).toBe(2)
  })

  it('keeps the name from whichever workspace gave one', () => {
    const quiet = member('enabled', { displayName: '', nickname: '' })
    const merged = mergeListings([listing('acme', [quiet]), listing('beta', [{ ...quiet, displayName: 'Named', twoFactor: 'disabled' }])])
    expect([...merged.otherAccounts()][0]).toMatchObject({ displayName: 'Named', twoFactor: 'disabled' })
  })
})
