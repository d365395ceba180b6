import { describe, expect, it } from 'vitest'
import { isExpired } from '../../src/gate/verdict.js'
import { isAccountId, parseExemptions, utcDay } from '../../src/config/exemptions.js'
import { errorMessage } from '../../src/errors.js'
import { KEY_SPELLING } from '../../src/sentence.js'

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
    ['abc until', /line 1: expected/],
    ['abc until 2027-01-01 extra', /line 1: expected/],
    ['abc until 2027-13-01', /"2027-13-01" is not a date/],
    ['abc until 2027-00-10', /"2027-00-10" is not a date/],
    ['abc until 2027-02-29', /"2027-02-29" is not a date/],
    ['abc until 2027-04-31', /"2027-04-31" is not a date/],
    ['abc until 27-01-01', /not a date/],
    ['abc until 2027-1-01', /not a date/],
    ['abc until 2027-01-011', /"2027-01-011" is not a date/],
    ['abc until 12027-01-01', /"12027-01-01" is not a date/],
    ['abc until 0050-01-01', /"0050-01-01" is not a date/],
    ['abc until 2027-03-00', /"2027-03-00" is not a date/],
    ['abc\nabc', /line 2: abc is exempted twice/],
    ['{AAAAAAAA-0000-4000-8000-000000000001}\n{aaaaaaaa-0000-4000-8000-000000000001}', /line 2: \{aaaaaaaa-0000-4000-8000-000000000001\} is exempted twice/],
    ['{aaaaaaaa-0000-4000-8000-00000000000}', /not an Atlassian account_id or a braced \{uuid\}/],
    ['{aaaaaaaa-0000-4000-8000-0000000000011}', /not an Atlassian account_id/],
    ['x{aaaaaaaa-0000-4000-8000-000000000001}', /not an Atlassian account_id/],
    ['{aaaaaaaa-0000-4000-8000-000000000001}x', /not an Atlassian account_id/],
    ['-abc', /not an Atlassian account_id/],
    ['a'.repeat(129), /not an Atlassian account_id/],
    ['abc.def', /not an Atlassian account_id/]
  ])('refuses %j', (text, message) => {
    expect(() => parseExemptions(text)).toThrow(message)
  })

  it('takes a leap day, the longest account id, and keeps account ids as written (they are case-sensitive)', () => {
    expect(parseExemptions('abc until 2028-02-29')[0]!.until).toBe('2028-02-29')
    expect(parseExemptions(`a${'b'.repeat(127)}`)[0]!.id).toHaveLength(128)
    expect(parseExemptions('ABC\nabc').map((e) => e.id)).toEqual(['ABC', 'abc'])
    expect(parseExemptions('\tabc\tuntil\t2027-01-01\t# tabbed')[0]).toMatchObject({ id: 'abc', until: '2027-01-01', reason: 'tabbed' })
  })

  it('allows several spaces between the words of a line', () => {
    expect(parseExemptions('abc   until  2027-01-01   # wide')[0]).toMatchObject({ id: 'abc', until: '2027-01-01', reason: 'wide' })
  })

  it('refuses an invisible or non-ASCII character at the very end of a line without a `#`', () => {
    expect(() => parseExemptions('abc\u00a0')).toThrow('`exempt` line 1 contains an invisible character (U+00A0) at position 4')
    expect(() => parseExemptions('abc until 2027-01-01\u3000')).toThrow('(U+3000) at position 21')
  })

  it('names an invisible or non-ASCII character before the `#` by code point and position, and allows any text after it', () => {
    expect(() => parseExemptions('ok\n557058:ab\u200bc until 2027-01-01')).toThrow(
      '`exempt` line 2 contains an invisible character (U+200B) at position 10: retype the id by hand, or copy it again from Bitbucket.'
    )
    expect(() => parseExemptions('abc until 2027\u201101-01')).toThrow('`exempt` line 1 contains a character that is not plain ASCII (U+2011) at position 15')
    expect(() => parseExemptions('  \u00a0abc')).toThrow('(U+00A0) at position 3')
    expect(parseExemptions('abc # Zoë\u200b’s key 🔑')[0]!.reason).toBe('Zoë\u200b’s key 🔑')
  })

  it('tells the shape of an account id, the one rule for exemptions, listings and the organization', () => {
    expect(isAccountId('557058:0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d')).toBe(true)
    expect(isAccountId('5b10a2844c20165700ede21g')).toBe(true)
    expect(isAccountId('{aaaaaaaa-0000-4000-8000-000000000001}')).toBe(false)
    expect(isAccountId('jane doe')).toBe(false)
  })

  it('treats until as the last day the exemption applies, in UTC', () => {
    const [exemption] = parseExemptions('abc until 2026-11-26')
    expect(isExpired(exemption!, '2026-11-26')).toBe(false)
    expect(isExpired(exemption!, '2026-11-27')).toBe(true)
    expect(utcDay(new Date('2026-11-26T23:59:59-05:00'))).toBe('2026-11-27')
  })
})

describe('an exemption error where names are withheld', () => {
  const redacted = (text: string): string => {
    try {
      parseExemptions(text)
    } catch (error) {
      return errorMessage(error, true, KEY_SPELLING)
    }
    return 'no error'
  }

  it('names the lines, never the account', () => {
    expect(redacted('557058:aaa # one\nbeta # two\n557058:aaa # three')).toBe('`exempt` line 3 exempts the same account as line 1; keep one line per account.')
    expect(redacted('\nbeta\n\n{AAAAAAAA-0000-4000-8000-000000000001}\n{aaaaaaaa-0000-4000-8000-000000000001}')).toBe(
      '`exempt` line 5 exempts the same account as line 4; keep one line per account.'
    )
    const text = redacted('bob.nickname # on leave')
    expect(text).toBe(
      '`exempt` line 1: its first word is not an Atlassian account_id or a braced {uuid} (not quoted, as names are withheld). Write `<account_id or {uuid}> [until YYYY-MM-DD] [# reason]`; nicknames are not identities.'
    )
  })
})
