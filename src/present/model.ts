import { code, valueOf } from '../config/catalogue.js'
import { errorSentence } from '../errors.js'
import type { AccountRecord, Exemption, SecondFactor } from '../gate/types.js'
import { requestsOf, type Verdict, type WorkspaceCounts } from '../gate/verdict.js'
import { say, Sentence } from '../sentence.js'
import { exemptionFindings, exemptionWarnings } from './findings.js'
import { byName } from './order.js'
import { privateAdvice, type ReleaseSource } from './release.js'
import { count, HOURLY_BUDGET, plural } from './words.js'

/**
 * The presentation model: what every renderer says about a verdict, decided once. The summary, the log,
 * the annotation, the outputs, the terminal table, the tracking issue and the JSON report only format
 * it; a new renderer needs no new decision. Sentences name inputs by key, and each door spells them.
 */
export interface Presentation {
  readonly compliant: boolean
  /** The outcome in one sentence, without the door's mark (✅, COMPLIANT:). */
  readonly headline: Sentence
  readonly workspaces: readonly WorkspaceCounts[]
  /** The Atlassian 2SV column of the workspace table: only when its answer is accepted. */
  readonly atlassianColumn: boolean
  /** What the organization's answer means for this verdict, said next to it; null when it adds nothing. */
  readonly organization: Sentence | null
  /** Why names are withheld and how to see them privately; null when they are shown. */
  readonly withheld: Withheld | null
  /** The groups of people that have anyone in them, in this order: failing first, app users last. */
  readonly groups: readonly Group[]
  /** Exemption lines to act on or tidy (the summary's "Exemptions to review", the CLI's too). */
  readonly findings: readonly Sentence[]
  /** What the log warns about: exemptions that end or match nobody, unknowns let through, the organization. */
  readonly warnings: readonly Sentence[]
  /** Where every person is when a list is cut (a table, the outputs, the issue): the report file, or the private command. */
  readonly rest: Sentence
  /** How the people who fail the gate fix it; empty when nobody does. */
  readonly fix: readonly Sentence[]
  readonly cost: Sentence
  /** The people who fail the gate, in the model's order (the annotation's names, the tracked people). */
  readonly failing: readonly Person[]
  /** Every exemption line that names a listed account or is in force, in line order, for the JSON report. */
  readonly exemptionLines: readonly ExemptionLine[]
  /** The uuids of the people with 2FA on (→ account id when kept): counted, listed only in the JSON report. */
  readonly enabled: ReadonlyMap<string, string | null>
  /** Totals for the outputs and reports (plain numbers, no grouping). */
  readonly totals: Totals
  readonly redact: boolean
  readonly failOnViolation: boolean
  readonly failOnUnknown: boolean
}

export type GroupKind = 'non-compliant' | 'unknown' | 'atlassian-2sv' | 'exempted' | 'app-users'

export interface Group {
  readonly kind: GroupKind
  readonly title: string
  /** A line under the title; null for none. */
  readonly note: Sentence | null
  /** Sorted as people expect names to be (`Person 2` before `Person 10`), then by uuid. */
  readonly people: readonly Person[]
  /** Whether the organization's answer is shown for each person in this group. */
  readonly secondFactorColumn: boolean
}

export interface Person {
  readonly account: AccountRecord
  /** The account id when Bitbucket gave one, else the uuid: either can be pasted into `exempt`. */
  readonly id: string
  readonly secondFactor: SecondFactor | null
  /** For an exempted person: the lines in force that name them, and until when. */
  readonly exemption: PersonExemption | null
}

export interface PersonExemption {
  readonly lines: readonly Exemption[]
  /** null: no end. */
  readonly until: string | null
  readonly reasons: readonly string[]
}

export interface ExemptionLine {
  readonly exemption: Exemption
  /** It names a listed account. */
  readonly matched: boolean
  readonly expired: boolean
  /** In force for someone who would fail without it. */
  readonly needed: boolean
}

export interface Withheld {
  readonly because: WithheldBecause
  /** Why, and the private ways to see the names. */
  readonly note: Sentence
}

/** What made the gate withhold names: the repository's visibility, or the door's setting. */
export type WithheldBecause = 'public' | 'internal' | 'unknown' | 'asked'

export interface Totals {
  readonly members: number
  readonly people: number
  readonly enabled: number
  readonly nonCompliant: number
  readonly unknown: number
  readonly exempt: number
  readonly appUsers: number
  readonly atlassian2sv: number
  readonly requests: number
  readonly organizationRequests: number
}

/** What a door decides before the model is made. */
export interface View {
  /** Withhold names, nicknames and ids (and why); null to show them. */
  readonly withhold: WithheldBecause | null
  readonly failOnViolation: boolean
  readonly workspaces: readonly string[]
  readonly release: ReleaseSource
  /** The report file this run writes ('' for none): where every person is when a list is cut. */
  readonly reportFile: string
  /** The run's page, for text read outside the run (the tracking issue); null elsewhere. */
  readonly runUrl?: string | null
  /** How to see withheld names, when the door has its own way (the CLI: the same command without --redact). */
  readonly privateWay?: Sentence
}

const TITLES: Readonly<Record<GroupKind, string>> = {
  'non-compliant': 'Without two-factor authentication',
  unknown: 'Unknown: Bitbucket did not say',
  'atlassian-2sv': 'Protected by Atlassian-account two-step verification',
  exempted: 'Exempted',
  'app-users': 'App users'
}

export function present(verdict: Verdict, view: View): Presentation {
  const redact = view.withhold !== null
  const asked = verdict.secondSource !== null && verdict.secondSource.warning === null
  const person = (account: AccountRecord): Person => ({
    account,
    id: account.accountId ?? account.uuid,
    secondFactor: asked ? (account.secondFactor ?? 'unknown') : null,
    exemption: null
  })
  const sorted = (accounts: readonly AccountRecord[]): Person[] => [...accounts].sort(byName).map(person)
  const exempted: Person[] = [...verdict.exempted]
    .sort((a, b) => byName(a.account, b.account))
    .map(({ account, exemptions, until }) => ({
      ...person(account),
      exemption: { lines: exemptions, until, reasons: exemptions.map((e) => e.reason).filter((reason) => reason !== '') }
    }))
  const groups: Group[] = [
    group('non-compliant', sorted(verdict.nonCompliant), null, asked),
    group(
      'unknown',
      sorted(verdict.unknown),
      verdict.failOnUnknown
        ? say`Bitbucket sent \`null\` or nothing for their flag; an unknown flag fails the gate.`
        : say`Bitbucket sent \`null\` or nothing for their flag; ${valueOf('fail-on-unknown', 'false')} lets them pass.`,
      asked
    ),
    group(
      'atlassian-2sv',
      sorted(verdict.atlassian2sv),
      say`Bitbucket does not prove them, and the organization reports two-step verification on their managed Atlassian account; ${valueOf('accept-atlassian-2sv', 'true')} lets them pass.`,
      asked
    ),
    group('exempted', exempted, null, false),
    group('app-users', sorted(verdict.appUsers), say`Bots and integrations: two-step verification does not apply to them.`, false)
  ].filter((g) => g.people.length > 0)
  // People without 2FA first, then the unknowns that fail: the annotation's ten names start with the clearest case.
  const failing = failingAccounts(verdict)
    .map(person)
    .sort((a, b) => Number(a.account.twoFactor === 'unknown') - Number(b.account.twoFactor === 'unknown') || byName(a.account, b.account))
  const describe = (e: Exemption): Sentence => (redact ? say`${code('exempt')} line ${e.line}` : say`${code('exempt')} line ${e.line} (\`${e.id}\`)`)
  return {
    compliant: verdict.compliant,
    headline: headline(verdict, view.failOnViolation),
    workspaces: verdict.workspaces,
    atlassianColumn: verdict.secondSource?.accepted === true,
    organization: organizationNote(verdict, redact),
    withheld: view.withhold === null ? null : { because: view.withhold, note: withheldNote(view.withhold, view) },
    groups,
    findings: exemptionFindings(verdict, describe),
    warnings: warnings(verdict, redact),
    rest: restOf(view, redact),
    fix: fixAdvice(verdict, redact),
    cost: costLine(verdict),
    failing,
    exemptionLines: exemptionLines(verdict),
    enabled: verdict.enabled,
    totals: {
      members: verdict.memberCount,
      people: verdict.memberCount - verdict.appUsers.length,
      enabled: verdict.enabledCount,
      nonCompliant: verdict.nonCompliant.length,
      unknown: verdict.unknown.length,
      exempt: verdict.exempted.length,
      appUsers: verdict.appUsers.length,
      atlassian2sv: verdict.atlassian2sv.length,
      requests: requestsOf(verdict),
      organizationRequests: verdict.secondSource?.requests ?? 0
    },
    redact,
    failOnViolation: view.failOnViolation,
    failOnUnknown: verdict.failOnUnknown
  }
}

function exemptionLines(verdict: Verdict): ExemptionLine[] {
  const expired = new Set<Exemption>(verdict.expiredExemptions)
  const matched = new Set<Exemption>(verdict.matchedExemptions)
  const unneeded = new Set<Exemption>(verdict.unneededExemptions)
  const all = [...verdict.matchedExemptions, ...verdict.expiredExemptions, ...verdict.unmatchedExemptions.map((u) => u.exemption)]
  return [...new Set(all)]
    .sort((a, b) => a.line - b.line)
    .map((exemption) => ({
      exemption,
      matched: matched.has(exemption),
      expired: expired.has(exemption),
      needed: matched.has(exemption) && !expired.has(exemption) && !unneeded.has(exemption)
    }))
}

/** The people who fail the gate: without 2FA, and unknown when unknown flags fail it (the tracking issue follows them). */
export function failingAccounts(verdict: Verdict): AccountRecord[] {
  return verdict.failOnUnknown ? [...verdict.nonCompliant, ...verdict.unknown] : [...verdict.nonCompliant]
}

function group(kind: GroupKind, people: readonly Person[], note: Sentence | null, secondFactorColumn: boolean): Group {
  return { kind, title: TITLES[kind], note, people, secondFactorColumn }
}

function headline(verdict: Verdict, failOnViolation: boolean): Sentence {
  const people = plural(verdict.memberCount - verdict.appUsers.length, 'person', 'people')
  if (verdict.compliant) {
    const viaAtlassian = verdict.atlassian2sv.length > 0 ? ` (${count(verdict.atlassian2sv.length)} through Atlassian-account 2SV)` : ''
    const head = `all ${people} have two-factor authentication or an exemption${viaAtlassian}`
    return verdict.unknown.length > 0 ? say`${head}; ${count(verdict.unknown.length)} unknown, allowed by ${valueOf('fail-on-unknown', 'false')}` : say`${head}`
  }
  const parts: string[] = []
  if (verdict.nonCompliant.length > 0) parts.push(`${count(verdict.nonCompliant.length)} without two-factor authentication`)
  if (verdict.unknown.length > 0 && verdict.failOnUnknown) parts.push(`${count(verdict.unknown.length)} unknown`)
  const head = `${parts.join(', ')} of ${people}`
  return failOnViolation ? say`${head}` : say`${head} (report only: ${valueOf('fail-on-violation', 'false')})`
}

/** What the organization's answer means here: not available (Bitbucket's verdict stands), or information only. */
function organizationNote(verdict: Verdict, redact: boolean): Sentence | null {
  const source = verdict.secondSource
  if (source === null) return null
  if (source.warning !== null) return say`The Atlassian organization could not be asked. ${errorSentence(source.warning, redact)}`
  if (source.accepted) return null
  const protectedElsewhere = [...verdict.nonCompliant, ...verdict.unknown].filter((p) => p.secondFactor === 'on').length
  const info = say`The organization's Atlassian 2SV answers are information only: with ${valueOf('accept-atlassian-2sv', 'false')} the verdict is Bitbucket's alone.`
  if (protectedElsewhere === 0) return info
  const has = protectedElsewhere === 1 ? 'has' : 'have'
  return info.concat(
    say` ${plural(protectedElsewhere, 'person', 'people')} listed ${has} Atlassian-account 2SV on: ${valueOf('accept-atlassian-2sv', 'true')} would let them pass.`
  )
}

const BECAUSE: Readonly<Record<WithheldBecause, string>> = {
  public: 'this repository is public',
  internal: 'this repository is internal (every member of the enterprise can read its runs)',
  unknown: 'the gate could not tell whether this repository is private',
  asked: 'names were asked to be withheld'
}

function withheldNote(because: WithheldBecause, view: View): Sentence {
  const where =
    because === 'asked'
      ? say`Names, nicknames and account ids are not shown: ${BECAUSE[because]} (${valueOf('redact', 'true')}).`
      : say`Names, nicknames and account ids are not shown: ${BECAUSE[because]}, and a list of accounts without 2FA is a target list.`
  return where.concat(' ', view.privateWay ?? privateAdvice(view.release, view.workspaces))
}

/** Where every person is: the report file when it lists them (names shown), else the CLI on the admin's own machine. */
function restOf(view: View, redact: boolean): Sentence {
  const run = view.runUrl ? ` of the run ${view.runUrl}` : ''
  if (view.reportFile !== '' && !redact) return say`The full list is in the report file \`${view.reportFile}\`${run} (${code('report-file')}).`
  const advice = privateAdvice(view.release, view.workspaces, 'everyone')
  return view.runUrl ? advice.concat(` The run: ${view.runUrl}.`) : advice
}

function warnings(verdict: Verdict, redact: boolean): Sentence[] {
  const list = exemptionWarnings(verdict)
  if (verdict.secondSource?.warning) list.push(errorSentence(verdict.secondSource.warning, redact))
  if (!verdict.failOnUnknown && verdict.unknown.length > 0) {
    list.push(say`${plural(verdict.unknown.length, 'person has', 'people have')} an unknown 2FA flag; ${valueOf('fail-on-unknown', 'false')} lets them pass.`)
  }
  return list
}

const TURN_ON =
  'two-step verification in Bitbucket: avatar → Personal settings → Two-step verification (bitbucket.org/account/settings/two-step-verification/manage). ' +
  "This is Bitbucket's own two-step verification; Atlassian-account 2SV or SSO do not set the flag. Then run the gate again."

/** How the people who fail fix it; when names are withheld, it speaks of the people counted, not of a list. */
function fixAdvice(verdict: Verdict, redact: boolean): Sentence[] {
  const failing = verdict.nonCompliant.length + verdict.unknown.length
  if (failing === 0) return []
  const who = !redact
    ? 'Each person listed turns on'
    : failing === 1
      ? 'The person counted above turns on'
      : `The ${count(failing)} people counted above turn on`
  const advice = [new Sentence([`${who} ${TURN_ON}`])]
  if (verdict.unknown.length > 0) {
    advice.push(say`If many flags are unknown, check that the token belongs to a workspace admin: only admins see the flag.`)
  }
  return advice
}

function costLine(verdict: Verdict): Sentence {
  const organization = verdict.secondSource?.requests ?? 0
  const plus = organization === 0 ? '' : ` Plus ${plural(organization, 'request')} to the Atlassian organization API.`
  return say`${plural(requestsOf(verdict), 'API request')} used (Bitbucket allows ${count(HOURLY_BUDGET)} an hour per user).${plus}`
}
