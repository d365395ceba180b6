import { describe, expect, it } from 'vitest'
import { escapeHidden, cleanText, codeSpan, describeStrayCharacter, escapeMarkdown, logSafe } from '../src/text.js'
import { nodesOfType, parseGfm, textOf } from './support/markdown.js'

describe('text helpers', () => {
  it('removes controls, bidi and zero-width characters but keeps real names', () => {
    expect(cleanText('Zoë\u202e\u200b Ångström\n\u0007李')).toBe('Zoë Ångström 李')
    expect(cleanText('x'.repeat(100))).toHaveLength(80)
  })

  it.each([
    ['U+2066 (isolate)', '\u2066'],
    ['U+2069', '\u2069'],
    ['a tag character', '\u{E0041}'],
    ['U+1D173 (musical formatting)', '\u{1D173}'],
    ['U+180E', '\u180e'],
    ['U+3164 (Hangul filler)', '\u3164'],
    ['U+FEFF', '\ufeff'],
    ['U+061C (Arabic letter mark)', '\u061c'],
    ['U+00AD (soft hyphen)', '\u00ad']
  ])('removes %s from a name', (_, char) => {
    expect(cleanText(`Ad${char}min`)).toBe('Admin')
  })

  it('never lets a log label contain a line break or a :: command', () => {
    expect(logSafe('a\n::error::x')).toBe('a : :error: :x')
  })

  it('escapes every Markdown and HTML special character in prose', () => {
    expect(escapeMarkdown('<b>|*_`[x]')).toBe('\\<b\\>\\|\\*\\_\\`\\[x\\]')
  })

  it('shows member text as a code span that copies exactly: no link, no HTML, no invisible joiner', () => {
    for (const [text, shown] of [
      ['557058:3f2a-b', '557058:3f2a-b'],
      ['www.evil.example', 'www.evil.example'],
      ['a@b.co', 'a@b.co'],
      ['<img src=x>', '<img src=x>'],
      ['``tick`', '``tick`']
    ] as const) {
      const tree = parseGfm(`| h |\n| --- |\n| ${codeSpan(text, { inTable: true })} |`)
      expect(nodesOfType(tree, 'link')).toEqual([])
      expect(nodesOfType(tree, 'html')).toEqual([])
      expect(nodesOfType(tree, 'inlineCode').map(textOf)).toEqual([shown])
    }
    expect(codeSpan('557058:abc')).toBe('`557058:abc`')
    expect(codeSpan('')).toBe('–')
  })

  it('keeps a pipe inside a table cell, even after a backslash', () => {
    const tree = parseGfm(`| h | i |\n| --- | --- |\n| ${codeSpan('a\\|b', { inTable: true })} | next |`)
    const row = nodesOfType(tree, 'tableRow')[1]!
    expect('children' in row ? row.children.length : 0).toBe(2)
    expect(nodesOfType(row, 'inlineCode').map(textOf)).toEqual(['a⧵|b'])
  })

  it('names a stray character by code point and position', () => {
    expect(describeStrayCharacter('557058:ab\u200bc')).toBe(
      'contains an invisible character (U+200B) at position 10: retype the id by hand, or copy it again from Bitbucket'
    )
    expect(describeStrayCharacter('\u{E0041}x')).toContain('(U+E0041) at position 1')
    expect(describeStrayCharacter('acme until 2027-01-01')).toBeNull()
  })

  it('writes invisible characters in JSON as \\u escapes and keeps every other character', () => {
    const json = JSON.stringify({ name: 'Zoë\u2066x\u{E0041}\u2028李' })
    expect(escapeHidden(json)).toBe('{"name":"Zoë\\u2066x\\udb40\\udc41\\u2028李"}')
    expect(JSON.parse(escapeHidden(json))).toEqual(JSON.parse(json))
  })
})
