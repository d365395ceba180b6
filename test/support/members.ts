import { AccountSet, type WorkspaceListing } from '../../src/gate/accounts.js'
import { parseExemptions } from '../../src/config/exemptions.js'
import { decideCompliance, type Verdict } from '../../src/gate/verdict.js'
import type { Member } from '../../src/gate/types.js'

let counter = 0

export function member(twoFactor: Member['twoFactor'], extra: Partial<Member> = {}): Member {
  counter++
  const n = String(counter).padStart(12, '0')
  return {
    uuid: `{00000000-0000-4000-8000-${n}}`,
    accountId: `557058:${n}`,
    displayName: `Person ${counter}`,
    nickname: `p${counter}`,
    isAppUser: false,
    twoFactor,
    ...extra
  }
}

export function listing(workspace: string, members: Member[], requests = 1): WorkspaceListing {
  return { workspace, accounts: AccountSet.of(members), requests }
}

/** The error `run` throws; fails the test when it throws nothing. */
export function thrown(run: () => unknown): unknown {
  try {
    run()
  } catch (error) {
    return error
  }
  throw new Error('expected an error, but nothing was thrown')
}

/** The verdict on one workspace `acme` of these members, on 2026-11-26, unknown flags failing. */
export function verdictOf(members: Member[], exempt = ''): Verdict {
  return decideCompliance([listing('acme', members)], { exemptions: parseExemptions(exempt), today: '2026-11-26', failOnUnknown: true })
}

/** Display names that try to break a log, a workflow command, Markdown or HTML. */
export const HOSTILE_NAMES = [
  'Eve\n::error::pwned',
  '::add-mask::x',
  '%0A::warning::encoded',
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  'a | b | c',
  '[click](javascript:alert(1))',
  '**bold** _x_ `code` ~~s~~',
  'www.evil.example https://evil.example',
  '\u202eevil\u202c',
  'zero\u200bwidth\u200d',
  '&lt;b&gt; &amp;',
  '\\| escaped pipe',
  '# heading',
  '> quote',
  '- list'
]
