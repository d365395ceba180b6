import { describe, expect, it } from 'vitest'
import { shouldRedact } from '../../src/action/visibility.js'

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
    for (const payload of [
      null,
      '',
      'not json',
      'null',
      '[]',
      '"x"',
      '{}',
      '{"repository":null}',
      '{"repository":"x"}',
      '{"repository":{}}',
      '{"repository":{"private":"true","visibility":"private"}}'
    ]) {
      expect(shouldRedact('auto', payload)).toBe(true)
    }
  })

  it('obeys an explicit choice', () => {
    expect(shouldRedact('true', JSON.stringify({ repository: { private: true, visibility: 'private' } }))).toBe(true)
    expect(shouldRedact('false', null)).toBe(false)
  })
})
