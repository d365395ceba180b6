import { describe, expect, it } from 'vitest'
import { BROKEN_RUN_OUTPUTS, buildOutputs } from '../../src/present/outputs.js'
import { modelOf, outputsOf } from '../support/present.js'
import { member, verdictOf } from '../support/members.js'

describe('buildOutputs', () => {
  it('gives counts and JSON lists with full data', () => {
    const bad = member('disabled', { displayName: 'Zoë\u2028<b>' })
    const outputs = outputsOf(verdictOf([member('enabled'), bad, member('unknown')]))
    expect(outputs).toMatchObject({
      compliant: 'false',
      'member-count': '3',
      'in-scope-count': '3',
      'out-of-scope-count': '0',
      'not-a-member-count': '0',
      'non-compliant-count': '1',
      'unknown-count': '1',
      'exempt-count': '0',
      'atlassian-2sv-count': '0'
    })
    expect(outputs['non-compliant']).not.toContain('\u2028')
    expect(outputs['non-compliant']).toContain('Zoë\\u2028<b>')
    expect(JSON.parse(outputs['non-compliant']!)).toEqual([
      // Admins were not looked up in this verdict: `admin` is null, never a guessed false.
      { uuid: bad.uuid, account_id: bad.accountId, display_name: 'Zoë\u2028<b>', nickname: bad.nickname, workspaces: ['acme'], status: 'disabled', admin: null }
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
      'in-scope-count': '',
      'out-of-scope-count': '',
      'not-a-member-count': '',
      'non-compliant-count': '',
      'unknown-count': '',
      'exempt-count': '',
      'atlassian-2sv-count': '',
      'non-compliant': '',
      unknown: ''
    })
  })
})

describe("the outputs within GitHub's limit", () => {
  it('keeps all outputs of 9,000 people without 2FA under 1,000,000 bytes, the first people in name order, the totals, and says what was left out', () => {
    const people = Array.from({ length: 9000 }, (_, i) => member('disabled', { displayName: `Person ${i + 1} ${'x'.repeat(150)}` }))
    const unknown = Array.from({ length: 50 }, (_, i) => member('unknown', { displayName: `Unknown ${i + 1}` }))
    const verdict = verdictOf([member('enabled'), ...people, ...unknown])
    const { outputs, leftOut, warning } = buildOutputs(modelOf(verdict, { reportFile: 'reports/2fa.json' }))
    const total = Object.entries(outputs).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value), 0)
    expect(total).toBeLessThan(1_000_000)
    const listed = JSON.parse(outputs['non-compliant']!) as { display_name: string }[]
    expect(outputs['non-compliant-count']).toBe('9000')
    expect(listed.length).toBeGreaterThan(1000)
    expect(listed.length).toBeLessThan(9000)
    // Natural order: Person 2 comes before Person 10, and the list is the head of that order.
    expect(listed.slice(0, 3).map((p) => p.display_name.split(' ').slice(0, 2).join(' '))).toEqual(['Person 1', 'Person 2', 'Person 3'])
    expect(leftOut).toEqual({ nonCompliant: 9000 - listed.length, unknown: 0 })
    expect((JSON.parse(outputs.unknown!) as unknown[]).length).toBe(50)
    expect(warning?.toString()).toBe(
      `The step's outputs stay within GitHub's limit of 1,000,000 bytes, so ${(9000 - listed.length).toLocaleString('en')} people were left out of the lists ` +
        `(${(9000 - listed.length).toLocaleString('en')} of the 9,000 in \`non-compliant\`); the counts keep the totals. ` +
        'The full list is in the report file `reports/2fa.json` (`report-file`).'
    )
  })

  it('says nothing when everyone fits', () => {
    const { leftOut, warning } = buildOutputs(modelOf(verdictOf([member('enabled'), member('disabled')])))
    expect(leftOut).toEqual({ nonCompliant: 0, unknown: 0 })
    expect(warning).toBeNull()
  })

  it('lets one list use what the other leaves unused, and cuts both when both are long', () => {
    const names = (n: number, state: 'disabled' | 'unknown') => Array.from({ length: n }, (_, i) => member(state, { displayName: `${state} ${i}` }))
    const both = buildOutputs(modelOf(verdictOf([member('enabled'), ...names(40, 'disabled'), ...names(40, 'unknown')])), 4000)
    expect(both.leftOut.nonCompliant).toBeGreaterThan(0)
    expect(both.leftOut.unknown).toBeGreaterThan(0)
    expect(Buffer.byteLength(both.outputs['non-compliant']!) + Buffer.byteLength(both.outputs.unknown!)).toBeLessThanOrEqual(4000)
    const one = buildOutputs(modelOf(verdictOf([member('enabled'), ...names(40, 'disabled'), ...names(1, 'unknown')])), 4000)
    expect(Buffer.byteLength(one.outputs['non-compliant']!)).toBeGreaterThan(2000)
    expect(one.leftOut.unknown).toBe(0)
  })
})
