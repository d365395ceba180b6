import { createHash } from 'node:crypto'
import type { Options } from '../config/options.js'
import type { Exemption } from '../gate/types.js'

/** The package the gate is published as: the JSON report's `tool.name`, the predicate's tool descriptor. */
export const TOOL_NAME = 'bitbucket-2fa-gate'

/**
 * The package URL of this release (`pkg:npm/bitbucket-2fa-gate@1.2.3`). The version is percent-encoded as
 * the purl specification asks, so build metadata (`1.2.3+abc`) reads `1.2.3%2Babc`.
 */
export function toolUri(version: string): string {
  return `pkg:npm/${TOOL_NAME}@${encodeURIComponent(version)}`
}

/**
 * The settings that decide a verdict, as the JSON report and the attestation predicate state them: a
 * verifier who knows the expected policy compares these, not the workflow file. It holds no person's id:
 * the exemptions appear only as a digest (an attestation is public and permanent; the ids are in the lines).
 */
export interface Policy {
  /** sha256 (lowercase hex) of the normalised exemption lines: see `normalisedExemptions`. */
  readonly exemptionsSha256: string
  /** `fail-on-unknown`. */
  readonly failOnUnknown: boolean
  /** `fail-on-violation`: false makes the gate report only; the verdict itself does not change. */
  readonly failOnViolation: boolean
  /** `accept-atlassian-2sv`: false also when no organization is given (nothing is accepted then). */
  readonly acceptAtlassian2sv: boolean
  /** `allow-admin-exemptions`. */
  readonly allowAdminExemptions: boolean
  /** `workspace:acme,workspace:beta` or `repository:acme/app,repository:acme/infra`: sorted, without duplicates. */
  readonly scope: string
}

/** The policy of a run. `failOnViolation` is the door's setting, not the engine's, so it is passed in. */
export function policyOf(options: Options, failOnViolation: boolean): Policy {
  const repositories = options.repositories ?? []
  const scope = repositories.length > 0 ? repositories.map((r) => `repository:${r.fullName}`) : options.workspaces.map((workspace) => `workspace:${workspace}`)
  return {
    exemptionsSha256: createHash('sha256').update(normalisedExemptions(options.exemptions), 'utf8').digest('hex'),
    failOnUnknown: options.failOnUnknown,
    failOnViolation,
    acceptAtlassian2sv: options.atlassian?.accept === true,
    allowAdminExemptions: options.allowAdminExemptions ?? false,
    scope: sortedUnique(scope).join(',')
  }
}

/**
 * The exemption lines in a canonical form, so that the digest changes exactly when who is exempt, until
 * when, or why changes, and never with the way the lines are written:
 *
 * - each parsed line becomes the JSON array `[id_kind, id, until, reason]`, written as JSON.stringify
 *   writes it (RFC 8785 for strings: no spaces, `until` `null` when the line has no end). The fields are
 *   as parsed: a uuid lower-cased, an account id as written, the reason trimmed (after the first `#`,
 *   `""` when there is none);
 * - the lines are sorted by UTF-16 code units (`LC_ALL=C sort` gives the same order: the ids are ASCII
 *   and unique, so two lines always differ before any other text) and duplicates dropped;
 * - they are joined by `\n`, with no `\n` at the end. No exemptions: the empty string.
 *
 * Blank lines, comment lines, spacing and line order are not in it; a line's number is not either. JSON
 * keeps the fields apart whatever a reason holds. docs/json-report.md shows how to recompute it.
 */
export function normalisedExemptions(exemptions: readonly Exemption[]): string {
  return sortedUnique(exemptions.map((e) => JSON.stringify([e.idKind, e.id, e.until, e.reason]))).join('\n')
}

/**
 * Sorted by code units (not the locale: an auditor's `sort` must agree), duplicates dropped. Without a
 * compare function, `Array.prototype.sort` compares strings by their UTF-16 code units.
 */
function sortedUnique(items: readonly string[]): string[] {
  return [...new Set(items)].sort()
}
