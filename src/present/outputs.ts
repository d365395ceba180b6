import type { SecondFactor } from '../gate/types.js'
import { say, type Sentence } from '../sentence.js'
import { escapeHidden } from '../text.js'
import type { GroupKind, Person, PersonStatus, Presentation } from './model.js'
import { count, plural } from './words.js'

export type OutputName =
  | 'compliant'
  | 'member-count'
  | 'in-scope-count'
  | 'out-of-scope-count'
  | 'not-a-member-count'
  | 'non-compliant-count'
  | 'unknown-count'
  | 'exempt-count'
  | 'atlassian-2sv-count'
  | 'non-compliant'
  | 'unknown'

export type Outputs = Partial<Record<OutputName, string>>

/** A broken run proves nothing: `compliant=false`, and counts and lists empty, never a "nobody". */
export const BROKEN_RUN_OUTPUTS: Outputs = {
  compliant: 'false',
  'member-count': '',
  'in-scope-count': '',
  'out-of-scope-count': '',
  'not-a-member-count': '',
  'non-compliant-count': '',
  'unknown-count': '',
  'exempt-count': '',
  'atlassian-2sv-count': '',
  'non-compliant': '',
  unknown: ''
}

/**
 * GitHub keeps a step's outputs only while they total under 1,000,000 bytes. The two lists share this
 * much of it; the counts, `compliant` and `report-file` fit in the rest many times over.
 */
export const MAX_LIST_BYTES = 900_000

export interface StepOutputs {
  readonly outputs: Outputs
  /** People left out of each list to stay within GitHub's limit (the counts keep the totals). */
  readonly leftOut: { readonly nonCompliant: number; readonly unknown: number }
  /** Says how many were left out and where everyone is; null when nobody was. */
  readonly warning: Sentence | null
}

/**
 * The step's outputs: full data even when the report is redacted (later steps may need it), within
 * GitHub's limit. The lists hold the first people in the model's order; a count above a list's
 * length means the list was cut.
 */
export function buildOutputs(model: Presentation, maxListBytes = MAX_LIST_BYTES): StepOutputs {
  const peopleOf = (kinds: readonly GroupKind[]): readonly Person[] => model.groups.filter((g) => kinds.includes(g.kind)).flatMap((g) => g.people)
  // Without 2FA and not a member: one list, admins first, as the model orders each group.
  const nonCompliant = [...peopleOf(['non-compliant', 'not-a-member'])].sort((a, b) => Number(b.admin === true) - Number(a.admin === true)).map(entry)
  const unknown = peopleOf(['unknown']).map(entry)
  // Each list may take half; what one leaves unused, the other may take.
  const half = Math.floor(maxListBytes / 2)
  const nonCompliantBytes = Math.min(bytesOf(nonCompliant), half)
  const unknownList = fit(unknown, maxListBytes - nonCompliantBytes)
  const nonCompliantList = fit(nonCompliant, maxListBytes - bytesOf(unknownList.kept))
  const leftOut = { nonCompliant: nonCompliant.length - nonCompliantList.kept.length, unknown: unknown.length - unknownList.kept.length }
  const outputs: Outputs = {
    compliant: String(model.compliant),
    'member-count': String(model.totals.members),
    'in-scope-count': String(model.totals.people),
    'out-of-scope-count': String(model.totals.outOfScope),
    'not-a-member-count': String(model.totals.notAMember),
    'non-compliant-count': String(model.totals.nonCompliant),
    'unknown-count': String(model.totals.unknown),
    'exempt-count': String(model.totals.exempt),
    // Only people who passed by it: `0` unless the organization's 2SV is accepted.
    'atlassian-2sv-count': String(model.totals.atlassian2sv),
    'non-compliant': nonCompliantList.text,
    unknown: unknownList.text
  }
  return { outputs, leftOut, warning: warningOf(leftOut, model) }
}

function warningOf(leftOut: StepOutputs['leftOut'], model: Presentation): Sentence | null {
  const cut = [
    ...(leftOut.nonCompliant > 0 ? [`${count(leftOut.nonCompliant)} of the ${count(model.totals.nonCompliant)} in \`non-compliant\``] : []),
    ...(leftOut.unknown > 0 ? [`${count(leftOut.unknown)} of the ${count(model.totals.unknown)} in \`unknown\``] : [])
  ]
  if (cut.length === 0) return null
  const total = leftOut.nonCompliant + leftOut.unknown
  return say`The step's outputs stay within GitHub's limit of 1,000,000 bytes, so ${plural(total, 'person was', 'people were')} left out of the lists (${cut.join(', ')}); the counts keep the totals. ${model.rest}`
}

interface PersonOutput {
  uuid: string
  account_id: string | null
  display_name: string
  nickname: string
  workspaces: string[]
  status: PersonStatus
  /** null when the admins of a workspace of theirs could not be looked up. */
  admin: boolean | null
  /** Atlassian-account 2SV, where the organization was asked. */
  second_factor?: SecondFactor
}

/** One person as JSON text, as it stands in the list. */
function entry(person: Person): string {
  const a = person.account
  const value: PersonOutput = {
    uuid: a.uuid,
    account_id: a.accountId,
    display_name: a.displayName,
    nickname: a.nickname,
    workspaces: [...a.workspaces],
    status: person.status,
    admin: person.admin,
    ...(a.secondFactor === undefined ? {} : { second_factor: a.secondFactor })
  }
  return escapeHidden(JSON.stringify(value))
}

function bytesOf(entries: readonly string[]): number {
  return entries.reduce((sum, e) => sum + Buffer.byteLength(e, 'utf8') + 1, 1)
}

/** The longest head of the list whose JSON array fits in `maxBytes`. */
function fit(entries: readonly string[], maxBytes: number): { kept: string[]; text: string } {
  const kept: string[] = []
  let bytes = 2
  for (const e of entries) {
    const next = bytes + Buffer.byteLength(e, 'utf8') + (kept.length === 0 ? 0 : 1)
    if (next > maxBytes) break
    kept.push(e)
    bytes = next
  }
  return { kept, text: `[${kept.join(',')}]` }
}
