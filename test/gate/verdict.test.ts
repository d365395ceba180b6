import { describe, expect, it } from 'vitest'
import { UnprovableError } from '../../src/errors.js'
import { parseExemptions } from '../../src/config/exemptions.js'
import { decideCompliance, mergeListings, requestsOf } from '../../src/gate/verdict.js'
import { listing, member, thrown } from '../support/members.js'

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

  it("says the credentials are not an admin's when no person in a workspace has a flag", () => {
    const run = () => decide([listing('acme', [member('enabled')]), listing('beta', [member('unknown'), member('unknown')])])
    expect(run).toThrow(/no 2FA flag for any of the 2 people in workspace "beta".*not a workspace admin's/)
    expect(run).toThrow('Use an Atlassian API token (with `email`) of an admin of workspace "beta"; access tokens may not see the flag.')
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
      {
        workspace: 'acme',
        members: 2,
        appUsers: 0,
        enabled: 1,
        nonCompliant: 1,
        unknown: 0,
        exempt: 0,
        atlassian2sv: 0,
        notAMember: 0,
        outOfScope: 0,
        requests: 2
      },
      {
        workspace: 'beta',
        members: 2,
        appUsers: 0,
        enabled: 1,
        nonCompliant: 1,
        unknown: 0,
        exempt: 0,
        atlassian2sv: 0,
        notAMember: 0,
        outOfScope: 0,
        requests: 3
      }
    ])
  })

  it('adds up the requests of every workspace', () => {
    const v = decide([listing('acme', [member('enabled')], 2), listing('beta', [member('enabled')], 5)])
    expect(requestsOf(v)).toBe(7)
  })

  it('names as matched the lines for a listed account, with 2FA on or not, expired or not, in line order', () => {
    const on = member('enabled')
    const off = member('disabled')
    const v = decide([listing('acme', [on, off])], `ghost\n${off.uuid} until 2026-01-01\n${on.accountId!}\n${off.accountId!}`)
    expect(v.matchedExemptions.map((e) => e.line)).toEqual([2, 3, 4])
    expect(v.unmatchedExemptions.map((u) => u.exemption.line)).toEqual([1])
  })

  it('counts each account only in the workspaces that list it', () => {
    const exempt = member('disabled')
    const v = decide(
      [
        listing('acme', [member('enabled'), member('disabled'), exempt]),
        listing('beta', [member('enabled'), member('unknown'), member('unknown', { isAppUser: true })])
      ],
      exempt.uuid
    )
    expect(v.workspaces.map(({ workspace, appUsers, nonCompliant, unknown, exempt }) => [workspace, appUsers, nonCompliant, unknown, exempt])).toEqual([
      ['acme', 0, 1, 0, 1],
      ['beta', 1, 0, 1, 0]
    ])
  })
})

describe('mergeListings', () => {
  it("uses one workspace's set as it is, without copying its accounts", () => {
    const only = listing('acme', [member('enabled'), member('disabled')])
    expect(mergeListings([only])).toBe(only.accounts)
  })

  it('lets a definite answer win over unknown, and disabled win over enabled', () => {
    const a = member('unknown')
    const b = member('enabled')
    const merged = mergeListings([
      listing('acme', [a, b]),
      listing('beta', [
        { ...a, twoFactor: 'enabled' },
        { ...b, twoFactor: 'disabled' }
      ])
    ])
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

/** Every order of a list (small lists only). */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]]
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]))
}

/** What a verdict decides, without presentation order. */
function decision(v: ReturnType<typeof decide>) {
  const uuids = (list: readonly { uuid: string }[]) => list.map((a) => a.uuid).sort()
  return {
    compliant: v.compliant,
    memberCount: v.memberCount,
    enabledCount: v.enabledCount,
    nonCompliant: uuids(v.nonCompliant),
    unknown: uuids(v.unknown),
    appUsers: uuids(v.appUsers),
    exempted: uuids(v.exempted.map((e) => e.account)),
    unmatched: v.unmatchedExemptions.map((u) => u.exemption.line),
    unneeded: v.unneededExemptions.map((e) => e.line)
  }
}

describe('identity conflicts', () => {
  it('judges a uuid seen as an app user in one workspace and as a person in another as a person, in either order', () => {
    const person = member('unknown', { displayName: 'Real Person' })
    const asBot = { ...person, isAppUser: true, displayName: 'Bot Face' }
    for (const order of [
      [listing('acme', [asBot, member('enabled')]), listing('beta', [person, member('enabled')])],
      [listing('beta', [person, member('enabled')]), listing('acme', [asBot, member('enabled')])]
    ]) {
      const v = decide(order)
      expect(v.compliant).toBe(false)
      expect(v.unknown.map((a) => [a.uuid, a.displayName, a.isAppUser])).toEqual([[person.uuid, 'Real Person', false]])
      expect(v.appUsers).toEqual([])
    }
  })

  it('keeps a person with 2FA off a person when the same uuid shows up as an app user', () => {
    const person = member('disabled')
    const v = decide([listing('acme', [{ ...person, isAppUser: true, twoFactor: 'unknown' }, member('enabled')]), listing('beta', [person])])
    expect(v.nonCompliant.map((a) => a.uuid)).toEqual([person.uuid])
  })

  it('refuses an exemption by account_id that Bitbucket gives to two uuids, naming the line and both uuids', () => {
    const one = member('disabled')
    const other = member('enabled', { accountId: one.accountId })
    for (const listings of [
      [listing('acme', [one, member('enabled')]), listing('beta', [other])],
      [listing('beta', [other]), listing('acme', [member('enabled'), one])]
    ]) {
      const run = () => decide(listings, `# a comment\n${one.accountId!} # leave`)
      expect(run).toThrow(UnprovableError)
      const sorted = [one.uuid, other.uuid].sort()
      expect(run).toThrow(
        `Exemption on \`exempt\` line 2 names account_id ${one.accountId!}, which Bitbucket gives to more than one member (uuids ${sorted[0]!} and ${sorted[1]!}).`
      )
    }
  })

  it('says the same without uuids for a public log', () => {
    const one = member('disabled')
    const other = member('disabled', { accountId: one.accountId })
    const caught = thrown(() => decide([listing('acme', [one, other])], one.accountId!))
    expect(caught).toBeInstanceOf(UnprovableError)
    const redacted = (caught as UnprovableError).redactedMessage
    expect(redacted).toContain('Exemption on `exempt` line 1 names account_id')
    expect(redacted).toContain('2 different members (uuids withheld)')
    expect(redacted).not.toContain(one.uuid)
    expect(redacted).not.toContain(other.uuid)
  })

  it('refuses an exemption naming an account id of a uuid that was seen with two account ids', () => {
    const person = member('disabled')
    const run = () => decide([listing('acme', [person]), listing('beta', [{ ...person, accountId: '557058:other' }])], person.accountId!)
    expect(run).toThrow(`a member seen with two account ids (uuid ${person.uuid})`)
  })

  it('decides without error when the shared account id is named by no exemption', () => {
    const one = member('disabled')
    const other = member('enabled', { accountId: one.accountId })
    expect(decide([listing('acme', [one, other])]).nonCompliant.map((a) => a.uuid)).toEqual([one.uuid])
  })

  it('gives the same decision for every order of the workspaces', () => {
    const shared = member('unknown', { displayName: 'Shared' })
    const exempted = member('disabled')
    const acme = listing('acme', [{ ...shared, isAppUser: true }, member('enabled'), exempted])
    const beta = listing('beta', [shared, { ...exempted, twoFactor: 'enabled' }, member('disabled')])
    const gamma = listing('gamma', [{ ...shared, twoFactor: 'enabled' }, member('enabled'), member('unknown', { isAppUser: true })])
    const exempt = `${exempted.uuid} until 2026-01-01\n${exempted.accountId!}\nghost-id`
    const decisions = permutations([acme, beta, gamma]).map((order) => decision(decide(order, exempt)))
    expect(decisions[0]).toMatchObject({ compliant: false, memberCount: 6 })
    for (const d of decisions) expect(d).toEqual(decisions[0])
  })
})

describe('several exemption lines for one person', () => {
  it('exempts while any line is in force, and an expired line hides nothing', () => {
    const late = member('disabled')
    const v = decide([listing('acme', [member('enabled'), late])], `${late.uuid} until 2026-11-01 # old\n${late.accountId!} until 2027-03-31 # laptop`)
    expect(v.compliant).toBe(true)
    expect(v.exempted).toHaveLength(1)
    expect(v.exempted[0]!.until).toBe('2027-03-31')
    expect(v.exempted[0]!.exemptions.map((e) => [e.line, e.reason])).toEqual([[2, 'laptop']])
    expect(v.expiredExemptions.map((e) => e.line)).toEqual([1])
    expect(v.unmatchedExemptions).toEqual([])
  })

  it('shows the latest until and every reason of the lines in force; no end beats any date', () => {
    const p = member('unknown')
    const v = decide([listing('acme', [member('enabled'), p])], `${p.accountId!} until 2027-01-01 # one\n${p.uuid} # two`)
    expect(v.exempted[0]!.until).toBeNull()
    expect(v.exempted[0]!.exemptions.map((e) => e.reason)).toEqual(['one', 'two'])
    const dated = decide([listing('acme', [member('enabled'), p])], `${p.accountId!} until 2027-05-01\n${p.uuid} until 2027-02-01`)
    expect(dated.exempted[0]!.until).toBe('2027-05-01')
  })
})

describe('a line that another line in force outlasts for the same person', () => {
  const lines = (list: readonly { line: number }[]) => list.map((e) => e.line)
  const pairs = (v: ReturnType<typeof decide>) => v.supersededExemptions.map((s) => [s.exemption.line, s.by.line, s.expired])

  it('does not say a line ends when the other line (uuid on one, account id on the other, either way) keeps the person exempt', () => {
    const p = member('disabled')
    for (const exempt of [`${p.uuid} until 2026-12-01 # old laptop\n${p.accountId!} # key on order`, `${p.accountId!} until 2026-12-01\n${p.uuid}`]) {
      const v = decide([listing('acme', [member('enabled'), p])], exempt)
      expect(v.compliant).toBe(true)
      expect(v.expiringExemptions).toEqual([])
      expect(pairs(v)).toEqual([[1, 2, false]])
      expect(lines(v.lapsedExemptions)).toEqual([])
      expect(v.exempted[0]!.until).toBeNull()
      expect(lines(v.matchedExemptions)).toEqual([1, 2])
      expect(v.unmatchedExemptions).toEqual([])
      expect(v.unneededExemptions).toEqual([])
    }
  })

  it('names the line that truly ends, on its day, and calls the one it outlasts superseded', () => {
    const p = member('unknown')
    const v = decide([listing('acme', [member('enabled'), p])], `${p.accountId!} until 2026-12-05\n${p.uuid} until 2026-12-01`)
    expect(lines(v.expiringExemptions)).toEqual([1])
    expect(v.expiringExemptions[0]!.until).toBe('2026-12-05')
    expect(pairs(v)).toEqual([[2, 1, false]])
  })

  it('supersedes a line ending soon by one that ends after the warning window, and warns of neither', () => {
    const p = member('disabled')
    const v = decide([listing('acme', [member('enabled'), p])], `${p.uuid} until 2026-11-30\n${p.accountId!} until 2027-06-30`)
    expect(v.expiringExemptions).toEqual([])
    expect(pairs(v)).toEqual([[1, 2, false]])
  })

  it('warns of both lines when they end on the same day: neither outlasts the other', () => {
    const p = member('disabled')
    const v = decide([listing('acme', [member('enabled'), p])], `${p.uuid} until 2026-12-01\n${p.accountId!} until 2026-12-01`)
    expect(lines(v.expiringExemptions)).toEqual([1, 2])
    expect(v.supersededExemptions).toEqual([])
  })

  it('keeps an expired line a fact, but does not warn of it while the other line keeps the person exempt', () => {
    const p = member('disabled')
    const v = decide([listing('acme', [member('enabled'), p])], `${p.accountId!} until 2026-11-01\n${p.uuid} until 2027-03-31`)
    expect(v.compliant).toBe(true)
    expect(lines(v.expiredExemptions)).toEqual([1])
    expect(lines(v.lapsedExemptions)).toEqual([])
    expect(pairs(v)).toEqual([[1, 2, true]])
  })

  it('supersedes an expired line by one that ends soon, and warns that the second one ends', () => {
    const p = member('disabled')
    const v = decide([listing('acme', [member('enabled'), p])], `${p.uuid} until 2026-11-01\n${p.accountId!} until 2026-12-01`)
    expect(lines(v.expiringExemptions)).toEqual([2])
    expect(pairs(v)).toEqual([[1, 2, true]])
    expect(lines(v.lapsedExemptions)).toEqual([])
  })

  it('warns of every expired line when no line in force covers the person: the person now fails', () => {
    const p = member('disabled')
    const v = decide([listing('acme', [member('enabled'), p])], `${p.uuid} until 2026-11-01\n${p.accountId!} until 2026-11-25`)
    expect(v.compliant).toBe(false)
    expect(lines(v.lapsedExemptions)).toEqual([1, 2])
    expect(v.supersededExemptions).toEqual([])
  })

  it('supersedes nothing for someone who needs no exemption: the expired line lapses, the other is not needed', () => {
    const on = member('enabled')
    const bot = member('unknown', { isAppUser: true })
    const v = decide([listing('acme', [on, bot])], `${on.uuid} until 2026-11-01\n${on.accountId!}\n${bot.accountId!} until 2026-11-01\n${bot.uuid}`)
    expect(lines(v.lapsedExemptions)).toEqual([1, 3])
    expect(lines(v.unneededExemptions)).toEqual([2, 4])
    expect(v.supersededExemptions).toEqual([])
  })

  it('lapses an expired line that names nobody', () => {
    const v = decide([listing('acme', [member('enabled')])], 'ghost until 2026-01-01')
    expect(lines(v.lapsedExemptions)).toEqual([1])
    expect(v.unmatchedExemptions).toEqual([])
  })
})

describe('exemptions that end soon', () => {
  it('names lines in force that cover someone and end within 14 days', () => {
    const a = member('disabled')
    const b = member('disabled')
    const c = member('disabled')
    const v = decide(
      [listing('acme', [member('enabled'), a, b, c])],
      `${a.accountId!} until 2026-12-10\n${b.accountId!} until 2026-12-11\n${c.accountId!}\nghost until 2026-11-30`
    )
    expect(v.expiringExemptions.map((e) => e.line)).toEqual([1])
  })
})

describe('details an admin reads', () => {
  it('lists the exempted by name, then uuid', () => {
    const zed = member('disabled', { displayName: 'Zed' })
    const amy = member('unknown', { displayName: 'Amy' })
    const v = decide([listing('acme', [member('enabled'), zed, amy])], `${zed.accountId!}\n${amy.accountId!}`)
    expect(v.exempted.map((e) => e.account.displayName)).toEqual(['Amy', 'Zed'])
    const twins = [member('disabled', { displayName: 'Same', uuid: '{b}' }), member('disabled', { displayName: 'Same', uuid: '{a}' })]
    expect(decide([listing('acme', [member('enabled'), ...twins])]).nonCompliant.map((a) => a.uuid)).toEqual(['{a}', '{b}'])
  })

  it('warns about a line that ends on the 14th day from today, not the 15th, nor one that covers nobody who needs it', () => {
    const a = member('disabled')
    const b = member('disabled')
    const on = member('enabled')
    const v = decide([listing('acme', [on, a, b])], `${a.accountId!} until 2026-12-10\n${b.accountId!} until 2026-12-11\n${on.accountId!} until 2026-11-27`)
    expect(v.expiringExemptions.map((e) => e.line)).toEqual([1])
    expect(v.unneededExemptions.map((e) => e.line)).toEqual([3])
    expect(decide([listing('acme', [on, a])], `${a.accountId!} until 2026-11-26`).expiringExemptions.map((e) => e.line)).toEqual([1])
  })

  it('lists an exemption for an app user as not needed, and an expired one for a person with 2FA on as expired only', () => {
    const bot = member('unknown', { isAppUser: true })
    const on = member('enabled')
    const v = decide([listing('acme', [on, bot])], `${bot.accountId!}\n${on.uuid} until 2026-01-01`)
    expect(v.unneededExemptions.map((e) => e.line)).toEqual([1])
    expect(v.expiredExemptions.map((e) => e.line)).toEqual([2])
    expect(v.unmatchedExemptions).toEqual([])
  })

  it("names each account's workspaces in order, including one where it had 2FA on but is off overall", () => {
    const p = member('disabled')
    const v = decide([listing('zeta', [p, member('enabled')]), listing('acme', [{ ...p, twoFactor: 'enabled' }, member('enabled')])])
    expect(v.nonCompliant[0]!.workspaces).toEqual(['acme', 'zeta'])
    expect(v.workspaces.map((w) => [w.workspace, w.enabled, w.nonCompliant])).toEqual([
      ['zeta', 1, 1],
      ['acme', 1, 1]
    ])
  })

  it('refuses the account id of a uuid seen with three ids, and names both members when two share one', () => {
    const p = member('disabled')
    const run = () => decide([listing('a', [p]), listing('b', [{ ...p, accountId: '557058:x' }]), listing('c', [{ ...p, accountId: '557058:y' }])], '557058:y')
    expect(run).toThrow(`names account_id 557058:y, which Bitbucket gives to a member seen with two account ids (uuid ${p.uuid})`)
    const caught = thrown(run)
    expect(caught).toBeInstanceOf(UnprovableError)
    expect((caught as UnprovableError).redactedMessage).toContain('gives to a member seen with two account ids (uuids withheld)')
  })

  it('decides when an exemption by uuid names a person whose account ids conflict', () => {
    const p = member('disabled')
    const v = decide([listing('a', [p, member('enabled')]), listing('b', [{ ...p, accountId: '557058:x' }])], p.uuid)
    expect(v.compliant).toBe(true)
  })

  it('picks the first conflicting line when several exist', () => {
    const a = member('disabled')
    const b = member('disabled')
    const clashes = [member('enabled', { accountId: a.accountId }), member('enabled', { accountId: b.accountId })]
    expect(() => decide([listing('acme', [a, b, ...clashes])], `${b.accountId!}\n${a.accountId!}`)).toThrow(/^Exemption on `exempt` line 1 names account_id/)
  })
})

describe('decideCompliance with the organization as a second source', () => {
  const off = member('disabled', { displayName: 'Off' })
  const unknown = member('unknown', { displayName: 'Unknown' })
  const noId = member('disabled', { displayName: 'No id', accountId: null })
  const on = member('enabled', { displayName: 'On' })
  const bot = member('unknown', { displayName: 'Bot', isAppUser: true })
  const states = new Map([
    [off.accountId ?? '', 'on' as const],
    [unknown.accountId ?? '', 'on' as const],
    [on.accountId ?? '', 'off' as const],
    [bot.accountId ?? '', 'on' as const]
  ])
  const decide = (accepted: boolean, exempt = '') =>
    decideCompliance([listing('acme', [off, unknown, noId, on, bot])], {
      exemptions: parseExemptions(exempt),
      today: '2026-11-26',
      failOnUnknown: true,
      secondSource: { accepted, states, requests: 1, warning: null }
    })

  it('accepted: people Bitbucket does not prove pass when the organization says on; others stay', () => {
    const verdict = decide(true)
    expect(verdict.atlassian2sv.map((a) => a.displayName)).toEqual(['Off', 'Unknown'])
    expect(verdict.nonCompliant.map((a) => a.displayName)).toEqual(['No id'])
    expect(verdict.unknown).toEqual([])
    expect(verdict.appUsers.map((a) => a.secondFactor)).toEqual([undefined])
    expect(verdict.workspaces[0]).toMatchObject({ atlassian2sv: 2, nonCompliant: 1, unknown: 0 })
    expect(verdict.secondSource).toMatchObject({ accepted: true, requests: 1 })
    expect(verdict.compliant).toBe(false)
  })

  it('not accepted: the same states are information only', () => {
    const verdict = decide(false)
    expect(verdict.atlassian2sv).toEqual([])
    expect(verdict.nonCompliant.map((a) => [a.displayName, a.secondFactor])).toEqual([
      ['No id', undefined],
      ['Off', 'on']
    ])
    expect(verdict.unknown.map((a) => a.secondFactor)).toEqual(['on'])
  })

  it('an exemption for someone who passes by accepted 2SV is no longer needed, and they are not listed as exempt', () => {
    const verdict = decide(true, `${off.accountId ?? ''} # key on order`)
    expect(verdict.exempted).toEqual([])
    expect(verdict.atlassian2sv.map((a) => a.displayName)).toContain('Off')
    expect(verdict.unneededExemptions.map((e) => e.line)).toEqual([1])
    const info = decide(false, `${off.accountId ?? ''} # key on order`)
    expect(info.exempted.map((e) => e.account.displayName)).toEqual(['Off'])
    expect(info.unneededExemptions).toEqual([])
  })

  it('without an organization, nobody has a second factor and the verdict says so', () => {
    const verdict = decideCompliance([listing('acme', [off, on])], { exemptions: [], today: '2026-11-26', failOnUnknown: true })
    expect(verdict.secondSource).toBeNull()
    expect(verdict.nonCompliant[0]?.secondFactor).toBeUndefined()
  })
})

describe('decideCompliance orders and proves', () => {
  it('lists every group by name, whatever order the listing gave', () => {
    const names = (list: readonly { displayName: string }[]) => list.map((a) => a.displayName)
    const z = (twoFactor: 'disabled' | 'unknown', name: string, extra = {}) => member(twoFactor, { displayName: name, ...extra })
    const members = [
      z('unknown', 'Zed unknown'),
      z('unknown', 'Amy unknown'),
      z('unknown', 'Zed bot', { isAppUser: true }),
      z('unknown', 'Amy bot', { isAppUser: true }),
      z('disabled', 'Zed 2sv'),
      z('disabled', 'Amy 2sv'),
      member('enabled')
    ]
    const on = new Map(members.filter((m) => m.displayName.endsWith('2sv')).map((m) => [m.accountId ?? '', 'on' as const]))
    const verdict = decideCompliance([listing('acme', members)], {
      exemptions: [],
      today,
      failOnUnknown: true,
      secondSource: { accepted: true, states: on, requests: 1, warning: null }
    })
    expect(names(verdict.unknown)).toEqual(['Amy unknown', 'Zed unknown'])
    expect(names(verdict.appUsers)).toEqual(['Amy bot', 'Zed bot'])
    expect(names(verdict.atlassian2sv)).toEqual(['Amy 2sv', 'Zed 2sv'])
  })

  it('a workspace with one flag given is provable, even when nobody has 2FA on', () => {
    const verdict = decide([listing('acme', [member('unknown'), member('disabled')])])
    expect(verdict.nonCompliant).toHaveLength(1)
    expect(verdict.unknown).toHaveLength(1)
  })

  it('keeps no second factor on a record the organization was not asked about', () => {
    const person = member('disabled')
    const verdict = decideCompliance([listing('acme', [person])], {
      exemptions: [],
      today,
      failOnUnknown: true,
      secondSource: { accepted: false, states: new Map(), requests: 0, warning: new Error('down') }
    })
    expect('secondFactor' in verdict.nonCompliant[0]!).toBe(false)
  })
})

describe('an exemption line that reads like a missing id', () => {
  it('never exempts a member Bitbucket gave no account id', async () => {
    const { member, verdictOf } = await import('../support/members.js')
    const anonymous = member('disabled', { accountId: null })
    const verdict = verdictOf([member('enabled'), anonymous], 'null')
    expect(verdict.compliant).toBe(false)
    expect(verdict.nonCompliant.map((a) => a.uuid)).toEqual([anonymous.uuid])
    expect(verdict.exempted).toEqual([])
  })
})
