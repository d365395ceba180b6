import { code } from '../config/catalogue.js'
import { KEY_SPELLING, type Sentence } from '../sentence.js'
import { cleanText } from '../text.js'
import { STATUS, twoFactorWord, type Group, type Person, type PersonStatus, type Presentation } from './model.js'
import { suitesOf, type Suite, type SuitePerson } from './suites.js'
import { count, plural } from './words.js'

/**
 * Bitbucket Pipelines shows up to 2,000 characters of each field of a JUnit file: every attribute and
 * every text is cut to fit (with an ellipsis), so what it shows is what the gate wrote, whole.
 */
const MAX_FIELD = 2000

/** The suite of a run that reached no verdict, and the root's name. */
const GATE = 'bitbucket-2fa-gate'

/** One `<testcase>`, before it is written. */
interface Case {
  readonly name: string
  readonly outcome: 'passed' | 'failure' | 'skipped'
  /** The failure's or skip's `message` attribute. */
  readonly message?: string
  /** The failure's `type` attribute. */
  readonly type?: string
  /** The failure's or skip's text. */
  readonly detail?: string
  /** `<system-out>`: what a passing case has to say. */
  readonly out?: string
}

interface SuiteCases {
  readonly id: string
  readonly cases: readonly Case[]
}

/**
 * The verdict as a JUnit XML file: one `<testsuite>` per workspace (per repository in repository scope),
 * in it one `<testcase>` per person who is not proven by Bitbucket, named by account id (else uuid), in
 * the model's order (failing first: Pipelines shows the first 100 failures), and one passing case that
 * counts the people with 2FA on and the app users. When names are withheld, each suite has one case
 * that carries counts only. Built as one string: 100,000 members must stay cheap.
 */
export function renderJunit(model: Presentation, context: { readonly generatedAt: Date }): string {
  const suites = suitesOf(model).map((suite) => ({ id: suite.id, cases: model.redact ? [withheldCase(model, suite)] : personCases(model, suite) }))
  return documentOf(suites, context.generatedAt)
}

/** The file of a run that reached no verdict: one failing case that says why (`message` is safe to show). */
export function renderJunitError(message: string, context: { readonly generatedAt: Date }): string {
  const failure: Case = { name: 'verdict', outcome: 'failure', type: 'error', message, detail: message }
  return documentOf([{ id: GATE, cases: [failure] }], context.generatedAt)
}

/** What the cases of one status share: its group, the group's note, and what a failure of it says. */
interface Kind {
  readonly group: Group | null
  readonly note: string
  /** The group's note and how to fix it, once for every failure of this status. */
  readonly failure: string
}

function personCases(model: Presentation, suite: Suite): Case[] {
  const fix = model.fix.map(spell)
  const kinds = new Map<PersonStatus, Kind>()
  const kindOf = (status: PersonStatus): Kind => {
    let kind = kinds.get(status)
    if (kind === undefined) {
      const group = model.groups.find((g) => STATUS[g.kind] === status) ?? null
      const note = group?.note ? spell(group.note) : ''
      kind = { group, note, failure: [note, ...fix].filter((t) => t !== '').join(' ') }
      kinds.set(status, kind)
    }
    return kind
  }
  const counts = countsCase(model, suite)
  // Jenkins and GitLab key a case by its class and name: a second case of the same name would be dropped.
  const names = new Set<string>([counts.name])
  const cases = suite.people.map((entry) => {
    const name = names.has(entry.person.id) ? `${entry.person.id} ${entry.person.account.uuid}` : entry.person.id
    names.add(name)
    return personCase(model, entry, name, kindOf(entry.person.status))
  })
  cases.push(counts)
  return cases
}

function personCase(model: Presentation, { person, fails }: SuitePerson, name: string, { group, note, failure }: Kind): Case {
  const label = `${group?.title ?? person.status}: ${labelOf(model, person, group)}`
  if (fails) return { name, outcome: 'failure', type: person.status, message: label, detail: failure }
  // Not proven by Bitbucket, but passing: accepted Atlassian-account 2SV is a pass, not a skip.
  if (person.status === 'atlassian-2sv') return { name, outcome: 'passed', out: note === '' ? `${label}.` : `${label}. ${note}` }
  return { name, outcome: 'skipped', message: label, detail: person.exemption === null ? note : exemptionText(person) }
}

/** Who, for a reader of the test report: name, nickname, admin mark, grants, the organization's answer. */
function labelOf(model: Presentation, person: Person, group: Group | null): string {
  const { account } = person
  const nickname = account.nickname === '' ? '' : ` (${cleanText(account.nickname)})`
  const admin = person.admin === true ? '; workspace admin' : person.admin === null && model.adminColumn ? '; admin unknown' : ''
  const grants = person.grants.length === 0 ? '' : `; can write ${person.grants.map((g) => `${g.repository} (${g.permission})`).join(', ')}`
  const secondFactor = group?.secondFactorColumn === true && person.secondFactor !== null ? `; Atlassian 2SV ${person.secondFactor}` : ''
  return `${cleanText(account.displayName) || '(no name)'}${nickname}${admin}${grants}${secondFactor}`
}

function exemptionText(person: Person): string {
  const exemption = person.exemption
  if (exemption === null) return ''
  const lines = exemption.lines.map((e) => e.line).join(', ')
  const until = exemption.until === null ? 'with no end' : `until ${exemption.until}`
  const reasons = exemption.reasons.length === 0 ? '' : ` Reason: ${cleanText(exemption.reasons.join('; '), MAX_FIELD)}.`
  return `${KEY_SPELLING(code('exempt'))} line ${lines}, ${until}; Bitbucket's 2FA flag: ${twoFactorWord(person)}.${reasons}`
}

/** The passing case of every suite: how many Bitbucket proves, and the app users, to whom 2FA does not apply. */
function countsCase(model: Presentation, suite: Suite): Case {
  const name = `${plural(suite.proven, 'person', 'people')} with two-factor authentication, ${plural(suite.appUsers, 'app user')}`
  return { name, outcome: 'passed', out: spell(model.coverage) }
}

/**
 * The one case of a suite whose names are withheld: named the same in every run, so that a CI comparing
 * runs (GitLab) follows one failing test instead of a new one each time the counts change.
 */
const WITHHELD_CASE = 'everyone in scope (names withheld)'

/** The one case of a suite when names are withheld: counts, and no name, nickname, account id or uuid. */
function withheldCase(model: Presentation, suite: Suite): Case {
  const tally = new Map<PersonStatus, number>()
  let failing = 0
  for (const { person, fails } of suite.people) {
    if (fails) failing++
    tally.set(person.status, (tally.get(person.status) ?? 0) + 1)
  }
  const people = suite.people.length + suite.proven
  const parts = WITHHELD_WORDS.flatMap(([status, word]) => {
    const n = tally.get(status) ?? 0
    return n === 0 ? [] : [`${count(n)} ${word}`]
  })
  parts.push(`${count(suite.proven)} with two-factor authentication`)
  const counts = `${plural(people, 'person', 'people')}: ${parts.join(', ')}; ${plural(suite.appUsers, 'app user')}.`
  const withheld = model.withheld === null ? [] : [spell(model.withheld.note)]
  const name = WITHHELD_CASE
  if (failing === 0) return { name, outcome: 'passed', out: [counts, ...withheld, spell(model.coverage)].join(' ') }
  const message = `${plural(failing, 'person fails', 'people fail')} the gate; names are withheld. ${counts}`
  return { name, outcome: 'failure', type: 'non-compliant', message, detail: [...withheld, ...model.fix.map(spell)].join(' ') }
}

/** What the withheld case calls each status a suite's people can have, in the order it counts them. */
const WITHHELD_WORDS: readonly (readonly [PersonStatus, string])[] = [
  ['disabled', 'without two-factor authentication'],
  ['not-a-member', 'not in the member listing'],
  ['unknown', 'unknown'],
  ['exempt', 'exempted'],
  ['atlassian-2sv', 'through Atlassian-account 2SV']
]

function spell(sentence: Sentence): string {
  return sentence.spell(KEY_SPELLING)
}

function documentOf(suites: readonly SuiteCases[], generatedAt: Date): string {
  // Seconds in UTC, marked as such: an xs:dateTime that no reader takes for local time.
  const timestamp = `${generatedAt.toISOString().slice(0, 19)}Z`
  const out: string[] = []
  // Each failure of a kind carries the same advice: escaped once, not once per person.
  const escaped = new Map<string, string>()
  const textOnce = (value: string): string => {
    let xml = escaped.get(value)
    if (xml === undefined) escaped.set(value, (xml = text(value)))
    return xml
  }
  let tests = 0
  let failures = 0
  let skipped = 0
  for (const suite of suites) {
    const suiteFailures = suite.cases.filter((c) => c.outcome === 'failure').length
    const suiteSkipped = suite.cases.filter((c) => c.outcome === 'skipped').length
    tests += suite.cases.length
    failures += suiteFailures
    skipped += suiteSkipped
    const classname = attr(suite.id)
    out.push(
      `  <testsuite name="${classname}" tests="${suite.cases.length}" failures="${suiteFailures}" errors="0" skipped="${suiteSkipped}" time="0" timestamp="${timestamp}">`
    )
    for (const c of suite.cases) out.push(caseXml(classname, c, textOnce))
    out.push('  </testsuite>')
  }
  const head = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${GATE}" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="0">`
  ]
  return `${[...head, ...out, '</testsuites>'].join('\n')}\n`
}

function caseXml(classname: string, c: Case, textOf: (value: string) => string): string {
  const open = `    <testcase classname="${classname}" name="${attr(c.name)}" time="0"`
  const message = c.message === undefined ? '' : ` message="${attr(c.message)}"`
  const element = (tag: string, attributes: string, content: string | undefined): string =>
    content === undefined || content === '' ? `<${tag}${attributes}/>` : `<${tag}${attributes}>${textOf(content)}</${tag}>`
  switch (c.outcome) {
    case 'failure':
      return `${open}>\n      ${element('failure', `${message} type="${attr(c.type ?? 'failure')}"`, c.detail)}\n    </testcase>`
    case 'skipped':
      return `${open}>\n      ${element('skipped', message, c.detail)}\n    </testcase>`
    case 'passed':
      return c.out === undefined || c.out === '' ? `${open}/>` : `${open}>\n      ${element('system-out', '', c.out)}\n    </testcase>`
  }
}

/**
 * Characters XML 1.0 does not allow anywhere, not even as a character reference (its `Char`
 * production): C0 controls but tab, LF and CR; U+FFFE and U+FFFF; lone surrogates, which the `u`
 * flag sees as code points of their own.
 */
const NOT_XML = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu

/** The text as a field can hold it: characters XML forbids removed, cut to MAX_FIELD UTF-16 units. */
function field(value: string): string {
  const clean = value.replace(NOT_XML, '')
  if (clean.length <= MAX_FIELD) return clean
  let cut = clean.slice(0, MAX_FIELD - 1)
  // A cut between the halves of a surrogate pair would leave a lone one.
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1)
  return `${cut}…`
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;'
}

/** An attribute value: white space as references too, else a parser would turn it into spaces. */
function attr(value: string): string {
  return field(value).replace(/[&<>"'\t\n\r]/g, (char) => ESCAPES[char] ?? char)
}

/** Element text: a CR as a reference, else a parser would turn it into a line feed. `>` too, so no `]]>` is left. */
function text(value: string): string {
  return field(value).replace(/[&<>"'\r]/g, (char) => ESCAPES[char] ?? char)
}
