import { AccountSet, type WorkspaceListing } from '../../src/gate/accounts.js'
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
