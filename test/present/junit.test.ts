import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseExemptions } from '../../src/config/exemptions.js'
import type { Member, RepositoryWriters, SecondSource, WorkspaceAdmins } from '../../src/gate/types.js'
import { decideCompliance, type Verdict } from '../../src/gate/verdict.js'
import type { WorkspaceListing } from '../../src/gate/accounts.js'
import { renderJunit, renderJunitError } from '../../src/present/junit.js'
import { HOSTILE_NAMES, listing, member } from '../support/members.js'
import { modelOf, type ViewOptions } from '../support/present.js'
import { fieldsOf, JUNIT_SCHEMA, junitOf, parseXml, xmllintErrors, type Junit, type JunitCase } from '../support/xml.js'

/**
 * The JUnit file (`junit-file`): every file a test makes is written to a temporary folder, validated by
 * xmllint against schema/junit.xsd, parsed by a strict XML parser, and its counts checked against its
 * elements, before the test looks at what it says.
 */

const context = { generatedAt: new Date('2026-11-26T12:34:56.789Z') }
const TIMESTAMP = '2026-11-26T12:34:56Z'
const COVERAGE =
  "What 2FA covers: Bitbucket's two-step verification guards signing in to Bitbucket on the web; API tokens, access tokens, SSH keys and app passwords do not ask for a second factor. A compliant verdict proves that every person in scope has two-step verification on, not that every credential they hold is protected."
const TURN_ON =
  "Each person listed turns on two-step verification in Bitbucket: avatar → Personal settings → Two-step verification (bitbucket.org/account/settings/two-step-verification/manage). This is Bitbucket's own two-step verification; Atlassian-account 2SV or SSO do not set the flag. Then run the gate again."

let dir = ''
let files = 0
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bb2fa-junit-'))
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

/** The file as a reader gets it, after xmllint, the strict parser and the count checks have passed. */
function read(xml: string): Junit {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true)
  const file = join(dir, `junit-${++files}.xml`)
  writeFileSync(file, xml, 'utf8')
  expect(xmllintErrors(file)).toBe('')
  const document = parseXml(xml)
  const junit = junitOf(document)
  const outcomes = (cases: readonly JunitCase[], outcome: JunitCase['outcome']): string => String(cases.filter((c) => c.outcome === outcome).length)
  for (const suite of junit.suites) {
    expect(suite.attributes).toMatchObject({
      tests: String(suite.cases.length),
      failures: outcomes(suite.cases, 'failure'),
      skipped: outcomes(suite.cases, 'skipped'),
      errors: outcomes(suite.cases, 'error')
    })
    for (const c of suite.cases) expect(c.classname).toBe(suite.attributes.name)
  }
  const all = junit.suites.flatMap((s) => s.cases)
  expect(junit.attributes).toMatchObject({
    tests: String(all.length),
    failures: outcomes(all, 'failure'),
    skipped: outcomes(all, 'skipped'),
    errors: outcomes(all, 'error')
  })
  // Bitbucket Pipelines shows up to 2,000 characters of a field.
  expect(Math.max(...fieldsOf(document).map((f) => f.length))).toBeLessThanOrEqual(2000)
  return junit
}

function decide(
  members: Member[],
  options: { exempt?: string; failOnUnknown?: boolean; secondSource?: SecondSource; admins?: WorkspaceAdmins[]; listings?: WorkspaceListing[] } = {}
): Verdict {
  return decideCompliance(options.listings ?? [listing('acme', members)], {
    exemptions: parseExemptions(options.exempt ?? ''),
    today: '2026-11-26',
    failOnUnknown: options.failOnUnknown ?? true,
    ...(options.secondSource === undefined ? {} : { secondSource: options.secondSource }),
    ...(options.admins === undefined ? {} : { admins: options.admins })
  })
}

function junitOfVerdict(verdict: Verdict, options: ViewOptions = {}): Junit {
  return read(renderJunit(modelOf(verdict, options), context))
}

const known = (workspace: string, admins: Member[]): WorkspaceAdmins => ({
  workspace,
  lookup: { known: true, admins: new Map(admins.map((a) => [a.uuid, a])) },
  requests: 1
})

/** The cases of the one suite, as [name, outcome, message or output]. */
function casesOf(junit: Junit): [string | null, string, string | null][] {
  expect(junit.suites).toHaveLength(1)
  return (junit.suites[0]?.cases ?? []).map((c) => [c.name, c.outcome, c.outcome === 'passed' ? c.out : c.message])
}

describe('renderJunit in each state', () => {
  it('compliant: one passing case that counts the people with 2FA on and the app users', () => {
    const junit = junitOfVerdict(
      decide([
        member('enabled', { displayName: 'Ada' }),
        member('enabled', { displayName: 'Al' }),
        member('unknown', { displayName: 'Deploy Bot', isAppUser: true })
      ])
    )
    expect(junit.attributes).toEqual({ name: 'bitbucket-2fa-gate', tests: '1', failures: '0', errors: '0', skipped: '0', time: '0' })
    expect(junit.suites[0]?.attributes).toEqual({
      name: 'workspace:acme',
      tests: '1',
      failures: '0',
      errors: '0',
      skipped: '0',
      time: '0',
      timestamp: TIMESTAMP
    })
    expect(casesOf(junit)).toEqual([['2 people with two-factor authentication, 1 app user', 'passed', COVERAGE]])
  })

  it('violation: a failure per person without 2FA, named by account id, with name, nickname and the fix', () => {
    const bob = member('disabled', { displayName: 'Bob Builder', nickname: 'bob', accountId: '557058:bob' })
    const junit = junitOfVerdict(decide([member('enabled'), bob]))
    const [failure, counts] = junit.suites[0]?.cases ?? []
    expect(failure).toEqual({
      classname: 'workspace:acme',
      name: '557058:bob',
      outcome: 'failure',
      message: 'Without two-factor authentication: Bob Builder (bob)',
      type: 'disabled',
      text: TURN_ON,
      out: null
    })
    expect(counts?.name).toBe('1 person with two-factor authentication, 0 app users')
    expect(junit.attributes).toMatchObject({ tests: '2', failures: '1', skipped: '0' })
  })

  it('names a person without an account id by uuid', () => {
    const junit = junitOfVerdict(decide([member('enabled'), member('disabled', { accountId: null, uuid: '{00000000-0000-4000-8000-00000000abcd}' })]))
    expect(junit.suites[0]?.cases[0]?.name).toBe('{00000000-0000-4000-8000-00000000abcd}')
  })

  it('unknown, failing: a failure that says an unknown flag fails the gate', () => {
    const cy = member('unknown', { displayName: 'Cy', nickname: 'cy', accountId: '557058:cy' })
    const [failure] = junitOfVerdict(decide([member('enabled'), cy])).suites[0]?.cases ?? []
    expect(failure).toMatchObject({ name: '557058:cy', outcome: 'failure', type: 'unknown', message: 'Unknown: Bitbucket did not say: Cy (cy)' })
    expect(failure?.text).toBe(
      `Bitbucket sent \`null\` or nothing for their flag; an unknown flag fails the gate. ${TURN_ON} If many flags are unknown, check that the token belongs to a workspace admin: only admins see the flag.`
    )
  })

  it('unknown, passing with fail-on-unknown false: skipped, with the reason', () => {
    const cy = member('unknown', { displayName: 'Cy', nickname: 'cy', accountId: '557058:cy' })
    const junit = junitOfVerdict(decide([member('enabled'), cy], { failOnUnknown: false }))
    expect(junit.suites[0]?.cases[0]).toEqual({
      classname: 'workspace:acme',
      name: '557058:cy',
      outcome: 'skipped',
      message: 'Unknown: Bitbucket did not say: Cy (cy)',
      type: null,
      text: 'Bitbucket sent `null` or nothing for their flag; `fail-on-unknown: false` lets them pass.',
      out: null
    })
    expect(junit.attributes).toMatchObject({ tests: '2', failures: '0', skipped: '1' })
  })

  it('exempt: skipped, with the exemption line, its end, the flag and the reason', () => {
    const dee = member('disabled', { displayName: 'Dee', nickname: 'dee', accountId: '557058:dee' })
    const junit = junitOfVerdict(decide([member('enabled'), dee], { exempt: '# keys\n557058:dee until 2026-12-01 # hardware key on order' }))
    expect(junit.suites[0]?.cases[0]).toMatchObject({
      name: '557058:dee',
      outcome: 'skipped',
      message: 'Exempted: Dee (dee)',
      text: "`exempt` line 2, until 2026-12-01; Bitbucket's 2FA flag: off. Reason: hardware key on order."
    })
    const open = junitOfVerdict(decide([member('enabled'), dee], { exempt: '557058:dee' }))
    expect(open.suites[0]?.cases[0]?.text).toBe("`exempt` line 1, with no end; Bitbucket's 2FA flag: off.")
  })

  it('not a member: a failure that says why the flag cannot be seen, and the admin mark', () => {
    const olga = member('disabled', { displayName: 'Olga Outside', nickname: 'olga', accountId: '557058:olga' })
    const junit = junitOfVerdict(decide([member('enabled')], { admins: [known('acme', [olga])] }))
    const [failure] = junit.suites[0]?.cases ?? []
    expect(failure).toMatchObject({
      name: '557058:olga',
      outcome: 'failure',
      type: 'not-a-member',
      message: 'Not in the member listing: Olga Outside (olga); workspace admin'
    })
    expect(failure?.text).toMatch(/^The admin or repository listings name them, but no member listing does, so the gate cannot see their Bitbucket 2FA flag/)
    expect(failure?.text).toContain('For each person not in the member listing: add them to the workspace')
  })

  it('accepted Atlassian-account 2SV: a passing case that names them, the reason in system-out', () => {
    const bob = member('disabled', { displayName: 'Bob', nickname: 'bob', accountId: '557058:bob' })
    const secondSource: SecondSource = { accepted: true, states: new Map([['557058:bob', 'on']]), requests: 1, warning: null }
    const junit = junitOfVerdict(decide([member('enabled'), bob], { secondSource }))
    expect(casesOf(junit)).toEqual([
      [
        '557058:bob',
        'passed',
        'Protected by Atlassian-account two-step verification: Bob (bob); Atlassian 2SV on. Bitbucket does not prove them, and the organization reports two-step verification on their managed Atlassian account; `accept-atlassian-2sv: true` lets them pass.'
      ],
      ['1 person with two-factor authentication, 0 app users', 'passed', COVERAGE]
    ])
    expect(junit.attributes).toMatchObject({ tests: '2', failures: '0', skipped: '0' })
  })

  it('app users: only counted, never named', () => {
    const bots = [member('unknown', { isAppUser: true, accountId: '712020:bot-a' }), member('disabled', { isAppUser: true, accountId: '712020:bot-b' })]
    const xml = renderJunit(modelOf(decide([member('enabled'), ...bots])), context)
    expect(casesOf(read(xml))).toEqual([['1 person with two-factor authentication, 2 app users', 'passed', COVERAGE]])
    expect(xml).not.toContain('712020:')
  })

  it('admins: failing admins first, then without 2FA before not a member before unknown; the rest after them', () => {
    const eve = member('disabled', { displayName: 'Eve Exempt', nickname: 'eve', accountId: '557058:eve' })
    const people = [
      member('unknown', { displayName: 'Aaron Unknown', nickname: 'aaron', accountId: '557058:aaron' }),
      member('disabled', { displayName: 'Bea Off', nickname: 'bea', accountId: '557058:bea' }),
      member('disabled', { displayName: 'Zoe Admin', nickname: 'zoe', accountId: '557058:zoe' }),
      eve,
      member('enabled', { accountId: '557058:on' })
    ]
    const outsider = member('disabled', { displayName: 'Carl Outside', nickname: 'carl', accountId: '557058:carl' })
    const zoe = people[2] as Member
    const verdict = decide(people, { admins: [known('acme', [zoe, outsider])], exempt: '557058:eve' })
    expect(casesOf(junitOfVerdict(verdict))).toEqual([
      ['557058:zoe', 'failure', 'Without two-factor authentication: Zoe Admin (zoe); workspace admin'],
      ['557058:carl', 'failure', 'Not in the member listing: Carl Outside (carl); workspace admin'],
      ['557058:bea', 'failure', 'Without two-factor authentication: Bea Off (bea)'],
      ['557058:aaron', 'failure', 'Unknown: Bitbucket did not say: Aaron Unknown (aaron)'],
      ['557058:eve', 'skipped', 'Exempted: Eve Exempt (eve)'],
      ['1 person with two-factor authentication, 0 app users', 'passed', COVERAGE]
    ])
  })

  it('says so when a workspace admins could not be looked up', () => {
    const bob = member('disabled', { displayName: 'Bob', nickname: 'bob', accountId: '557058:bob' })
    const admins: WorkspaceAdmins[] = [{ workspace: 'acme', lookup: { known: false, reason: new Error('403') }, requests: 1 }]
    expect(junitOfVerdict(decide([member('enabled'), bob], { admins })).suites[0]?.cases[0]?.message).toBe(
      'Without two-factor authentication: Bob (bob); admin unknown'
    )
  })

  it('several workspaces: a suite each, and a person of both in both', () => {
    const both = member('disabled', { displayName: 'Both', nickname: 'both', accountId: '557058:both' })
    const onlyBeta = member('unknown', { displayName: 'Beta Only', nickname: 'beta', accountId: '557058:beta' })
    const listings = [
      listing('acme', [member('enabled'), member('enabled'), both]),
      listing('beta', [member('enabled'), both, onlyBeta, member('enabled', { isAppUser: true })])
    ]
    const junit = junitOfVerdict(decide([], { listings }), { workspaces: ['acme', 'beta'] })
    expect(junit.attributes).toMatchObject({ tests: '5', failures: '3', skipped: '0' })
    expect(junit.suites.map((s) => [s.attributes.name, s.cases.map((c) => [c.classname, c.name, c.outcome])])).toEqual([
      [
        'workspace:acme',
        [
          ['workspace:acme', '557058:both', 'failure'],
          ['workspace:acme', '2 people with two-factor authentication, 0 app users', 'passed']
        ]
      ],
      [
        'workspace:beta',
        [
          ['workspace:beta', '557058:both', 'failure'],
          ['workspace:beta', '557058:beta', 'failure'],
          ['workspace:beta', '1 person with two-factor authentication, 1 app user', 'passed']
        ]
      ]
    ])
  })

  it('repository scope with two repositories: a suite each, its writers and the grants in the message', () => {
    const app = { workspace: 'acme', slug: 'app', fullName: 'acme/app' }
    const lib = { workspace: 'acme', slug: 'lib', fullName: 'acme/lib' }
    const owner = member('enabled', { displayName: 'Owner', accountId: '557058:owner' })
    const both = member('disabled', { displayName: 'Wes Writer', nickname: 'wes', accountId: '557058:wes' })
    const libOnly = member('unknown', { displayName: 'Lia Lib', nickname: 'lia', accountId: '557058:lia' })
    const writerOn = member('enabled', { accountId: '557058:writer-on' })
    const reader = member('disabled', { displayName: 'Rita Reader', nickname: 'rita', accountId: '557058:rita' })
    const bot = member('unknown', { isAppUser: true, accountId: '712020:bot' })
    const writers = (repository: typeof app, list: [Member, 'write' | 'admin'][]): RepositoryWriters => ({
      repository,
      writers: new Map(list.map(([m, permission]) => [m.uuid, { member: m, permission }])),
      requests: 1
    })
    const verdict = decideCompliance([listing('acme', [owner, both, libOnly, writerOn, reader, bot])], {
      exemptions: [],
      today: '2026-11-26',
      failOnUnknown: true,
      admins: [known('acme', [owner])],
      repositories: [
        writers(app, [
          [both, 'write'],
          [writerOn, 'write'],
          [bot, 'write']
        ]),
        writers(lib, [
          [both, 'admin'],
          [libOnly, 'write']
        ])
      ]
    })
    const xml = renderJunit(modelOf(verdict), context)
    const junit = read(xml)
    expect(junit.suites.map((s) => [s.attributes.name, s.cases.map((c) => [c.classname, c.name, c.outcome, c.message])])).toEqual([
      [
        'repository:acme/app',
        [
          ['repository:acme/app', '557058:wes', 'failure', 'Without two-factor authentication: Wes Writer (wes); can write acme/app (write), acme/lib (admin)'],
          // The owner (a workspace admin) and the writer with 2FA on.
          ['repository:acme/app', '2 people with two-factor authentication, 1 app user', 'passed', null]
        ]
      ],
      [
        'repository:acme/lib',
        [
          ['repository:acme/lib', '557058:wes', 'failure', 'Without two-factor authentication: Wes Writer (wes); can write acme/app (write), acme/lib (admin)'],
          ['repository:acme/lib', '557058:lia', 'failure', 'Unknown: Bitbucket did not say: Lia Lib (lia); can write acme/lib (write)'],
          ['repository:acme/lib', '1 person with two-factor authentication, 0 app users', 'passed', null]
        ]
      ]
    ])
    // A reader is out of scope: not judged, not named.
    expect(xml).not.toContain('rita')
  })
})

describe('renderJunit when names are withheld', () => {
  const hostile = (n: number, twoFactor: Member['twoFactor'], extra: Partial<Member> = {}): Member =>
    member(twoFactor, {
      displayName: `Secretname${n} <b>&amp; ]]> "x" 'y' \u0000\uffff`,
      nickname: `secretnick${n}`,
      accountId: `557058:secretid${n}`,
      uuid: `{5ec2e700-0000-4000-8000-00000000000${n}}`,
      ...extra
    })

  it('writes one case per suite, with counts only: no name, nickname, account id or uuid anywhere', () => {
    const people = [hostile(1, 'disabled'), hostile(2, 'unknown'), hostile(3, 'disabled'), hostile(4, 'enabled'), hostile(5, 'unknown', { isAppUser: true })]
    const outsider = hostile(6, 'disabled')
    const verdict = decide(people, { exempt: '557058:secretid3 # on leave', admins: [known('acme', [outsider])] })
    const xml = renderJunit(modelOf(verdict, { redact: true }), context)
    const junit = read(xml)
    expect(junit.attributes).toMatchObject({ tests: '1', failures: '1', skipped: '0' })
    const [only] = junit.suites[0]?.cases ?? []
    expect(only).toMatchObject({
      classname: 'workspace:acme',
      name: 'everyone in scope (names withheld)',
      outcome: 'failure',
      type: 'non-compliant',
      message:
        '3 people fail the gate; names are withheld. 5 people: 1 without two-factor authentication, 1 not in the member listing, 1 unknown, 1 exempted, 1 with two-factor authentication; 1 app user.'
    })
    expect(only?.text).toMatch(/^Names, nicknames and account ids are not shown: this repository is public/)
    expect(only?.text).toContain('The 2 people counted above turn on two-step verification in Bitbucket')
    for (const secret of ['Secretname', 'secretnick', 'secretid', '5ec2e700', 'on leave']) expect(xml).not.toContain(secret)
  })

  it('passes a suite where nobody fails, still with counts only', () => {
    const people = [hostile(1, 'enabled'), hostile(2, 'disabled'), hostile(3, 'unknown')]
    const secondSource: SecondSource = { accepted: true, states: new Map([['557058:secretid3', 'on']]), requests: 1, warning: null }
    const xml = renderJunit(modelOf(decide(people, { exempt: '557058:secretid2', secondSource }), { redact: 'asked' }), context)
    const [only] = read(xml).suites[0]?.cases ?? []
    expect(only).toMatchObject({
      name: 'everyone in scope (names withheld)',
      outcome: 'passed'
    })
    expect(only?.out).toMatch(
      /^3 people: 1 exempted, 1 through Atlassian-account 2SV, 1 with two-factor authentication; 0 app users\. Names, nicknames and account ids are not shown: names were asked to be withheld/
    )
    for (const secret of ['Secretname', 'secretnick', 'secretid', '5ec2e700']) expect(xml).not.toContain(secret)
  })

  it('keeps to one case per suite in several workspaces and in repository scope', () => {
    const listings = [listing('acme', [hostile(1, 'disabled'), hostile(2, 'enabled')]), listing('beta', [hostile(3, 'enabled')])]
    const junit = read(renderJunit(modelOf(decide([], { listings }), { redact: true, workspaces: ['acme', 'beta'] }), context))
    expect(junit.suites.map((s) => [s.attributes.name, s.cases.map((c) => [c.name, c.outcome, c.message ?? c.out?.split('. ')[0]])])).toEqual([
      [
        'workspace:acme',
        [
          [
            'everyone in scope (names withheld)',
            'failure',
            '1 person fails the gate; names are withheld. 2 people: 1 without two-factor authentication, 1 with two-factor authentication; 0 app users.'
          ]
        ]
      ],
      ['workspace:beta', [['everyone in scope (names withheld)', 'passed', '1 person: 1 with two-factor authentication; 0 app users']]]
    ])
  })
})

describe('renderJunitError', () => {
  it('writes one suite with one failing case that says why', () => {
    const message = 'The Bitbucket API answered 401 Unauthorized: check input `token` and `email`.'
    const junit = read(renderJunitError(message, context))
    expect(junit.attributes).toEqual({ name: 'bitbucket-2fa-gate', tests: '1', failures: '1', errors: '0', skipped: '0', time: '0' })
    expect(junit.suites).toEqual([
      {
        attributes: { name: 'bitbucket-2fa-gate', tests: '1', failures: '1', errors: '0', skipped: '0', time: '0', timestamp: TIMESTAMP },
        cases: [{ classname: 'bitbucket-2fa-gate', name: 'verdict', outcome: 'failure', message, type: 'error', text: message, out: null }]
      }
    ])
  })

  it('cuts a long message to 2,000 characters with an ellipsis', () => {
    const [failure] = read(renderJunitError(`${'why '.repeat(1500)}end`, context)).suites[0]?.cases ?? []
    expect(failure?.message).toBe(`${'why '.repeat(499)}why…`)
    expect(failure?.text).toBe(failure?.message)
  })
})

/** The names of HOSTILE_NAMES that cleaning changes, as shown; the others are shown as they are. */
const CLEANED: Readonly<Record<string, string>> = {
  'Eve\n::error::pwned': 'Eve ::error::pwned',
  '\u202eevil\u202c': 'evil',
  'zero\u200bwidth\u200d': 'zerowidth'
}

describe('member text that tries to break the file', () => {
  const names: [string, string][] = [
    ['<script>alert(1)</script> &amp; &', '<script>alert(1)</script> &amp; &'],
    ['end ]]> of CDATA', 'end ]]> of CDATA'],
    [`"double" and 'single'`, `"double" and 'single'`],
    ['nul\u0000bell\u0007esc\u001bdel\u007f', 'nul bell esc del'],
    ['tab\tline\ncr\r', 'tab line cr'],
    ['not a character: \uffff\ufffe', 'not a character: '],
    ['lone \ud800 high and \udc00 low', 'lone  high and  low'],
    // The joiner of 👩‍💻 goes, as in every name shown: the two emoji stay.
    ['emoji \u{1f469}\u200d\u{1f4bb} \u{1f389} ok', 'emoji \u{1f469}\u{1f4bb} \u{1f389} ok'],
    ['x'.repeat(5000), `${'x'.repeat(79)}…`],
    ...HOSTILE_NAMES.map((name): [string, string] => [name, CLEANED[name] ?? name])
  ]

  it.each(names)('%j: well-formed, valid, and shown as the cleaned name', (displayName, shown) => {
    const person = member('disabled', { displayName, nickname: displayName, accountId: '557058:hostile' })
    const [failure] = junitOfVerdict(decide([member('enabled'), person])).suites[0]?.cases ?? []
    expect(failure?.message).toBe(`Without two-factor authentication: ${shown} (${shown})`)
  })

  it('escapes member and admin text in element text too: system-out and the skip reason', () => {
    const tricky = 'a ]]> b <c> &d; "e"'
    const bob = member('disabled', { displayName: tricky, nickname: 'bob', accountId: '557058:bob' })
    const dee = member('disabled', { displayName: 'Dee', nickname: 'dee', accountId: '557058:dee' })
    const secondSource: SecondSource = { accepted: true, states: new Map([['557058:bob', 'on']]), requests: 1, warning: null }
    const junit = junitOfVerdict(decide([member('enabled'), bob, dee], { secondSource, exempt: `557058:dee # ${tricky}` }))
    const [twoStep, exempt] = junit.suites[0]?.cases ?? []
    expect(twoStep?.out).toMatch(/^Protected by Atlassian-account two-step verification: a \]\]> b <c> &d; "e" \(bob\); Atlassian 2SV on\. /)
    expect(exempt?.text).toBe(`\`exempt\` line 1, with no end; Bitbucket's 2FA flag: off. Reason: ${tricky}.`)
  })

  it('keeps an id exactly, less the characters XML forbids, white space included', () => {
    const ids = [
      ['id<&>"\'\u0000\u0001\uffff\ud800end', 'id<&>"\'end'],
      ['tab\there\nline\rcr', 'tab\there\nline\rcr']
    ]
    const people = ids.map(([accountId]) => member('disabled', { accountId: accountId ?? '' }))
    const cases = junitOfVerdict(decide([member('enabled'), ...people])).suites[0]?.cases ?? []
    expect(cases.slice(0, 2).map((c) => c.name)).toEqual(ids.map(([, shown]) => shown))
  })

  it('cuts a long id or reason to 2,000 characters, never between the halves of a surrogate pair', () => {
    const long = member('disabled', { accountId: `${'a'.repeat(1998)}😀tail` })
    const reasoned = member('disabled', { accountId: '557058:reasoned' })
    const verdict = decide([member('enabled'), long, reasoned], { exempt: `557058:reasoned # ${'r'.repeat(3000)}` })
    const cases = junitOfVerdict(verdict).suites[0]?.cases ?? []
    expect(cases[0]?.name).toBe(`${'a'.repeat(1998)}…`)
    const skipped = cases.find((c) => c.outcome === 'skipped')
    expect(skipped?.text).toBe(`\`exempt\` line 1, with no end; Bitbucket's 2FA flag: off. Reason: ${'r'.repeat(1999 - 65)}…`)
  })

  it('names two people with one account id apart', () => {
    const twins = [
      member('disabled', { accountId: '557058:twin' }),
      member('disabled', { accountId: '557058:twin', uuid: '{00000000-0000-4000-8000-0000000077a2}' })
    ]
    const names = (junitOfVerdict(decide([member('enabled'), ...twins])).suites[0]?.cases ?? []).map((c) => c.name)
    expect(new Set(names).size).toBe(names.length)
    expect(names).toContain('557058:twin {00000000-0000-4000-8000-0000000077a2}')
  })
})

describe('schema/junit.xsd', () => {
  const validate = (xml: string): string => {
    const file = join(dir, `broken-${++files}.xml`)
    writeFileSync(file, xml, 'utf8')
    return xmllintErrors(file)
  }
  const suite = (inner: string, attributes = 'tests="1" failures="0" errors="0" skipped="0"'): string =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="x" tests="1" failures="0" errors="0" skipped="0"><testsuite name="s" ${attributes} timestamp="${TIMESTAMP}">${inner}</testsuite></testsuites>\n`

  it('accepts a minimal file, so the rejections below are the schema speaking', () => {
    expect(validate(suite('<testcase classname="s" name="t"/>'))).toBe('')
  })

  it.each([
    ['a count that is not a number', suite('<testcase classname="s" name="t"/>', 'tests="one" failures="0" errors="0" skipped="0"')],
    ['a test case without a name', suite('<testcase classname="s"/>')],
    ['a test case with two outcomes', suite('<testcase classname="s" name="t"><failure message="m"/><skipped/></testcase>')],
    ['an element no reader knows', suite('<testcase classname="s" name="t"><passed/></testcase>')],
    ['a character XML forbids', suite('<testcase classname="s" name="t&#1;"/>')],
    ['a file that is not well-formed', suite('<testcase classname="s" name="t">')]
  ])('rejects %s', (_what, xml) => {
    expect(validate(xml)).not.toBe('')
  })

  it('fails, never skips, without xmllint, and says what to install', () => {
    const file = join(dir, 'any.xml')
    writeFileSync(file, suite('<testcase classname="s" name="t"/>'), 'utf8')
    expect(() => xmllintErrors(file, JUNIT_SCHEMA, 'xmllint-that-is-not-installed')).toThrow('xmllint is not installed: install libxml2-utils')
  })

  it('is what the strict parser rejects too, for the files that are not well-formed', () => {
    expect(() => parseXml('<a><b></a>')).toThrow()
    expect(() => parseXml('<a>&#1;</a>')).toThrow()
    expect(() => parseXml('<a>\u0001</a>')).toThrow()
  })
})

describe('a large verdict', () => {
  it('renders 100,000 members, 1,000 of them without 2FA, whole and valid', () => {
    const members = Array.from({ length: 100_000 }, (_, i) => member(i % 100 === 0 ? 'disabled' : 'enabled', { displayName: `Member ${i}` }))
    const model = modelOf(decide(members))
    // Its speed is `npm run bench`'s business; here, that it renders whole and valid.
    const xml = renderJunit(model, context)
    const junit = read(xml)
    expect(junit.attributes).toMatchObject({ tests: '1001', failures: '1000', skipped: '0' })
    expect(junit.suites[0]?.cases.at(-1)?.name).toBe('99,000 people with two-factor authentication, 0 app users')
  })
})
