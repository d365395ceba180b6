import { describe, expect, it } from 'vitest'
import { isExpired, parseExemptions, utcDay } from '../../src/exemptions.js'

describe('parseExemptions', () => {
  it('reads ids, optional until dates and reasons, skipping blank and comment lines', () => {
    const parsed = parseExemptions(
      [
        '# break-glass accounts',
        '557058:0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d until 2027-01-31 # hardware key on order',
        '',
        '{AAAAAAAA-0000-4000-8000-000000000001}',
        '5b10a2844c20165700ede21g #service account, rotated yearly'
      ].join('\n')
    )
    expect(parsed).toEqual([
      { id: '557058:0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d', idKind: 'account_id', until: '2027-01-31', reason: 'hardware key on order', line: 2 },
      { id: '{aaaaaaaa-0000-4000-8000-000000000001}', idKind: 'uuid', until: null, reason: '', line: 4 },
      { id: '5b10a2844c20165700ede21g', idKind: 'account_id', until: null, reason: 'service account, rotated yearly', line: 5 }
    ])
  })

  it.each([
    ['jane doe', /line 1: expected/],
    ['@jane', /not an Atlassian account_id/],
    ['{jane}', /not an Atlassian account_id/],
    ['abc until 2027-02-30', /not a date/],
    ['abc until tomorrow', /not a date/],
    ['abc till 2027-01-01', /expected/],
    ['abc\nabc', /line 2: abc is exempted twice/]
  ])('refuses %j', (text, message) => {
    expect(() => parseExemptions(text)).toThrow(message)
  })

  it('treats until as the last day the exemption applies, in UTC', () => {
    const [exemption] = parseExemptions('abc until 2026-11-26')
    expect(isExpired(exemption!, '2026-11-26')).toBe(false)
    expect(isExpired(exemption!, '2026-11-27')).toBe(true)
    expect(utcDay(new Date('2026-11-26T23:59:59-05:00'))).toBe('2026-11-27')
  })
})
