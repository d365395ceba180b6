import { describe, expect, it } from 'vitest'
import { authorizationFor, secretsOf } from '../../src/bitbucket/auth.js'
import { scrubSecrets } from '../../src/secrets.js'
import { cleanText, escapeMarkdown, logSafe } from '../../src/text.js'
import { shouldRedact } from '../../src/visibility.js'

describe('shouldRedact', () => {
  it('shows names only when the payload says the repository is private', () => {
    expect(shouldRedact('auto', JSON.stringify({ repository: { private: true } }))).toBe(false)
    expect(shouldRedact('auto', JSON.stringify({ repository: { private: true, visibility: 'internal' } }))).toBe(false)
    expect(shouldRedact('auto', JSON.stringify({ repository: { private: false, visibility: 'public' } }))).toBe(true)
    expect(shouldRedact('auto', JSON.stringify({ repository: { private: true, visibility: 'public' } }))).toBe(true)
  })

  it('withholds when in doubt', () => {
    for (const payload of [null, '', 'not json', '{}', '{"repository":null}', '{"repository":{"private":"true"}}']) {
      expect(shouldRedact('auto', payload)).toBe(true)
    }
  })

  it('obeys an explicit choice', () => {
    expect(shouldRedact('true', JSON.stringify({ repository: { private: true } }))).toBe(true)
    expect(shouldRedact('false', null)).toBe(false)
  })
})

describe('secrets', () => {
  it('derives the header and its base64 as secrets, and scrubs them all', () => {
    const credentials = { kind: 'api-token' as const, email: 'a@b.co', token: 'ATATT-s3cret' }
    const header = authorizationFor(credentials)
    expect(header).toBe(`Basic ${Buffer.from('a@b.co:ATATT-s3cret').toString('base64')}`)
    const secrets = secretsOf(credentials)
    const text = `token ATATT-s3cret header ${header} raw ${header.slice(6)}`
    const clean = scrubSecrets(text, secrets)
    for (const secret of secrets) expect(clean).not.toContain(secret)
    expect(authorizationFor({ kind: 'access-token', token: 'ATCTT-x' })).toBe('Bearer ATCTT-x')
  })
})

describe('text helpers', () => {
  it('removes controls, bidi and zero-width characters but keeps real names', () => {
    expect(cleanText('Zoë\u202e\u200b Ångström\n\u0007李')).toBe('Zoë Ångström 李')
    expect(cleanText('x'.repeat(100))).toHaveLength(80)
  })

  it('never lets a log label contain a line break or a :: command', () => {
    expect(logSafe('a\n::error::x')).not.toMatch(/\n|::/)
  })

  it('escapes every Markdown and HTML special character', () => {
    expect(escapeMarkdown('<b>|*_`[x]')).toBe('\\<b\\>\\|\\*\\_\\`\\[x\\]')
  })
})
