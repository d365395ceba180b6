import { describe, expect, it } from 'vitest'
import { renderStepVariables } from '../../src/present/variables.js'
import { member, verdictOf } from '../support/members.js'
import { modelOf } from '../support/present.js'

describe('the step variables', () => {
  it('are the counts of the verdict, one NAME=value a line, and never a name or an id', () => {
    const off = member('disabled', { displayName: 'Zed Offline' })
    const exempt = member('disabled')
    const verdict = verdictOf([member('enabled'), off, member('unknown'), exempt, member('enabled', { isAppUser: true })], exempt.accountId ?? '')
    const text = renderStepVariables(modelOf(verdict))
    expect(text).toBe(
      [
        'BB2FA_COMPLIANT=false',
        'BB2FA_MEMBER_COUNT=5',
        'BB2FA_NON_COMPLIANT_COUNT=1',
        'BB2FA_UNKNOWN_COUNT=1',
        'BB2FA_EXEMPT_COUNT=1',
        'BB2FA_ATLASSIAN_2SV_COUNT=0',
        'BB2FA_OUT_OF_SCOPE_COUNT=0',
        'BB2FA_NOT_A_MEMBER_COUNT=0',
        ''
      ].join('\n')
    )
    for (const secret of ['Zed Offline', off.uuid, off.accountId ?? '']) expect(text).not.toContain(secret)
  })

  it('say compliant with true', () => {
    expect(renderStepVariables(modelOf(verdictOf([member('enabled')])))).toMatch(/^BB2FA_COMPLIANT=true\nBB2FA_MEMBER_COUNT=1\n/)
  })

  it('prove nothing without a verdict: false and every count empty', () => {
    expect(renderStepVariables(null)).toBe(
      'BB2FA_COMPLIANT=false\nBB2FA_MEMBER_COUNT=\nBB2FA_NON_COMPLIANT_COUNT=\nBB2FA_UNKNOWN_COUNT=\nBB2FA_EXEMPT_COUNT=\nBB2FA_ATLASSIAN_2SV_COUNT=\nBB2FA_OUT_OF_SCOPE_COUNT=\nBB2FA_NOT_A_MEMBER_COUNT=\n'
    )
  })
})
