import { describe, expect, it } from 'vitest'
import { redactFor, shouldRedact, visibilityFromEvent, visibilityOf } from '../../src/action/visibility.js'

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

describe('visibilityFromEvent and visibilityOf', () => {
  it('tells private, not private and not said apart', () => {
    expect(visibilityFromEvent(JSON.stringify({ repository: { private: true, visibility: 'private' } }))).toBe('private')
    expect(visibilityFromEvent(JSON.stringify({ repository: { private: false } }))).toBe('public')
    expect(visibilityFromEvent(JSON.stringify({ repository: { private: true, visibility: 'internal' } }))).toBe('internal')
    expect(visibilityFromEvent(JSON.stringify({ repository: { visibility: 'public' } }))).toBe('public')
    expect(visibilityFromEvent(JSON.stringify({ repository: { private: true } }))).toBe('unknown')
    expect(visibilityFromEvent(JSON.stringify({ schedule: '0 7 * * 1' }))).toBe('unknown')
    expect(visibilityFromEvent(null)).toBe('unknown')
    expect(visibilityFromEvent('not json')).toBe('unknown')
    expect(visibilityOf(true, 'private')).toBe('private')
    expect(visibilityOf('true', 'private')).toBe('unknown')
    expect(visibilityOf(true, null)).toBe('unknown')
  })

  it('lets redact: true and false win over any visibility', () => {
    for (const visibility of ['private', 'public', 'internal', 'unknown'] as const) {
      expect(redactFor('true', visibility)).toBe(true)
      expect(redactFor('false', visibility)).toBe(false)
      expect(redactFor('auto', visibility)).toBe(visibility !== 'private')
    }
  })
})
