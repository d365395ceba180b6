import { code, valueOf } from '../config/catalogue.js'
import { errorSentence } from '../errors.js'
import type { Exemption } from '../gate/types.js'
import type { Verdict } from '../gate/verdict.js'
import { say, type Sentence } from '../sentence.js'

/**
 * The exemption lines an admin should act on or tidy, in one order and one wording for every door:
 * those that end soon, have expired, match nobody (a nickname said so), are not needed, and those that
 * another line outlasts. `describe` names a line (`exempt` line 3, with its id unless names are withheld).
 */
export function exemptionFindings(verdict: Verdict, describe: (exemption: Exemption) => Sentence, redact = false): Sentence[] {
  return [
    ...verdict.expiringExemptions.map((e) => say`${describe(e)} ends on ${e.until ?? ''}: after that the gate fails for that person.`),
    ...verdict.lapsedExemptions.map((e) => say`${describe(e)} expired on ${e.until ?? ''} and no longer applies.`),
    ...verdict.unmatchedExemptions.map(({ exemption, isNickname }) =>
      isNickname
        ? say`${describe(exemption)} matches no member: it is a nickname, and nicknames are not identities. Use the account_id or {uuid}.`
        : say`${describe(exemption)} matches no member.`
    ),
    ...(redact
      ? refusedCount(verdict)
      : verdict.refusedExemptions.map(
          ({ exemption, workspaces }) =>
            say`${describe(exemption)} is refused: it names an admin of ${workspaces.join(', ')}, and an exemption does not excuse a workspace admin unless ${valueOf('allow-admin-exemptions', 'true')}.`
        )),
    ...verdict.outOfScopeExemptions.map((e) => say`${describe(e)} is not needed in this scope: the member it names cannot write to the repositories.`),
    ...verdict.unneededExemptions.map(
      (e) => say`${describe(e)} is not needed: that account has 2FA on, is an app user, or passes by accepted Atlassian-account 2SV.`
    ),
    ...verdict.supersededExemptions.map(({ exemption, expired, by }) => {
      const keeps = `line ${by.line} keeps that person exempt ${by.until === null ? 'with no end' : `until ${by.until}`}`
      return expired
        ? say`${describe(exemption)} expired on ${exemption.until ?? ''}; ${keeps}: remove line ${exemption.line}.`
        : say`${describe(exemption)} ends on ${exemption.until ?? ''}, but ${keeps}: nothing changes for the gate then.`
    })
  ]
}

/**
 * Warnings about `exempt` lines: ending soon, expired, matching nobody. They name only what the admin
 * wrote (a line number). A line another line in force outlasts for the same person changes nothing
 * for the gate when it ends, so it is no warning: the findings list it to tidy.
 */
export function exemptionWarnings(verdict: Verdict): Sentence[] {
  return [
    ...verdict.expiringExemptions.map(
      (e) => say`Exemption on ${code('exempt')} line ${e.line} ends on ${e.until ?? ''}: after that the gate fails for that person unless they turn on 2FA.`
    ),
    ...verdict.lapsedExemptions.map((e) => say`Exemption on ${code('exempt')} line ${e.line} expired on ${e.until ?? ''} and no longer applies.`),
    ...verdict.unmatchedExemptions.map(
      ({ exemption }) => say`Exemption on ${code('exempt')} line ${exemption.line} matches no member's account_id or {uuid}; remove it or fix the id.`
    )
  ]
}

/**
 * With names withheld, refused lines are only counted: a line number points into the `exempt` input,
 * often in a public workflow file, and would say which account is an admin without 2FA.
 */
function refusedCount(verdict: Verdict): Sentence[] {
  const refused = verdict.refusedExemptions.length
  if (refused === 0) return []
  const lines = refused === 1 ? '1 exemption line is refused: it names a workspace admin' : `${refused} exemption lines are refused: they name workspace admins`
  return [
    say`${lines}, and an exemption does not excuse a workspace admin unless ${valueOf('allow-admin-exemptions', 'true')}. Which ${refused === 1 ? 'line' : 'lines'} is withheld with the names.`
  ]
}

/** Warnings about lines refused because they name a workspace admin (counted only when names are withheld). */
export function refusalWarnings(verdict: Verdict, redact = false): Sentence[] {
  if (redact) return refusedCount(verdict)
  return verdict.refusedExemptions.map(
    ({ exemption }) =>
      say`Exemption on ${code('exempt')} line ${exemption.line} names a workspace admin and is not applied: set ${valueOf('allow-admin-exemptions', 'true')} to let it excuse an admin.`
  )
}

/**
 * When some workspace's admins could not be looked up: why, what the verdict stands on, and the lines
 * in force that may be excusing an admin; null when every workspace's admins are known.
 */
export function adminsUnknownNote(verdict: Verdict, redact: boolean, describe: (exemption: Exemption) => Sentence): Sentence | null {
  const unknown = verdict.adminsUnknown
  if (unknown === null) return null
  const workspaces = unknown.workspaces.map((w) => `"${w.workspace}"`).join(', ')
  let note = say`The admins of workspace ${workspaces} could not be looked up, so nobody there is marked as an admin and the verdict stands on the member listing:`
  for (const { reason } of unknown.workspaces) note = note.concat(' ', errorSentence(reason, redact))
  const [first, ...rest] = unknown.lines
  if (first === undefined) return note
  if (redact) {
    const count = unknown.lines.length === 1 ? '1 exemption line in force' : `${unknown.lines.length} exemption lines in force`
    return note.concat(' ', say`${count} may be excusing an admin; which is withheld with the names: check them privately.`)
  }
  const lines = rest.reduce((all, line) => all.concat(', ', describe(line)), describe(first))
  return note.concat(' ', say`Exemptions in force may be excusing an admin: ${lines}; check them.`)
}
