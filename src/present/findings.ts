import { code } from '../config/catalogue.js'
import type { Exemption } from '../gate/types.js'
import type { Verdict } from '../gate/verdict.js'
import { say, type Sentence } from '../sentence.js'

/**
 * The exemption lines an admin should act on or tidy, in one order and one wording for every door:
 * those that end soon, have expired, match nobody (a nickname said so), are not needed, and those that
 * another line outlasts. `describe` names a line (`exempt` line 3, with its id unless names are withheld).
 */
export function exemptionFindings(verdict: Verdict, describe: (exemption: Exemption) => Sentence): Sentence[] {
  return [
    ...verdict.expiringExemptions.map((e) => say`${describe(e)} ends on ${e.until ?? ''}: after that the gate fails for that person.`),
    ...verdict.lapsedExemptions.map((e) => say`${describe(e)} expired on ${e.until ?? ''} and no longer applies.`),
    ...verdict.unmatchedExemptions.map(({ exemption, isNickname }) =>
      isNickname
        ? say`${describe(exemption)} matches no member: it is a nickname, and nicknames are not identities. Use the account_id or {uuid}.`
        : say`${describe(exemption)} matches no member.`
    ),
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
