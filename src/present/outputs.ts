import type { AccountRecord, SecondFactor } from '../gate/types.js'
import { escapeHidden } from '../text.js'
import type { Verdict } from '../gate/verdict.js'

export type OutputName =
  'compliant' | 'member-count' | 'non-compliant-count' | 'unknown-count' | 'exempt-count' | 'atlassian-2sv-count' | 'non-compliant' | 'unknown'

export type Outputs = Partial<Record<OutputName, string>>

/** A broken run proves nothing: `compliant=false`, and counts and lists empty, never a "nobody". */
export const BROKEN_RUN_OUTPUTS: Outputs = {
  compliant: 'false',
  'member-count': '',
  'non-compliant-count': '',
  'unknown-count': '',
  'exempt-count': '',
  'atlassian-2sv-count': '',
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
    // Only people who passed by it: `0` unless the organization's 2SV is accepted.
    'atlassian-2sv-count': String(verdict.atlassian2sv.length),
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
  /** Atlassian-account 2SV, where the organization was asked. */
  second_factor?: SecondFactor
}

function toJson(accounts: readonly AccountRecord[]): string {
  const people: PersonOutput[] = accounts.map((a) => ({
    uuid: a.uuid,
    account_id: a.accountId,
    display_name: a.displayName,
    nickname: a.nickname,
    workspaces: [...a.workspaces],
    ...(a.secondFactor === undefined ? {} : { second_factor: a.secondFactor })
  }))
  return escapeHidden(JSON.stringify(people))
}
