import type { Exemption } from '../gate/types.js'
import type { Verdict } from '../gate/verdict.js'

/**
 * The exemption lines an admin should act on or tidy, in one order and one wording for every door:
 * those that end soon, have expired, match nobody (a nickname said so), are not needed, and those that
 * another line outlasts. `describe` names a line the door's way (`exempt` line 3, --exempt line 3),
 * with its id or, when names are withheld, without.
 */
export function exemptionFindings(verdict: Verdict, describe: (exemption: Exemption) => string): string[] {
  return [
    ...verdict.expiringExemptions.map((e) => `${describe(e)} ends on ${e.until ?? ''}: after that the gate fails for that person.`),
    ...verdict.lapsedExemptions.map((e) => `${describe(e)} expired on ${e.until ?? ''} and no longer applies.`),
    ...verdict.unmatchedExemptions.map(
      ({ exemption, isNickname }) =>
        `${describe(exemption)} matches no member` + (isNickname ? ': it is a nickname, and nicknames are not identities. Use the account_id or {uuid}.' : '.')
    ),
    ...verdict.unneededExemptions.map(
      (e) => `${describe(e)} is not needed: that account has 2FA on, is an app user, or passes by accepted Atlassian-account 2SV.`
    ),
    ...verdict.supersededExemptions.map(({ exemption, expired, by }) => {
      const keeps = `line ${by.line} keeps that person exempt ${by.until === null ? 'with no end' : `until ${by.until}`}`
      return expired
        ? `${describe(exemption)} expired on ${exemption.until ?? ''}; ${keeps}: remove line ${exemption.line}.`
        : `${describe(exemption)} ends on ${exemption.until ?? ''}, but ${keeps}: nothing changes for the gate then.`
    })
  ]
}
