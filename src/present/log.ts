import { ACTION_SPELLING } from '../config/spellings.js'
import type { Spelling } from '../sentence.js'
import { logSafe } from '../text.js'
import type { Person, Presentation } from './model.js'
import { count, plural } from './words.js'

/** Names the error annotation spells out; the full list is in the summary and the report. */
export const ANNOTATION_NAMES = 10

/** One person for a log line or annotation: member text made safe, never at the start of a line. */
export function personLabel(person: Person): string {
  const { account } = person
  const nickname = account.nickname === '' ? '' : ` (${logSafe(account.nickname)})`
  const secondFactor = person.secondFactor === null ? '' : `; Atlassian 2SV ${person.secondFactor}`
  const admin = person.admin === true ? '; workspace admin' : ''
  const access = person.grants.length === 0 ? '' : `; can write ${person.grants.map((g) => `${logSafe(g.repository)} (${g.permission})`).join(', ')}`
  return `${logSafe(account.displayName) || '(no name)'}${nickname} ${logSafe(person.id)}${admin}${access}${secondFactor}`
}

/** The verdict as log lines. Every line starts with the gate's own words. App users are only counted. */
export function verdictLogLines(model: Presentation, spelling: Spelling = ACTION_SPELLING): string[] {
  const lines = [
    `Scope: ${model.scope.spell(spelling)}`,
    ...model.workspaces.map(
      (w) =>
        `Workspace ${w.workspace}: ${plural(w.members, 'member')}, of them app users: ${count(w.appUsers)}; people: ${count(w.enabled)} with 2FA, ` +
        `${count(w.nonCompliant)} without, ${model.notAMemberColumn ? `${count(w.notAMember)} not a member, ` : ''}${count(w.unknown)} unknown, ${count(w.exempt)} exempt` +
        (model.atlassianColumn ? `, ${count(w.atlassian2sv)} by Atlassian 2SV` : '') +
        (model.outOfScopeColumn ? `; ${count(w.outOfScope)} out of scope` : '') +
        `; ${plural(w.requests, 'API request')}`
    )
  ]
  for (const group of model.groups) {
    if (group.kind === 'app-users') continue
    lines.push(`${group.title}: ${count(group.people.length)}${model.withheld === null ? '' : ' (names withheld)'}`)
    if (model.withheld === null) lines.push(...group.people.map((p) => `- ${personLabel(p)}`))
  }
  const listed = model.groups.some((g) => g.kind !== 'app-users')
  if (model.withheld !== null && listed) lines.push(model.withheld.note.spell(spelling))
  lines.push(model.cost.spell(spelling))
  return lines
}

/** The one error annotation for a failing verdict: the counts that fail it and up to ten names. */
export function annotationText(model: Presentation, spelling: Spelling = ACTION_SPELLING): string {
  const counts: string[] = []
  const withoutTwoFactor = model.totals.nonCompliant - model.totals.notAMember
  if (withoutTwoFactor > 0) counts.push(`${count(withoutTwoFactor)} without two-factor authentication`)
  if (model.totals.notAMember > 0) counts.push(`${count(model.totals.notAMember)} not in the member listing`)
  if (model.failOnUnknown && model.totals.unknown > 0) counts.push(`${count(model.totals.unknown)} with an unknown 2FA flag`)
  const head = `Bitbucket 2FA gate: ${counts.join(', ')}.`
  if (model.withheld !== null) return `${head} Names withheld. ${model.withheld.note.spell(spelling)}`
  const names = model.failing.slice(0, ANNOTATION_NAMES).map(personLabel).join('; ')
  const more = model.failing.length > ANNOTATION_NAMES ? ` and ${count(model.failing.length - ANNOTATION_NAMES)} more (see the job summary)` : ''
  const fix =
    withoutTwoFactor + (model.failOnUnknown ? model.totals.unknown : 0) > 0 ? " Each must turn on two-step verification in Bitbucket's personal settings." : ''
  const outsiders =
    model.totals.notAMember > 0 ? ' People not in the member listing must join the workspace (so that their flag can be read) or lose their access.' : ''
  return `${head} ${names}${more}.${fix}${outsiders}`
}
