import { describe, expect, it } from 'vitest'
import { authorizationFor, secretsOf } from '../../src/bitbucket/auth.js'
import { escapeHidden } from '../../src/report/outputs.js'
import { scrubSecrets } from '../../src/secrets.js'
import { cleanText, codeSpan, describeStrayCharacter, escapeMarkdown, logSafe, quoteOutside } from '../../src/text.js'
import { shouldRedact } from '../../src/visibility.js'
import { nodesOfType, parseGfm, textOf } from '../support/markdown.js'

describe('shouldRedact', () => {
  it('shows names only when the payload says the repository is private and not internal', () => {
    expect(shouldRedact('auto', JSON.stringify({ repository: { private: true, visibility: 'private' } }))).toBe(false)
    expect(shouldRedact('auto', JSON.stringify({ repository: { private: true, visibility: 'internal' } }))).toBe(true)
    expect(shouldRedact('auto', JSON.stringify({ repository: { private: true } }))).toBe(true)
    expect(shouldRedact('auto', JSON.stringify({ repository: { private: false, visibility: 'public' } }))).toBe(true)
    expect(shouldRedact('auto', JSON.stringify({ repository: { private: true, visibility: 'public' } }))).toBe(true)
    expect(shouldRedact('auto', JSON.stringify({ repository: { private: false, visibility: 'private' } }))).toBe(true)
  })

  it('withholds when in doubt', () => {
    for (const payload of [null, '', 'not json', 'null', '[]', '"x"', '{}', '{"repository":null}', '{"repository":"x"}', '{"repository":{}}', '{"repository":{"private":"true","visibility":"private"}}']) {
      expect(shouldRedact('auto', payload)).toBe(true)
    }
  })

  it('obeys an explicit choice', () => {
    expect(shouldRedact('true', JSON.stringify({ repository: { private: true, visibility: 'private' } }))).toBe(true)
    expect(shouldRedact('false', null)).toBe(false)
  })
})

describe('secrets', () => {
  const credentials = { kind: 'api-token' as const, email: 'a@b.co', token: 'ATATT-s3cret/x+y=' }
  // Written out by hand: base64 of "a@b.co:ATATT-s3cret/x+y=".
  const BASE64 = 'YUBiLmNvOkFUQVRULXMzY3JldC94K3k9'

  it('sends an API token as Basic email:token and an access token as Bearer', () => {
    expect(authorizationFor(credentials)).toBe(`Basic ${BASE64}`)
    expect(authorizationFor({ kind: 'access-token', token: 'ATCTT-x' })).toBe('Bearer ATCTT-x')
  })

  it.each([
    ['the token', 'ATATT-s3cret/x+y='],
    ['the header', `Basic ${BASE64}`],
    ['the base64 alone', BASE64],
    ['the token percent-encoded', 'ATATT-s3cret%2Fx%2By%3D'],
    ['the token percent-encoded in lower case', 'ATATT-s3cret%2fx%2by%3d'],
    ['the base64 percent-encoded', 'YUBiLmNvOkFUQVRULXMzY3JldC94K3k9'.replace('=', '%3D')],
    ['the token JSON-escaped', 'ATATT-s3cret\\/x+y=']
  ])('scrubs %s from any text', (_, form) => {
    const clean = scrubSecrets(`echo: ${form} end`, secretsOf(credentials))
    expect(clean).toBe('echo: *** end')
  })

  it('leaves secrets shorter than 4 characters alone, and replaces a longer form whole', () => {
    expect(scrubSecrets('a abc abcd', ['abc'])).toBe('a abc abcd')
    expect(scrubSecrets('a abc abcd', ['abcd'])).toBe('a abc ***')
    expect(scrubSecrets('x Basic abcd y', ['abcd', 'Basic abcd'])).toBe('x *** y')
  })

  it('scrubs before it cuts, so no fragment of a secret survives a cut', () => {
    const echoed = `${'x'.repeat(100)} Authorization: Basic ${BASE64}`
    const quoted = quoteOutside(echoed, (text) => scrubSecrets(text, secretsOf(credentials)), 120)
    expect(quoted).toBe(`${'x'.repeat(100)} Authorization: ***`)
    for (let i = 0; i + 6 <= BASE64.length; i++) expect(quoted).not.toContain(BASE64.slice(i, i + 6))
  })
})

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
