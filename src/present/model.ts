import { code, valueOf } from '../config/catalogue.js'
import { errorSentence } from '../errors.js'
import type { AccountRecord, Exemption, Grant, SecondFactor } from '../gate/types.js'
import { requestsOf, type Verdict, type WorkspaceCounts } from '../gate/verdict.js'
import { say, Sentence } from '../sentence.js'
import { adminsUnknownNote, exemptionFindings, exemptionWarnings, refusalWarnings } from './findings.js'
import { adminsFirst, byName } from './order.js'
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
  /** Who was judged, in one sentence: the scope and its counts. */
  readonly scope: Sentence
  readonly scopeKind: 'workspace' | 'repository'
  /** The repositories of the repository scope (`workspace/slug`); empty in workspace scope. */
  readonly repositories: readonly string[]
  /** What a compliant verdict proves, and what Bitbucket's two-step verification does not cover. */
  readonly coverage: Sentence
  readonly workspaces: readonly WorkspaceCounts[]
  /** The workspace table's "Not a member" column: only when someone is. */
  readonly notAMemberColumn: boolean
  /** The workspace table's "Out of scope" column: only in repository scope. */
  readonly outOfScopeColumn: boolean
  /** Whether each person's admin mark is known for anyone (the admins were looked up). */
  readonly adminColumn: boolean
  /** The Atlassian 2SV column of the workspace table: only when its answer is accepted. */
  readonly atlassianColumn: boolean
  /** What the organization's answer means for this verdict, said next to it; null when it adds nothing. */
  readonly organization: Sentence | null
  /** Why some workspace's admins are not known and what that leaves open, said next to the verdict; null when they are known. */
  readonly admins: Sentence | null
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
  /** The people who fail the gate, in the model's order (the annotation's names, the issue's tracked people). */
  readonly failing: readonly Person[]
  /** Every exemption line that names a listed account or is in force, in line order, for the JSON report. */
  readonly exemptionLines: readonly ExemptionLine[]
  /** The uuids of the people with 2FA on (→ account id when kept): counted, listed only in the JSON report. */
  readonly enabled: ReadonlyMap<string, string | null>
  /** The admin mark of a person with 2FA on (their workspaces are not kept: null when any workspace's admins are unknown). */
  readonly enabledAdmin: (uuid: string) => boolean | null
  /** In repository scope, the grants of the people with 2FA on; empty otherwise. */
  readonly enabledGrants: ReadonlyMap<string, readonly Grant[]>
  /** Totals for the outputs and reports (plain numbers, no grouping). */
  readonly totals: Totals
  readonly redact: boolean
  readonly failOnViolation: boolean
  readonly failOnUnknown: boolean
}

export type GroupKind = 'non-compliant' | 'not-a-member' | 'unknown' | 'atlassian-2sv' | 'exempted' | 'app-users'

/** A person's status, as the outputs and the report name it. The list grows; readers should accept new values. */
export type PersonStatus = 'enabled' | 'disabled' | 'not-a-member' | 'unknown' | 'exempt' | 'app' | 'atlassian-2sv'

/** Each group's people have one status. */
export const STATUS: Readonly<Record<GroupKind, PersonStatus>> = {
  'non-compliant': 'disabled',
  'not-a-member': 'not-a-member',
  unknown: 'unknown',
  'atlassian-2sv': 'atlassian-2sv',
  exempted: 'exempt',
  'app-users': 'app'
}

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
  readonly status: PersonStatus
  /** A workspace admin; null when the admins of a workspace of theirs could not be looked up. */
  readonly admin: boolean | null
  /** In repository scope, the repositories they can write to and how (sorted); empty otherwise. */
  readonly grants: readonly Grant[]
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
  /** Why the line is not applied although it names someone who fails without it; null when it is not refused. */
  readonly refused: Sentence | null
  /** It names only members the repository scope does not judge. */
  readonly outOfScope: boolean
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
  /** People judged: every member, or who the repository scope names (app users excluded). */
  readonly people: number
  readonly outOfScope: number
  readonly enabled: number
  /** People without 2FA, and people not in the member listing: `non-compliant-count`. */
  readonly nonCompliant: number
  readonly notAMember: number
  readonly unknown: number
  /** Workspace admins in scope; null when not known. */
  readonly admins: number | null
  /** Admins among the people who fail the gate; null when admins are not known. */
  readonly unprovenAdmins: number | null
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
  /** The repositories of the repository scope, as `workspace/slug`, for the private command; default none. */
  readonly repositories?: readonly string[]
  /** The run's page, for text read outside the run (the tracking issue); null elsewhere. */
  readonly runUrl?: string | null
  /** How to see withheld names, when the door has its own way (the CLI: the same command without --redact). */
  readonly privateWay?: Sentence
}

const TITLES: Readonly<Record<GroupKind, string>> = {
  'non-compliant': 'Without two-factor authentication',
  'not-a-member': 'Not in the member listing',
  unknown: 'Unknown: Bitbucket did not say',
  'atlassian-2sv': 'Protected by Atlassian-account two-step verification',
  exempted: 'Exempted',
  'app-users': 'App users'
}

export function present(verdict: Verdict, view: View): Presentation {
  const redact = view.withhold !== null
  const asked = verdict.secondSource !== null && verdict.secondSource.warning === null
  const person = (account: AccountRecord, kind: GroupKind): Person => ({
    account,
    id: account.accountId ?? account.uuid,
    status: STATUS[kind],
    admin: account.admin,
    grants: account.grants,
    secondFactor: asked ? (account.secondFactor ?? 'unknown') : null,
    exemption: null
  })
  const sorted = (accounts: readonly AccountRecord[], kind: GroupKind): Person[] => [...accounts].sort(adminsFirst).map((a) => person(a, kind))
  const exempted: Person[] = [...verdict.exempted]
    .sort((a, b) => adminsFirst(a.account, b.account))
    .map(({ account, exemptions, until }) => ({
      ...person(account, 'exempted'),
      exemption: { lines: exemptions, until, reasons: exemptions.map((e) => e.reason).filter((reason) => reason !== '') }
    }))
  const groups: Group[] = [
    group('non-compliant', sorted(verdict.nonCompliant, 'non-compliant'), null, asked),
    group(
      'not-a-member',
      sorted(verdict.notAMember, 'not-a-member'),
      say`The admin or repository listings name them, but no member listing does, so the gate cannot see their Bitbucket 2FA flag: they fail unless an exemption or accepted Atlassian-account 2SV covers them, whatever ${code('fail-on-unknown')} says.`,
      asked
    ),
    group(
      'unknown',
      sorted(verdict.unknown, 'unknown'),
      verdict.failOnUnknown
        ? say`Bitbucket sent \`null\` or nothing for their flag; an unknown flag fails the gate.`
        : say`Bitbucket sent \`null\` or nothing for their flag; ${valueOf('fail-on-unknown', 'false')} lets them pass.`,
      asked
    ),
    group(
      'atlassian-2sv',
      sorted(verdict.atlassian2sv, 'atlassian-2sv'),
      say`Bitbucket does not prove them, and the organization reports two-step verification on their managed Atlassian account; ${valueOf('accept-atlassian-2sv', 'true')} lets them pass.`,
      asked
    ),
    group('exempted', exempted, null, false),
    group('app-users', sorted(verdict.appUsers, 'app-users'), say`Bots and integrations: two-step verification does not apply to them.`, false)
  ].filter((g) => g.people.length > 0)
  // Admins first, then people without 2FA, then those outside the member listing, then the unknowns
  // that fail: the annotation's ten names start with the costliest and clearest cases.
  const rank = (p: Person): number => FAILING_ORDER.indexOf(p.status)
  const failing = failingAccounts(verdict)
    .map((account) => person(account, !account.listed ? 'not-a-member' : account.twoFactor === 'disabled' ? 'non-compliant' : 'unknown'))
    .sort((a, b) => Number(b.admin === true) - Number(a.admin === true) || rank(a) - rank(b) || byName(a.account, b.account))
  const unprovenAdmins = verdict.adminCount === null ? null : failing.filter((p) => p.admin === true).length
  const describe = (e: Exemption): Sentence => (redact ? say`${code('exempt')} line ${e.line}` : say`${code('exempt')} line ${e.line} (\`${e.id}\`)`)
  return {
    compliant: verdict.compliant,
    headline: headline(verdict, view.failOnViolation, redact ? null : unprovenAdmins),
    scope: scopeSentence(verdict),
    scopeKind: verdict.scope.kind,
    repositories: verdict.scope.repositories.map((r) => r.fullName),
    coverage: COVERAGE,
    workspaces: verdict.workspaces,
    notAMemberColumn: verdict.workspaces.some((w) => w.notAMember > 0),
    outOfScopeColumn: verdict.scope.kind === 'repository',
    adminColumn: verdict.adminsLookedUp,
    atlassianColumn: verdict.secondSource?.accepted === true,
    organization: organizationNote(verdict, redact),
    admins: adminsUnknownNote(verdict, redact, describe),
    withheld: view.withhold === null ? null : { because: view.withhold, note: withheldNote(view.withhold, view) },
    groups,
    findings: exemptionFindings(verdict, describe, redact),
    warnings: warnings(verdict, redact, describe),
    rest: restOf(view, redact),
    fix: fixAdvice(verdict, redact),
    cost: costLine(verdict),
    failing,
    exemptionLines: exemptionLines(verdict),
    enabled: verdict.enabled,
    enabledAdmin: (uuid) => (verdict.adminUuids.has(uuid) ? true : !verdict.adminsLookedUp || verdict.adminsUnknown !== null ? null : false),
    enabledGrants: verdict.enabledGrants,
    totals: {
      members: verdict.memberCount,
      people: verdict.inScopeCount,
      outOfScope: verdict.outOfScopeCount,
      enabled: verdict.enabledCount,
      nonCompliant: verdict.nonCompliant.length + verdict.notAMember.length,
      notAMember: verdict.notAMember.length,
      unknown: verdict.unknown.length,
      admins: verdict.adminCount,
      unprovenAdmins,
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
  const unneeded = new Set<Exemption>([...verdict.unneededExemptions, ...verdict.outOfScopeExemptions])
  const outOfScope = new Set<Exemption>(verdict.outOfScopeExemptions)
  const refused = new Map(verdict.refusedExemptions.map((r) => [r.exemption, r.workspaces]))
  const all = [...verdict.matchedExemptions, ...verdict.expiredExemptions, ...verdict.unmatchedExemptions.map((u) => u.exemption)]
  return [...new Set(all)]
    .sort((a, b) => a.line - b.line)
    .map((exemption) => ({
      exemption,
      matched: matched.has(exemption),
      expired: expired.has(exemption),
      needed: matched.has(exemption) && !expired.has(exemption) && !unneeded.has(exemption) && !refused.has(exemption),
      refused: refusalOf(refused.get(exemption)),
      outOfScope: outOfScope.has(exemption)
    }))
}

function refusalOf(workspaces: readonly string[] | undefined): Sentence | null {
  if (workspaces === undefined) return null
  return say`It names an admin of ${workspaces.join(', ')} without proven 2FA; ${valueOf('allow-admin-exemptions', 'false')} refuses exemptions for workspace admins.`
}

/** The people who fail the gate: without 2FA, not in the member listing, and unknown when unknown flags fail it (the tracking issue follows them). */
export function failingAccounts(verdict: Verdict): AccountRecord[] {
  return [...verdict.nonCompliant, ...verdict.notAMember, ...(verdict.failOnUnknown ? verdict.unknown : [])]
}

/** The order of the people who fail, after admins: the clearest case first. */
const FAILING_ORDER: readonly PersonStatus[] = ['disabled', 'not-a-member', 'unknown']

const COVERAGE = say`What 2FA covers: Bitbucket's two-step verification guards signing in to Bitbucket on the web; API tokens, access tokens, SSH keys and app passwords do not ask for a second factor. A compliant verdict proves that every person in scope has two-step verification on, not that every credential they hold is protected.`

/** Who was judged: "everyone who can write to acme/app and acme/infra: 14 people, of them 3 admins; 86 other members out of scope". */
function scopeSentence(verdict: Verdict): Sentence {
  const names = (items: readonly string[]): string => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1) ?? ''}`)
  const who =
    verdict.scope.kind === 'repository'
      ? `Everyone who can write to ${names(verdict.scope.repositories.map((r) => r.fullName))}, and every admin of ${names([...new Set(verdict.scope.repositories.map((r) => r.workspace))])}`
      : `Every member and admin of ${names(verdict.workspaces.map((w) => w.workspace))}`
  const admins = verdict.adminCount === null ? ' (admins could not be looked up)' : `, of them ${plural(verdict.adminCount, 'admin')}`
  const apps =
    verdict.appUsers.length === 0
      ? ''
      : `; ${plural(verdict.appUsers.length, 'app user')}${verdict.scope.kind === 'repository' ? ' with write access' : ''} (app users never fail)`
  const out = verdict.scope.kind === 'repository' ? `; ${plural(verdict.outOfScopeCount, 'other member')} out of scope` : ''
  const widened =
    verdict.scope.widened.length === 0
      ? ''
      : ` The admins of ${names(verdict.scope.widened)} could not be looked up, and any member may be one, so every member of ${names(verdict.scope.widened)} is judged.`
  return say`${who}: ${plural(verdict.inScopeCount, 'person', 'people')}${admins}${apps}${out}.${widened}`
}

function group(kind: GroupKind, people: readonly Person[], note: Sentence | null, secondFactorColumn: boolean): Group {
  return { kind, title: TITLES[kind], note, people, secondFactorColumn }
}

/** `unprovenAdmins`: how many who fail are admins, said after the counts; null to say nothing (withheld, or not known). */
function headline(verdict: Verdict, failOnViolation: boolean, unprovenAdmins: number | null): Sentence {
  const people = plural(verdict.inScopeCount, 'person', 'people')
  if (verdict.compliant) {
    const viaAtlassian = verdict.atlassian2sv.length > 0 ? ` (${count(verdict.atlassian2sv.length)} through Atlassian-account 2SV)` : ''
    // "all 1 person have" reads wrong: one person is "the 1 person", who "has".
    const head =
      verdict.inScopeCount === 1
        ? `the 1 person has two-factor authentication or an exemption${viaAtlassian}`
        : `all ${people} have two-factor authentication or an exemption${viaAtlassian}`
    return verdict.unknown.length > 0 ? say`${head}; ${count(verdict.unknown.length)} unknown, allowed by ${valueOf('fail-on-unknown', 'false')}` : say`${head}`
  }
  const parts: string[] = []
  if (verdict.nonCompliant.length > 0) parts.push(`${count(verdict.nonCompliant.length)} without two-factor authentication`)
  if (verdict.notAMember.length > 0) parts.push(`${count(verdict.notAMember.length)} not in the member listing`)
  if (verdict.unknown.length > 0 && verdict.failOnUnknown) parts.push(`${count(verdict.unknown.length)} unknown`)
  const admins =
    unprovenAdmins === null
      ? ''
      : unprovenAdmins === 0
        ? '; none of them an admin'
        : `; ${unprovenAdmins === 1 ? '1 of them an admin' : `${count(unprovenAdmins)} of them admins`}`
  // "1 not in the member listing of 5 people" would read as a listing of five: a comma keeps the count apart.
  const of = parts.at(-1)?.endsWith('member listing') === true ? ', of' : ' of'
  const head = `${parts.join(', ')}${of} ${people}${admins}`
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
  return where.concat(' ', view.privateWay ?? privateAdvice(view.release, view.workspaces, 'names', view.repositories ?? []))
}

/** Where every person is: the report file when it lists them (names shown), else the CLI on the admin's own machine. */
function restOf(view: View, redact: boolean): Sentence {
  const run = view.runUrl ? ` of the run ${view.runUrl}` : ''
  if (view.reportFile !== '' && !redact) return say`The full list is in the report file \`${view.reportFile}\`${run} (${code('report-file')}).`
  const advice = privateAdvice(view.release, view.workspaces, 'everyone', view.repositories ?? [])
  return view.runUrl ? advice.concat(` The run: ${view.runUrl}.`) : advice
}

function warnings(verdict: Verdict, redact: boolean, describe: (e: Exemption) => Sentence): Sentence[] {
  const admins = adminsUnknownNote(verdict, redact, describe)
  const list = [...refusalWarnings(verdict, redact), ...(admins === null ? [] : [admins]), ...exemptionWarnings(verdict)]
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
  const outsiders = verdict.notAMember.length > 0 ? [OUTSIDER_ADVICE] : []
  if (failing === 0) return outsiders
  const who = !redact
    ? 'Each person listed turns on'
    : failing === 1
      ? 'The person counted above turns on'
      : `The ${count(failing)} people counted above turn on`
  const advice = [new Sentence([`${who} ${TURN_ON}`]), ...outsiders]
  if (verdict.unknown.length > 0) {
    advice.push(say`If many flags are unknown, check that the token belongs to a workspace admin: only admins see the flag.`)
  }
  return advice
}

const OUTSIDER_ADVICE = say`For each person not in the member listing: add them to the workspace, so that the gate can read their flag, or remove their access to the repositories; an exemption (${code('exempt')}) can excuse them for a time, and with ${valueOf('accept-atlassian-2sv', 'true')} Atlassian-account 2SV on a managed account counts.`

function costLine(verdict: Verdict): Sentence {
  const organization = verdict.secondSource?.requests ?? 0
  const plus = organization === 0 ? '' : ` Plus ${plural(organization, 'request')} to the Atlassian organization API.`
  return say`${plural(requestsOf(verdict), 'API request')} used (Bitbucket allows ${count(HOURLY_BUDGET)} an hour per user).${plus}`
}

/** The workspace table's columns after the name, for every door: a title and the count it shows. */
export function workspaceColumns(model: Presentation): [string, (w: WorkspaceCounts) => number][] {
  return [
    ['Members', (w) => w.members],
    ['2FA on', (w) => w.enabled],
    ...(model.atlassianColumn ? [['Atlassian 2SV', (w: WorkspaceCounts) => w.atlassian2sv] as [string, (w: WorkspaceCounts) => number]] : []),
    ['Without 2FA', (w) => w.nonCompliant],
    ...(model.notAMemberColumn ? [['Not a member', (w: WorkspaceCounts) => w.notAMember] as [string, (w: WorkspaceCounts) => number]] : []),
    ['Unknown', (w) => w.unknown],
    ['Exempt', (w) => w.exempt],
    ['App users', (w) => w.appUsers],
    ...(model.outOfScopeColumn ? [['Out of scope', (w: WorkspaceCounts) => w.outOfScope] as [string, (w: WorkspaceCounts) => number]] : []),
    ['API requests', (w) => w.requests]
  ]
}

/** What Bitbucket said of an exempted person's flag; `not a member` when no member listing names them. */
export function twoFactorWord(person: Person): string {
  if (!person.account.listed) return 'not a member'
  return person.account.twoFactor === 'disabled' ? 'off' : 'unknown'
}

/** A person's admin mark in a table: `admin`, `–` for not one, `unknown` when the admins could not be looked up. */
export function adminWord(admin: boolean | null): string {
  return admin === null ? 'unknown' : admin ? 'admin' : '–'
}
