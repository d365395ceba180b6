import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { parseExemptions } from '../../src/config/exemptions.js'
import { CLI_SPELLING } from '../../src/config/spellings.js'
import type { Member, Repository, SecondSource } from '../../src/gate/types.js'
import { decideCompliance, type Verdict } from '../../src/gate/verdict.js'
import { capText, renderInsights, renderInsightsError, type InsightsContent } from '../../src/present/insights.js'
import type { Presentation } from '../../src/present/model.js'
import { say } from '../../src/sentence.js'
import { HOSTILE_NAMES, listing, member } from '../support/members.js'
import { modelOf, type ViewOptions } from '../support/present.js'

const generatedAt = new Date('2026-11-26T12:00:00Z')
/** 2026-11-26T12:00:00Z in ms since the epoch, written out. */
const GENERATED_MS = 1795694400000

/** The expected external id of a uuid, computed here (never by the module under test). */
function idOf(uuid: string): string {
  return `bb2fa-${createHash('sha256').update(uuid).digest('hex').slice(0, 16)}`
}

interface Decide {
  readonly exempt?: string
  readonly failOnUnknown?: boolean
  /** Workspace admins: listed members or outsiders the admin listing names. */
  readonly admins?: readonly Member[]
  readonly secondSource?: SecondSource
}

function decide(members: Member[], options: Decide = {}): Verdict {
  return decideCompliance([listing('acme', members)], {
    exemptions: parseExemptions(options.exempt ?? ''),
    today: '2026-11-26',
    failOnUnknown: options.failOnUnknown ?? true,
    ...(options.admins === undefined
      ? {}
      : { admins: [{ workspace: 'acme', lookup: { known: true, admins: new Map(options.admins.map((a) => [a.uuid, a])) }, requests: 1 }] }),
    ...(options.secondSource === undefined ? {} : { secondSource: options.secondSource })
  })
}

function insightsOf(verdict: Verdict, view: ViewOptions = {}, link?: string | null): InsightsContent {
  return renderInsights(modelOf(verdict, view), { generatedAt, spell: CLI_SPELLING, ...(link === undefined ? {} : { link }) })
}

/** The content of a model changed by hand, for what no verdict makes but a renderer must still handle. */
function insightsOfModel(model: Presentation): InsightsContent {
  return renderInsights(model, { generatedAt, spell: CLI_SPELLING })
}

/** The cast of the main verdict: one of each kind of person. */
function cast() {
  const admin = member('disabled', { uuid: '{aaaaaaaa-0000-4000-8000-000000000001}', accountId: '557058:admin', displayName: 'Ada Lovelace', nickname: 'ada' })
  const off = member('disabled', { uuid: '{aaaaaaaa-0000-4000-8000-000000000002}', accountId: '557058:off', displayName: 'Bob Builder', nickname: 'bob' })
  const unknown = member('unknown', { uuid: '{aaaaaaaa-0000-4000-8000-000000000003}', accountId: '557058:cy', displayName: 'Cy Unknown', nickname: 'cy' })
  // Named by the admin listing only: no member listing shows their flag.
  const outsider = member('unknown', {
    uuid: '{aaaaaaaa-0000-4000-8000-000000000004}',
    accountId: '557058:out',
    displayName: 'Olga Outsider',
    nickname: 'olga'
  })
  const exempt = member('disabled', { uuid: '{aaaaaaaa-0000-4000-8000-000000000005}', accountId: '557058:eve', displayName: 'Eve Exempt', nickname: 'eve' })
  const atlassian = member('disabled', { uuid: '{aaaaaaaa-0000-4000-8000-000000000006}', accountId: '557058:sso', displayName: 'Sam Sso', nickname: 'sam' })
  const on = member('enabled', { uuid: '{aaaaaaaa-0000-4000-8000-000000000007}', accountId: '557058:on', displayName: 'Olive On', nickname: 'olive' })
  const bot = member('unknown', {
    uuid: '{aaaaaaaa-0000-4000-8000-000000000008}',
    accountId: '712020:bot',
    displayName: 'Deploy Bot',
    nickname: 'bot',
    isAppUser: true
  })
  return { admin, off, unknown, outsider, exempt, atlassian, on, bot }
}

function mainVerdict(options: { failOnUnknown?: boolean } = {}): Verdict {
  const c = cast()
  return decide([c.admin, c.off, c.unknown, c.exempt, c.atlassian, c.on, c.bot], {
    exempt: '557058:eve until 2027-01-31 # key on order',
    admins: [c.admin, c.outsider],
    secondSource: { accepted: true, states: new Map([['557058:sso', 'on']]), requests: 1, warning: null },
    ...options
  })
}

/** What must not reach Bitbucket from a name: controls (line breaks too), zero-width and bidi characters. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/

const TURN_ON =
  "To fix: turn on two-step verification in Bitbucket (avatar → Personal settings → Two-step verification), then run the gate again; Atlassian-account 2SV or SSO do not set Bitbucket's flag."

const CHECK_TOKEN =
  "To fix: only a workspace admin's token sees the flag, so check that the gate's token is one; if it is, they turn on two-step verification in Bitbucket (avatar → Personal settings → Two-step verification), then run the gate again."

describe('renderInsights', () => {
  it('annotates each person without proven 2FA: admins CRITICAL, others HIGH, unknown MEDIUM, no path', () => {
    const c = cast()
    const { annotations } = insightsOf(mainVerdict())
    expect(annotations.map((a) => [a.external_id, a.severity, a.result, a.summary])).toEqual([
      [idOf('{aaaaaaaa-0000-4000-8000-000000000001}'), 'CRITICAL', 'FAILED', 'Ada Lovelace (@ada), a workspace admin, has no two-factor authentication'],
      [
        idOf('{aaaaaaaa-0000-4000-8000-000000000004}'),
        'CRITICAL',
        'FAILED',
        'Olga Outsider (@olga), a workspace admin, is in no member listing, so their two-factor authentication cannot be checked'
      ],
      [idOf('{aaaaaaaa-0000-4000-8000-000000000002}'), 'HIGH', 'FAILED', 'Bob Builder (@bob) has no two-factor authentication'],
      [idOf('{aaaaaaaa-0000-4000-8000-000000000003}'), 'MEDIUM', 'FAILED', 'Cy Unknown (@cy) has an unknown two-factor authentication flag']
    ])
    // Exempt, Atlassian-2SV, 2FA-on people and app users get none.
    const text = JSON.stringify(annotations)
    for (const name of [c.exempt, c.atlassian, c.on, c.bot].map((m) => m.displayName)) expect(text).not.toContain(name)
    for (const a of annotations) {
      expect(a.annotation_type).toBe('VULNERABILITY')
      expect(Object.keys(a).sort()).toEqual(['annotation_type', 'details', 'external_id', 'result', 'severity', 'summary'])
    }
  })

  it('gives the external id as bb2fa- and 16 hex characters of sha256 of the uuid', () => {
    const uuid = '{12345678-9abc-4def-8123-456789abcdef}'
    const content = insightsOf(decide([member('disabled', { uuid })]))
    const expected = `bb2fa-${createHash('sha256').update('{12345678-9abc-4def-8123-456789abcdef}', 'utf8').digest('hex').slice(0, 16)}`
    expect(expected).toMatch(/^bb2fa-[0-9a-f]{16}$/)
    expect(content.annotations.map((a) => a.external_id)).toEqual([expected])
  })

  it('says in the details what is wrong, the account and the fix', () => {
    const { annotations } = insightsOf(mainVerdict())
    const [admin, outsider, off, unknown] = annotations
    expect(admin?.details).toBe(
      `Account 557058:admin in acme. A workspace admin: an unprotected admin account can change every setting and permission. Atlassian-account 2SV: unknown. Bitbucket reports their two-step verification as off. ${TURN_ON}`
    )
    expect(outsider?.details).toMatch(/^Account 557058:out in acme\. A workspace admin: .* no member listing does, .* To fix: add them to the workspace/)
    expect(off?.details).toBe(`Account 557058:off in acme. Atlassian-account 2SV: unknown. Bitbucket reports their two-step verification as off. ${TURN_ON}`)
    expect(unknown?.details).toMatch(
      /^Account 557058:cy in acme\. Atlassian-account 2SV: unknown\. Bitbucket sent `null` or nothing for their flag; an unknown flag fails the gate\. To fix: only a workspace admin's token/
    )
  })

  it('annotates unknown people that --no-fail-on-unknown lets pass with result IGNORED', () => {
    const cy = member('unknown', { displayName: 'Cy Unknown', nickname: 'cy' })
    const boss = member('unknown', { displayName: 'Una Admin', nickname: 'una' })
    const content = insightsOf(decide([member('enabled'), cy, boss], { failOnUnknown: false, admins: [boss] }))
    expect(content.report.result).toBe('PASSED')
    expect(content.annotations.map((a) => [a.external_id, a.severity, a.result, a.summary])).toEqual([
      [
        idOf(boss.uuid),
        'CRITICAL',
        'IGNORED',
        'Una Admin (@una), a workspace admin, has an unknown two-factor authentication flag; `--no-fail-on-unknown` lets them pass'
      ],
      [idOf(cy.uuid), 'MEDIUM', 'IGNORED', 'Cy Unknown (@cy) has an unknown two-factor authentication flag; `--no-fail-on-unknown` lets them pass']
    ])
  })

  it('gives HIGH to a writer outside the member listing who is no admin, and says what they can write', () => {
    const owner = member('enabled')
    const outsider = member('unknown', { displayName: 'Walt Writer', nickname: 'walt', accountId: '557058:walt' })
    const app: Repository = { workspace: 'acme', slug: 'app', fullName: 'acme/app' }
    const verdict = decideCompliance([listing('acme', [owner, member('enabled')])], {
      exemptions: [],
      today: '2026-11-26',
      failOnUnknown: true,
      admins: [{ workspace: 'acme', lookup: { known: true, admins: new Map([[owner.uuid, owner]]) }, requests: 1 }],
      repositories: [{ repository: app, writers: new Map([[outsider.uuid, { member: outsider, permission: 'write' }]]), requests: 1 }]
    })
    const { annotations } = insightsOf(verdict)
    expect(annotations.map((a) => [a.external_id, a.severity, a.result, a.summary])).toEqual([
      [idOf(outsider.uuid), 'HIGH', 'FAILED', 'Walt Writer (@walt) is in no member listing, so their two-factor authentication cannot be checked']
    ])
    expect(annotations[0]?.details).toMatch(/^Account 557058:walt in acme\. Can write to acme\/app \(write\)\. The admin or repository listings name them/)
  })

  it('puts the people who fail before the unknowns let through', () => {
    const cy = member('unknown', { displayName: 'Aaron Unknown' })
    const bob = member('disabled', { displayName: 'Zed Off' })
    const content = insightsOf(decide([cy, bob], { failOnUnknown: false }))
    expect(content.annotations.map((a) => [a.external_id, a.result])).toEqual([
      [idOf(bob.uuid), 'FAILED'],
      [idOf(cy.uuid), 'IGNORED']
    ])
  })

  it('annotates the people who fail when --no-fail-on-unknown finds nobody unknown', () => {
    const bob = member('disabled', { displayName: 'Bob Off', nickname: 'bob' })
    const content = insightsOf(decide([bob, member('enabled')], { failOnUnknown: false }))
    expect(content.annotations.map((a) => [a.external_id, a.severity, a.result, a.summary])).toEqual([
      [idOf(bob.uuid), 'HIGH', 'FAILED', 'Bob Off (@bob) has no two-factor authentication']
    ])
  })

  it('annotates a person once, even when the model lists them as failing and as an unknown let through', () => {
    const cy = member('unknown', { displayName: 'Cy Unknown', nickname: 'cy' })
    const model = modelOf(decide([cy, member('enabled')], { failOnUnknown: false }))
    const unknown = model.groups.find((g) => g.kind === 'unknown')?.people ?? []
    expect(unknown.map((p) => p.account.uuid)).toEqual([cy.uuid])
    const { annotations } = insightsOfModel({ ...model, failing: unknown })
    expect(annotations.map((a) => [a.external_id, a.result])).toEqual([[idOf(cy.uuid), 'FAILED']])
  })

  it('gives no "(@…)" for a nickname that is empty or shows nothing', () => {
    const none = member('disabled', { displayName: 'Nia Nonick', nickname: '' })
    const blank = member('disabled', { displayName: 'Zoe Blank', nickname: '\u200b ' })
    const { annotations } = insightsOf(decide([none, blank]))
    expect(annotations.map((a) => a.summary)).toEqual(['Nia Nonick has no two-factor authentication', 'Zoe Blank has no two-factor authentication'])
  })

  it('says of a failing person of any other status that they have no two-factor authentication', () => {
    const eve = member('disabled', { accountId: '557058:eve', displayName: 'Eve Exempt', nickname: 'eve' })
    const model = modelOf(decide([eve, member('disabled')], { exempt: '557058:eve # on leave' }))
    const exempted = model.groups.find((g) => g.kind === 'exempted')?.people ?? []
    expect(exempted.map((p) => p.status)).toEqual(['exempt'])
    const [annotation] = insightsOfModel({ ...model, failing: exempted }).annotations
    expect(annotation?.summary).toBe('Eve Exempt (@eve) has no two-factor authentication')
    expect(annotation?.details).toBe(`Account 557058:eve in acme. Bitbucket reports their two-step verification as off. ${TURN_ON}`)
  })

  it("leaves out the group's note when the group has none, or is not in the model", () => {
    const cy = member('unknown', { accountId: '557058:cy', displayName: 'Cy Unknown', nickname: 'cy' })
    const model = modelOf(decide([cy, member('enabled')]))
    const expected = `Account 557058:cy in acme. ${CHECK_TOKEN}`
    const noNote = insightsOfModel({ ...model, groups: model.groups.map((g) => ({ ...g, note: null })) })
    expect(noNote.annotations.map((a) => a.details)).toEqual([expected])
    expect(insightsOfModel({ ...model, groups: [] }).annotations.map((a) => a.details)).toEqual([expected])
    // The model's own note, for comparison: said between the account and the fix.
    expect(insightsOfModel(model).annotations.map((a) => a.details)).toEqual([
      `Account 557058:cy in acme. Bitbucket sent \`null\` or nothing for their flag; an unknown flag fails the gate. ${CHECK_TOKEN}`
    ])
  })

  it('writes a sentence of the report trimmed, capitalised and ending in a full stop, even with a dot inside', () => {
    const model = modelOf(decide([member('enabled'), member('enabled')], { admins: [] }))
    expect(insightsOfModel({ ...model, headline: say`  all 2 people checked against policy v1.2 ` }).report.details).toBe(
      'All 2 people checked against policy v1.2.'
    )
    expect(insightsOfModel({ ...model, headline: say`all clear!` }).report.details).toBe('All clear!')
  })

  it('makes a SECURITY report that fails with the headline and the counts', () => {
    const { report } = insightsOf(mainVerdict(), {}, 'https://bitbucket.org/acme/app/pipelines/results/7')
    expect(report).toEqual({
      title: 'Two-factor authentication',
      details: '2 without two-factor authentication, 1 not in the member listing, 1 unknown of 7 people; 2 of them admins.',
      report_type: 'SECURITY',
      reporter: 'bitbucket-2fa-gate',
      result: 'FAILED',
      data: [
        { title: 'Safe to release', type: 'BOOLEAN', value: false },
        { title: 'People in scope', type: 'NUMBER', value: 7 },
        { title: 'With 2FA', type: 'NUMBER', value: 1 },
        { title: 'Without 2FA', type: 'NUMBER', value: 2 },
        { title: 'Not in the member listing', type: 'NUMBER', value: 1 },
        { title: 'Unknown 2FA flag', type: 'NUMBER', value: 1 },
        { title: 'Exempt', type: 'NUMBER', value: 1 },
        { title: 'Atlassian 2SV', type: 'NUMBER', value: 1 },
        { title: 'Admins without 2FA', type: 'NUMBER', value: 2 },
        { title: 'Checked at', type: 'DATE', value: GENERATED_MS }
      ],
      link: 'https://bitbucket.org/acme/app/pipelines/results/7'
    })
    // Every item kind Bitbucket takes, and no more than ten of them: this verdict shows every optional one.
    expect(report.data.length).toBeLessThanOrEqual(10)
  })

  it('passes only a compliant verdict, and leaves out the link when there is none', () => {
    const compliant = insightsOf(decide([member('enabled'), member('enabled')], { admins: [] }), {}, null)
    expect(compliant.report.result).toBe('PASSED')
    expect(compliant.report.details).toBe('All 2 people have two-factor authentication or an exemption.')
    expect(compliant.report).not.toHaveProperty('link')
    expect(insightsOf(decide([member('enabled')], { admins: [] }), {}, '').report).not.toHaveProperty('link')
    expect(compliant.annotations).toEqual([])
    expect(compliant.report.data).toEqual([
      { title: 'Safe to release', type: 'BOOLEAN', value: true },
      { title: 'People in scope', type: 'NUMBER', value: 2 },
      { title: 'With 2FA', type: 'NUMBER', value: 2 },
      { title: 'Without 2FA', type: 'NUMBER', value: 0 },
      { title: 'Unknown 2FA flag', type: 'NUMBER', value: 0 },
      { title: 'Exempt', type: 'NUMBER', value: 0 },
      { title: 'Admins without 2FA', type: 'NUMBER', value: 0 },
      { title: 'Checked at', type: 'DATE', value: GENERATED_MS }
    ])
  })

  it('fails a report-only run that is not compliant', () => {
    const content = insightsOf(decide([member('disabled')]), { failOnViolation: false })
    expect(content.report.result).toBe('FAILED')
    expect(content.report.details).toBe('1 without two-factor authentication of 1 person (report only: `--no-fail-on-violation`).')
  })

  it('says the admins count is not known when the admins were not looked up', () => {
    const { report } = insightsOf(decide([member('disabled')]))
    expect(report.data).toContainEqual({ title: 'Admins without 2FA', type: 'TEXT', value: 'not known' })
  })

  it('fails a verdict of unknowns that fail the gate', () => {
    const content = insightsOf(decide([member('enabled'), member('unknown')]))
    expect(content.report.result).toBe('FAILED')
    expect(content.annotations.map((a) => [a.severity, a.result])).toEqual([['MEDIUM', 'FAILED']])
  })

  it('scrubs member text that shows nothing and keeps summaries within 450 characters', () => {
    const people = HOSTILE_NAMES.map((displayName) => member('disabled', { displayName, nickname: `${displayName}\u200b`.repeat(20) }))
    people.push(member('disabled', { displayName: 'L'.repeat(5000), nickname: 'n'.repeat(5000) }))
    const { annotations } = insightsOf(decide(people))
    expect(annotations).toHaveLength(people.length)
    for (const a of annotations) {
      expect(a.summary.length).toBeLessThanOrEqual(450)
      // No control character, line break, bidi control or zero-width character survives.
      expect(a.summary).not.toMatch(HIDDEN)
      expect(a.details).not.toMatch(HIDDEN)
    }
    expect(annotations.map((a) => a.summary)).toContain(`evil (@${'evil'.repeat(20)}) has no two-factor authentication`)
    expect(annotations.map((a) => a.summary)).toContain(`${'L'.repeat(79)}… (@${'n'.repeat(79)}…) has no two-factor authentication`)
  })
})

describe('capText', () => {
  it('cuts to the limit in UTF-16 units with an ellipsis, never splitting a character', () => {
    expect(capText('x'.repeat(450), 450)).toBe('x'.repeat(450))
    expect(capText('x'.repeat(451), 450)).toBe(`${'x'.repeat(449)}…`)
    // 😀 is two UTF-16 units: 224 of them (448 units) and the ellipsis fit, a 225th would not.
    expect(capText('😀'.repeat(300), 450)).toBe(`${'😀'.repeat(224)}…`)
  })
})

describe('renderInsights with names withheld', () => {
  it('posts no annotation, no admin count, and nothing derived from a person', () => {
    const c = cast()
    const content = insightsOf(mainVerdict(), { redact: true })
    expect(content.annotations).toEqual([])
    expect(content.report.result).toBe('FAILED')
    expect(content.report.data.map((d) => d.title)).not.toContain('Admins without 2FA')
    expect(content.report.details).toMatch(
      /^2 without two-factor authentication, 1 not in the member listing, 1 unknown of 7 people\. Names, nicknames and account ids are not shown: this repository is public/
    )
    const sent = JSON.stringify(content)
    for (const m of Object.values(c)) {
      for (const text of [m.displayName, m.nickname, m.accountId ?? '', m.uuid, m.uuid.slice(1, -1), idOf(m.uuid), idOf(m.uuid).slice(6)])
        expect(sent).not.toContain(text)
    }
    expect(sent).not.toMatch(/557058|712020|aaaaaaaa|bb2fa-|admins/)
  })

  it('does not speak of withheld names when nobody would be named', () => {
    const content = insightsOf(decide([member('enabled'), member('enabled')]), { redact: true })
    expect(content.report.details).toBe('All 2 people have two-factor authentication or an exemption.')
  })
})

describe('renderInsights past 1,000 people', () => {
  it('annotates the first 1,000 in the model order and says in the report how many more and where they are', () => {
    const people = Array.from({ length: 1003 }, (_, i) => member('disabled', { displayName: `Member ${String(i).padStart(4, '0')}` }))
    const content = insightsOf(decide(people), { reportFile: '2fa-report.json' })
    expect(content.annotations).toHaveLength(1000)
    expect(content.annotations[0]?.summary).toMatch(/^Member 0000 /)
    expect(content.annotations[999]?.summary).toMatch(/^Member 0999 /)
    expect(content.annotations.map((a) => a.external_id)).toEqual(people.slice(0, 1000).map((p) => idOf(p.uuid)))
    // The note is in the report's details (not on the 1,000th annotation, whose details are a person's).
    expect(content.report.details).toBe(
      '1,003 without two-factor authentication of 1,003 people. 3 more people without proven two-factor authentication are not shown as annotations (Bitbucket keeps 1,000 a report). ' +
        'The full list is in the report file `2fa-report.json` (`--report-file`).'
    )
    expect(content.annotations[999]?.details).not.toMatch(/more/)
  })

  it('says "1 more person" for one past the limit', () => {
    const people = Array.from({ length: 1001 }, () => member('disabled'))
    expect(insightsOf(decide(people)).report.details).toMatch(/ 1 more person without proven two-factor authentication is not shown as annotations /)
  })

  it('says nothing of more at exactly 1,000', () => {
    const people = Array.from({ length: 1000 }, () => member('disabled'))
    const content = insightsOf(decide(people))
    expect(content.annotations).toHaveLength(1000)
    expect(content.report.details).toBe('1,000 without two-factor authentication of 1,000 people.')
  })
})

describe('renderInsightsError', () => {
  it('fails the report, says why, and names nobody', () => {
    const content = renderInsightsError('Bitbucket answered 401 Unauthorized for workspace "acme".', {
      generatedAt,
      link: 'https://bitbucket.org/acme/app/pipelines/results/7'
    })
    expect(content).toEqual({
      report: {
        title: 'Two-factor authentication',
        details: 'No verdict: the gate could not finish. Bitbucket answered 401 Unauthorized for workspace "acme".',
        report_type: 'SECURITY',
        reporter: 'bitbucket-2fa-gate',
        result: 'FAILED',
        data: [
          { title: 'Safe to release', type: 'BOOLEAN', value: false },
          { title: 'Checked at', type: 'DATE', value: GENERATED_MS }
        ],
        link: 'https://bitbucket.org/acme/app/pipelines/results/7'
      },
      annotations: []
    })
  })

  it('keeps a long message on one line within 2,000 characters', () => {
    const { report } = renderInsightsError(`line one\nline two ${'x'.repeat(3000)}`, { generatedAt })
    expect(report.details.length).toBeLessThanOrEqual(2000)
    expect(report.details).toMatch(/^No verdict: the gate could not finish\. line one line two x+…$/)
    expect(report).not.toHaveProperty('link')
  })
})
