import { createHash } from 'node:crypto'
import { basename } from 'node:path'
import { escapeHidden } from '../text.js'
import type { Presentation } from './model.js'
import { TOOL_NAME, toolUri, type Policy } from './policy.js'
import { suitesOf } from './suites.js'

/** The in-toto predicate type the gate writes (spec/predicates/test-result.md of in-toto/attestation). */
export const TEST_RESULT_PREDICATE_TYPE = 'https://in-toto.io/attestation/test-result/v0.1'

/** What the predicate binds besides the verdict. */
export interface AttestationContext {
  /** Null when the run's inputs could not be read: the predicate then says FAILED without a policy. */
  readonly policy: Policy | null
  /** This release's version, as the JSON report's `tool.version` says it. */
  readonly version: string
  /** The report file written in this run (`boundReport`); null when none was written: the predicate then says FAILED. */
  readonly report: BoundReport | null
  /** The run's page (the pipeline's, in Pipelines); null when not known, and then `url` is left out. */
  readonly url: string | null
}

/** The report as the predicate binds it: the file's name and the sha256 (lowercase hex) of the text written. */
export interface BoundReport {
  readonly name: string
  readonly sha256: string
}

export function boundReport(path: string, text: string): BoundReport {
  return { name: basename(path), sha256: createHash('sha256').update(text, 'utf8').digest('hex') }
}

/**
 * The bare test-result predicate (no Statement: the signer wraps it and names the subject), as JSON text.
 * One test per workspace, or per repository in repository scope, named as `suitesOf` names them.
 *
 * It never carries a name, nickname, account id or uuid, whatever `redact` says, nor the text of an
 * exemption line (ids are in them): an attestation stored in a public repository is public and
 * permanent. The report it binds by digest holds the detail, where its reader may see it.
 *
 * `model` null is a run without a verdict: FAILED, with no tests; the configuration is still stated.
 */
export function renderAttestationPredicate(verdict: Presentation | null, context: AttestationContext): string {
  // A predicate that binds no report proves nothing: FAILED, with no tests, whatever the verdict.
  const model = context.report === null ? null : verdict
  const suites = model === null ? [] : suitesOf(model)
  const { policy } = context
  const predicate = {
    result: model?.compliant === true ? 'PASSED' : 'FAILED',
    configuration: [
      ...(policy === null ? [] : [policyDescriptor(policy)]),
      { name: TOOL_NAME, uri: toolUri(context.version) },
      ...(context.report === null ? [] : [{ name: context.report.name, digest: { sha256: context.report.sha256 } }])
    ],
    // `url` is optional in v0.1; an empty or made-up one would point a verifier nowhere.
    ...(context.url === null || context.url === '' ? {} : { url: context.url }),
    passedTests: suites.filter((s) => !s.failed).map((s) => s.id),
    failedTests: suites.filter((s) => s.failed).map((s) => s.id)
  }
  return `${escapeHidden(JSON.stringify(predicate, null, 2))}\n`
}

function policyDescriptor(policy: Policy) {
  return {
    name: 'policy',
    digest: { sha256: policy.exemptionsSha256 },
    // The ResourceDescriptor allows any JSON value here; booleans stay booleans so a policy can
    // compare them without parsing "true".
    annotations: {
      'fail-on-unknown': policy.failOnUnknown,
      'fail-on-violation': policy.failOnViolation,
      'accept-atlassian-2sv': policy.acceptAtlassian2sv,
      'allow-admin-exemptions': policy.allowAdminExemptions,
      scope: policy.scope
    }
  }
}
