import type { Presentation } from './model.js'

/**
 * The step's output variables for Bitbucket Pipelines (`NAME=value` lines). Counts only: later steps
 * print them in their logs, so no name or id ever goes here, whatever redaction says. A run without a
 * verdict proves nothing: `BB2FA_COMPLIANT=false` and every count empty, never a zero.
 */
export const STEP_VARIABLES = [
  'BB2FA_COMPLIANT',
  'BB2FA_MEMBER_COUNT',
  'BB2FA_NON_COMPLIANT_COUNT',
  'BB2FA_UNKNOWN_COUNT',
  'BB2FA_EXEMPT_COUNT',
  'BB2FA_ATLASSIAN_2SV_COUNT',
  'BB2FA_OUT_OF_SCOPE_COUNT',
  'BB2FA_NOT_A_MEMBER_COUNT'
] as const

export type StepVariable = (typeof STEP_VARIABLES)[number]

export function renderStepVariables(model: Presentation | null): string {
  const values: Record<StepVariable, string> =
    model === null
      ? (Object.fromEntries(STEP_VARIABLES.map((name) => [name, name === 'BB2FA_COMPLIANT' ? 'false' : ''])) as Record<StepVariable, string>)
      : {
          BB2FA_COMPLIANT: String(model.compliant),
          BB2FA_MEMBER_COUNT: String(model.totals.members),
          // As `non-compliant-count`: without 2FA, and not in the member listing.
          BB2FA_NON_COMPLIANT_COUNT: String(model.totals.nonCompliant),
          BB2FA_UNKNOWN_COUNT: String(model.totals.unknown),
          BB2FA_EXEMPT_COUNT: String(model.totals.exempt),
          BB2FA_ATLASSIAN_2SV_COUNT: String(model.totals.atlassian2sv),
          BB2FA_OUT_OF_SCOPE_COUNT: String(model.totals.outOfScope),
          BB2FA_NOT_A_MEMBER_COUNT: String(model.totals.notAMember)
        }
  return STEP_VARIABLES.map((name) => `${name}=${values[name]}\n`).join('')
}
