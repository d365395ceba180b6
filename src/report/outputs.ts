import type { AccountRecord } from '../model.js'
import { INVISIBLE_SOURCE } from '../text.js'
import type { Verdict } from '../verdict.js'

export type OutputName =
  | 'compliant'
  | 'member-count'
  | 'non-compliant-count'
  | 'unknown-count'
  | 'exempt-count'
  | 'non-compliant'
  | 'unknown'

export type Outputs = Partial<Record<OutputName, string>>

/** A broken run proves nothing: `compliant=false`, and counts and lists empty, never a "nobody". */
export const BROKEN_RUN_OUTPUTS: Outputs = {
  compliant: 'false',
  'member-count': '',
  'non-compliant-count': '',
  'unknown-count': '',
  'exempt-count': '',
  'non-compliant': '',
  unknown: ''
}

/** The step's outputs, full data even when the report is redacted (later steps may need it). */
export function buildOutputs(verdict: Verdict): Outputs {
  return {
    compliant: String(verdict.compliant),
    'member-count': String(verdict.memberCount),
    'non-compliant-count': String(verdict.nonCompliant.length),
    'unknown-count': String(verdict.unknown.length),
    'exempt-count': String(verdict.exempted.length),
    'non-compliant': toJson(verdict.nonCompliant),
    unknown: toJson(verdict.unknown)
  }
}

interface PersonOutput {
  uuid: string
  account_id: string | null
  display_name: string
  nickname: string
  workspaces: string[]
}

function toJson(accounts: readonly AccountRecord[]): string {
  const people: PersonOutput[] = accounts.map((a) => ({
    uuid: a.uuid,
    account_id: a.accountId,
    display_name: a.displayName,
    nickname: a.nickname,
    workspaces: [...a.workspaces]
  }))
  return escapeHidden(JSON.stringify(people))
}

/**
 * The raw values stay, but every character that shows nothing (see text.ts) and U+2028/U+2029 (which
 * JSON.stringify leaves raw) is written as a `\uXXXX` escape: a reader of the outputs sees each one, and
 * the outputs file stays one line a value. Astral characters become their surrogate pair, as JSON does.
 */
export function escapeHidden(json: string): string {
  return json.replace(HIDDEN, (char) =>
    Array.from({ length: char.length }, (_, i) => `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`).join('')
  )
}

const HIDDEN = new RegExp(`${INVISIBLE_SOURCE}|[\u2028\u2029]`, 'gu')
