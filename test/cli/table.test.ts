import { describe, expect, it } from 'vitest'
import { tableOf } from '../support/present.js'
import type { Member } from '../../src/gate/types.js'
import { member, verdictOf } from '../support/members.js'

const PLAIN = { redact: false, color: false, failOnViolation: true } as const

/** A person without 2FA with a fixed id, so that the expected table can be written out by hand. */
function person(n: number, displayName: string, nickname: string): Member {
  const id = String(n).padStart(2, '0')
  return member('disabled', { uuid: `{aaaaaaaa-0000-4000-8000-0000000000${id}}`, accountId: `557058:a${id}`, displayName, nickname })
}

/** The lines of one group of the table, from its title to the blank line after it. */
function group(output: string, title: string): string[] {
  const lines = output.split('\n')
  const start = lines.indexOf(title)
  expect(start, `no group titled ${title}`).toBeGreaterThanOrEqual(0)
  const end = lines.indexOf('', start)
  return lines.slice(start + 1, end === -1 ? undefined : end)
}

// "Amélie" is written with a combining acute accent (e + U+0301): 15 code points, 14 columns.
const AMELIE = 'Ame\u0301lie Poulain'

describe('the terminal table', () => {
  it('lines up the next column after names in wide scripts, combining accents and emoji', () => {
    const verdict = verdictOf([
      member('enabled'),
      person(1, 'Ada Lovelace', 'ada'),
      person(2, AMELIE, 'amelie'),
      person(3, 'Zoë 🚀', 'zoe'),
      person(4, 'مُحَمَّد', 'muhammad'),
      person(5, '김민준', '민준'),
      person(6, '山田 はなこ', 'hanako'),
      person(7, '李小龍', 'ｂｒｕｃｅ')
    ])
    // Written out by hand, in the columns a terminal draws: a Han, kana, Hangul or fullwidth character
    // and 🚀 take two columns, a combining mark or an Arabic haraka none. Name is 14 columns wide
    // (Amélie Poulain), Nickname 10 (ｂｒｕｃｅ), Account ID 10, each followed by two spaces.
    expect(group(tableOf(verdict, PLAIN), 'Without two-factor authentication (7)')).toEqual([
      '  Name            Nickname    Account ID  Workspaces',
      '  Ada Lovelace    ada         557058:a01  acme',
      '  Ame\u0301lie Poulain  amelie      557058:a02  acme', // the escaped accent takes no column
      '  Zoë 🚀          zoe         557058:a03  acme',
      '  مُحَمَّد            muhammad    557058:a04  acme',
      '  김민준          민준        557058:a05  acme',
      '  山田 はなこ     hanako      557058:a06  acme',
      '  李小龍          ｂｒｕｃｅ  557058:a07  acme'
    ])
  })

  it('cuts a long name to 40 columns without halving a wide character, and lines up the next column', () => {
    const verdict = verdictOf([
      member('enabled'),
      person(1, 'A'.repeat(50), 'a'),
      person(2, `a${'李'.repeat(30)}`, 'b'),
      person(3, '李'.repeat(30), 'c'),
      person(4, '🚀'.repeat(30), 'd')
    ])
    // 39 columns of text and an ellipsis fit 40; a 40th column that would hold half of 李 or 🚀 stays empty.
    expect(group(tableOf(verdict, PLAIN), 'Without two-factor authentication (4)')).toEqual([
      '  Name                                      Nickname  Account ID  Workspaces',
      `  ${'🚀'.repeat(19)}…   d         557058:a04  acme`,
      `  ${'A'.repeat(39)}…  a         557058:a01  acme`,
      `  a${'李'.repeat(19)}…  b         557058:a02  acme`,
      `  ${'李'.repeat(19)}…   c         557058:a03  acme`
    ])
  })

  it('cuts an exemption reason to 60 columns', () => {
    const exempted = member('disabled', { accountId: '557058:e01', displayName: 'Ex Empt' })
    const verdict = verdictOf([member('enabled'), exempted], `557058:e01 until 2099-01-01 # ${'理由'.repeat(40)}`)
    const [header, row] = group(tableOf(verdict, PLAIN), 'Exempted (1)')
    expect(header).toBe('  Name     Account ID  2FA  Until       Reason')
    expect(row).toBe(`  Ex Empt  557058:e01  off  2099-01-01  ${'理由'.repeat(14)}理…`)
  })
})
