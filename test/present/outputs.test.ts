import { describe, expect, it } from 'vitest'
import { BROKEN_RUN_OUTPUTS } from '../../src/present/outputs.js'
import { outputsOf } from '../support/present.js'
import { member, verdictOf } from '../support/members.js'

describe('buildOutputs', () => {
  it('gives counts and JSON lists with full data', () => {
    const bad = member('disabled', { displayName: 'Zoë\u2028<b>' })
    const outputs = outputsOf(verdictOf([member('enabled'), bad, member('unknown')]))
    expect(outputs).toMatchObject({
      compliant: 'false',
      'member-count': '3',
      'non-compliant-count': '1',
      'unknown-count': '1',
      'exempt-count': '0',
      'atlassian-2sv-count': '0'
    })
    expect(outputs['non-compliant']).not.toContain('\u2028')
    expect(outputs['non-compliant']).toContain('Zoë\\u2028<b>')
    expect(JSON.parse(outputs['non-compliant']!)).toEqual([
      { uuid: bad.uuid, account_id: bad.accountId, display_name: 'Zoë\u2028<b>', nickname: bad.nickname, workspaces: ['acme'] }
    ])
  })
})

describe('outputs keep raw names with invisible characters visible as escapes', () => {
  it('writes U+2066 and tag characters as \\u escapes', () => {
    const bad = member('disabled', { displayName: 'Ad\u2066min\u{E0041}' })
    const json = outputsOf(verdictOf([member('enabled'), bad]))['non-compliant']!
    expect(json).toContain('"display_name":"Ad\\u2066min\\udb40\\udc41"')
    expect((JSON.parse(json) as { display_name: string }[])[0]!.display_name).toBe('Ad\u2066min\u{E0041}')
  })
})

describe('BROKEN_RUN_OUTPUTS', () => {
  it('sets every output, with compliant=false and nothing that reads as a count', () => {
    expect(BROKEN_RUN_OUTPUTS).toEqual({
      compliant: 'false',
      'member-count': '',
      'non-compliant-count': '',
      'unknown-count': '',
      'exempt-count': '',
      'atlassian-2sv-count': '',
      'non-compliant': '',
      unknown: ''
    })
  })
})
