import { createHash } from 'node:crypto'
import { valueOf } from '../config/catalogue.js'
import { say, type Sentence, type Spelling } from '../sentence.js'
import { cleanText } from '../text.js'
import type { GroupKind, Person, Presentation } from './model.js'
import { count, plural } from './words.js'

/**
 * The Code Insights report of a verdict (Bitbucket Pipelines): one report on the commit, and one
 * annotation per person without proven 2FA. Field names are Bitbucket's (REFERENCE.md, Pipelines), so
 * the publisher sends these objects as they are. Reports are visible to everyone who can read the
 * repository: when names are withheld, the report gives counts only and there are no annotations.
 */

export type InsightsResult = 'PASSED' | 'FAILED'

export type InsightsDataItem =
  | { readonly title: string; readonly type: 'BOOLEAN'; readonly value: boolean }
  /** ms since the epoch. */
  | { readonly title: string; readonly type: 'DATE'; readonly value: number }
  | { readonly title: string; readonly type: 'NUMBER'; readonly value: number }
  | { readonly title: string; readonly type: 'TEXT'; readonly value: string }

export interface InsightsReport {
  readonly title: string
  /** The verdict in a sentence, and what is not shown and where it is. */
  readonly details: string
  readonly report_type: 'SECURITY'
  readonly reporter: string
  /** PASSED only for a compliant verdict. */
  readonly result: InsightsResult
  /** At most MAX_DATA_ITEMS. */
  readonly data: readonly InsightsDataItem[]
  /** The run's page, when the door knows it. */
  readonly link?: string
}

export type InsightsSeverity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW'

export interface InsightsAnnotation {
  /** `bb2fa-` and 16 hex characters of sha256 of the uuid: stable across runs, unique per person. */
  readonly external_id: string
  readonly annotation_type: 'VULNERABILITY'
  readonly severity: InsightsSeverity
  /** FAILED for someone who fails the gate; IGNORED for an unknown flag that the settings let pass. */
  readonly result: 'FAILED' | 'IGNORED'
  readonly summary: string
  readonly details: string
}

export interface InsightsContent {
  readonly report: InsightsReport
  /** In the model's order, at most MAX_ANNOTATIONS; empty when names are withheld. */
  readonly annotations: readonly InsightsAnnotation[]
}

export interface InsightsContext {
  readonly generatedAt: Date
  /** The door's spelling of the inputs a sentence names. */
  readonly spell: Spelling
  /** The run's page, for the report's link; null or absent for none. */
  readonly link?: string | null
}

export const INSIGHTS_TITLE = 'Two-factor authentication'
export const INSIGHTS_REPORTER = 'bitbucket-2fa-gate'
/** Bitbucket keeps at most this many annotations per report (REFERENCE.md). */
export const MAX_ANNOTATIONS = 1000
/** Bitbucket takes at most this many data items per report (REFERENCE.md). */
export const MAX_DATA_ITEMS = 10
/**
 * Bitbucket refuses a longer annotation summary ("The summary field cannot contain more than 450
 * characters", seen in public reports; REFERENCE.md gives no limits). Counted in UTF-16 units, which is
 * the shorter reading of "characters" whatever the server counts.
 */
export const MAX_SUMMARY = 450
/**
 * The limit of `details` (report and annotation) is not documented anywhere we found: 2,000 is a guess
 * kept well below any limit seen for other Bitbucket text fields, so a long verdict is cut, never refused.
 */
export const MAX_DETAILS = 2000

/** The report and annotations of a verdict. Pure: the same model and context give the same content. */
export function renderInsights(model: Presentation, context: InsightsContext): InsightsContent {
  const spell = context.spell
  const unproven = annotatedPeople(model)
  const annotated = model.redact ? [] : unproven
  const shown = annotated.slice(0, MAX_ANNOTATIONS)
  const hidden = annotated.length - shown.length
  // The "how many more" note goes in the report's details, not on the 1,000th annotation: the report is
  // what a reader opens first, while the order Bitbucket lists annotations in is not documented, so a
  // note on the last one sent could be anywhere in the list.
  const more =
    hidden === 0
      ? []
      : [
          `${plural(hidden, 'more person', 'more people')} without proven two-factor authentication ${hidden === 1 ? 'is' : 'are'} not shown as annotations (Bitbucket keeps ${count(MAX_ANNOTATIONS)} a report).`,
          model.rest.spell(spell)
        ]
  const details = [
    sentenceText(model.headline, spell),
    ...more,
    // Why nobody is named and how to see them privately; said only when someone would have been.
    ...optional(unproven.length === 0 ? null : model.withheld?.note, spell),
    ...optional(model.admins, spell),
    ...optional(model.organization, spell)
  ].join(' ')
  return {
    report: report(model.compliant ? 'PASSED' : 'FAILED', details, dataItems(model, context.generatedAt), context.link),
    annotations: shown.map(({ person, fails }) => annotation(model, person, fails, spell))
  }
}

/** The report of a run that reached no verdict: FAILED, with why, and nobody named (never a partial list). */
export function renderInsightsError(message: string, context: { readonly generatedAt: Date; readonly link?: string | null }): InsightsContent {
  const data: InsightsDataItem[] = [
    { title: 'Safe to release', type: 'BOOLEAN', value: false },
    { title: 'Checked at', type: 'DATE', value: context.generatedAt.getTime() }
  ]
  return { report: report('FAILED', `No verdict: the gate could not finish. ${message}`, data, context.link), annotations: [] }
}

function report(result: InsightsResult, details: string, data: readonly InsightsDataItem[], link: string | null | undefined): InsightsReport {
  return {
    title: INSIGHTS_TITLE,
    details: capText(cleanText(details, Number.MAX_SAFE_INTEGER), MAX_DETAILS),
    report_type: 'SECURITY',
    reporter: INSIGHTS_REPORTER,
    result,
    data,
    ...(link === undefined || link === null || link === '' ? {} : { link })
  }
}

interface Annotated {
  readonly person: Person
  /** Fails the gate; false for an unknown flag that `fail-on-unknown: false` lets pass. */
  readonly fails: boolean
}

/** Everyone without proven 2FA, in the model's order: those who fail, then the unknowns let through. */
function annotatedPeople(model: Presentation): Annotated[] {
  const allowed = model.failOnUnknown ? [] : (model.groups.find((g) => g.kind === 'unknown')?.people ?? [])
  const seen = new Set<string>()
  // One annotation per uuid: Bitbucket's external ids are unique in a report, and the model never lists
  // one person twice here, so this only guards the id.
  return [...model.failing.map((person) => ({ person, fails: true })), ...allowed.map((person) => ({ person, fails: false }))].filter(({ person }) => {
    if (seen.has(person.account.uuid)) return false
    seen.add(person.account.uuid)
    return true
  })
}

/** The external id of a person's annotation: derived from the uuid, so a re-run updates the same one. */
export function annotationId(uuid: string): string {
  return `bb2fa-${createHash('sha256').update(uuid, 'utf8').digest('hex').slice(0, 16)}`
}

/** What is wrong, as the summary says it after the name. */
const WRONG: Readonly<Record<'disabled' | 'not-a-member' | 'unknown', string>> = {
  disabled: 'has no two-factor authentication',
  'not-a-member': 'is in no member listing, so their two-factor authentication cannot be checked',
  unknown: 'has an unknown two-factor authentication flag'
}

/** Which group's note explains a status (the model's words, said once). */
const GROUP_OF: Readonly<Record<'disabled' | 'not-a-member' | 'unknown', GroupKind>> = {
  disabled: 'non-compliant',
  'not-a-member': 'not-a-member',
  unknown: 'unknown'
}

const TURN_ON =
  'To fix: turn on two-step verification in Bitbucket (avatar → Personal settings → Two-step verification), then run the gate again; ' +
  "Atlassian-account 2SV or SSO do not set Bitbucket's flag."

const JOIN_OR_LEAVE = 'To fix: add them to the workspace, so that their flag can be read, or remove their access to the repositories.'

const CHECK_TOKEN =
  "To fix: only a workspace admin's token sees the flag, so check that the gate's token is one; if it is, they turn on two-step verification in Bitbucket " +
  '(avatar → Personal settings → Two-step verification), then run the gate again.'

const FIX: Readonly<Record<'disabled' | 'not-a-member' | 'unknown', string>> = { disabled: TURN_ON, 'not-a-member': JOIN_OR_LEAVE, unknown: CHECK_TOKEN }

function annotation(model: Presentation, person: Person, fails: boolean, spell: Spelling): InsightsAnnotation {
  const status = person.status === 'not-a-member' || person.status === 'unknown' ? person.status : 'disabled'
  const { account } = person
  const name = cleanText(account.displayName) || '(no name)'
  const nickname = cleanText(account.nickname)
  const who = `${name}${nickname === '' ? '' : ` (@${nickname})`}${person.admin === true ? ', a workspace admin,' : ''}`
  const allowed = fails ? '' : say`; ${valueOf('fail-on-unknown', 'false')} lets them pass`.spell(spell)
  const note = model.groups.find((g) => g.kind === GROUP_OF[status])?.note ?? null
  const facts = [
    `Account ${cleanText(person.id)} in ${account.workspaces.map((w) => cleanText(w)).join(', ')}.`,
    person.admin === true ? 'A workspace admin: an unprotected admin account can change every setting and permission.' : '',
    person.grants.length === 0 ? '' : `Can write to ${person.grants.map((g) => `${cleanText(g.repository)} (${g.permission})`).join(', ')}.`,
    person.secondFactor === null ? '' : `Atlassian-account 2SV: ${person.secondFactor}.`,
    status === 'disabled' ? 'Bitbucket reports their two-step verification as off.' : note === null ? '' : sentenceText(note, spell),
    FIX[status]
  ]
  return {
    external_id: annotationId(account.uuid),
    annotation_type: 'VULNERABILITY',
    severity: person.admin === true ? 'CRITICAL' : status === 'unknown' ? 'MEDIUM' : 'HIGH',
    result: fails ? 'FAILED' : 'IGNORED',
    summary: capText(`${who} ${WRONG[status]}${allowed}`, MAX_SUMMARY),
    // cleanText folds the double space an empty fact leaves.
    details: capText(cleanText(facts.join(' '), Number.MAX_SAFE_INTEGER), MAX_DETAILS)
  }
}

/**
 * At most ten items (Bitbucket's limit), most telling first. The count of admins without 2FA is left out
 * when names are withheld: in public it narrows a target list (the JSON report withholds it too).
 */
function dataItems(model: Presentation, generatedAt: Date): InsightsDataItem[] {
  const { totals } = model
  const items: (InsightsDataItem | null)[] = [
    { title: 'Safe to release', type: 'BOOLEAN', value: model.compliant },
    { title: 'People in scope', type: 'NUMBER', value: totals.people },
    { title: 'With 2FA', type: 'NUMBER', value: totals.enabled },
    { title: 'Without 2FA', type: 'NUMBER', value: totals.nonCompliant - totals.notAMember },
    model.notAMemberColumn ? { title: 'Not in the member listing', type: 'NUMBER', value: totals.notAMember } : null,
    { title: 'Unknown 2FA flag', type: 'NUMBER', value: totals.unknown },
    { title: 'Exempt', type: 'NUMBER', value: totals.exempt },
    model.atlassianColumn ? { title: 'Atlassian 2SV', type: 'NUMBER', value: totals.atlassian2sv } : null,
    model.redact
      ? null
      : totals.unprovenAdmins === null
        ? { title: 'Admins without 2FA', type: 'TEXT', value: 'not known' }
        : { title: 'Admins without 2FA', type: 'NUMBER', value: totals.unprovenAdmins },
    { title: 'Checked at', type: 'DATE', value: generatedAt.getTime() }
  ]
  return items.filter((item): item is InsightsDataItem => item !== null)
}

/** A sentence as report text: capitalised, ending in a full stop. */
function sentenceText(sentence: Sentence, spell: Spelling): string {
  const text = sentence.spell(spell).trim()
  const capital = text.charAt(0).toUpperCase() + text.slice(1)
  return /[.!?]$/.test(capital) ? capital : `${capital}.`
}

function optional(sentence: Sentence | null | undefined, spell: Spelling): string[] {
  return sentence === null || sentence === undefined ? [] : [sentenceText(sentence, spell)]
}

/** Text cut to `max` UTF-16 units, ending in `…` when cut, never splitting a character. */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text
  let cut = ''
  for (const char of text) {
    if (cut.length + char.length > max - 1) break
    cut += char
  }
  return `${cut}…`
}
