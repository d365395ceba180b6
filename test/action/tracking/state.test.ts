import { describe, expect, it } from 'vitest'
import { hasMarker, markerFor, readState, renderState, type TrackingState } from '../../../src/action/tracking/state.js'

const UUID_A = '{aaaaaaaa-0000-4000-8000-000000000001}'
const UUID_B = '{aaaaaaaa-0000-4000-8000-000000000002}'
const state: TrackingState = {
  outcome: 'not-compliant',
  since: '2026-10-01',
  people: new Map([
    [UUID_B, '2026-11-01'],
    [UUID_A, '2026-10-05']
  ]),
  counts: { nonCompliant: 2, unknown: 0 }
}

describe('the marker', () => {
  it('names the workspace set, whatever the order and case', () => {
    expect(markerFor(['Beta', 'acme'])).toBe('<!-- bitbucket-2fa-gate:tracking workspaces=acme,beta -->')
    expect(markerFor(['acme', 'beta'])).toBe(markerFor(['beta', 'ACME', 'acme']))
    expect(markerFor(['{aaaaaaaa-1111-4111-8111-111111111111}'])).toBe(
      '<!-- bitbucket-2fa-gate:tracking workspaces=%7Baaaaaaaa-1111-4111-8111-111111111111%7D -->'
    )
  })

  it('matches only a line of its own, never another set', () => {
    const marker = markerFor(['acme'])
    expect(hasMarker(`${marker}\nbody`, marker)).toBe(true)
    expect(hasMarker(`text\r\n  ${marker}  \r\nmore`, marker)).toBe(true)
    expect(hasMarker(`see ${marker}`, marker)).toBe(false)
    expect(hasMarker(markerFor(['acme', 'beta']), marker)).toBe(false)
    expect(hasMarker(null, marker)).toBe(false)
    expect(hasMarker(undefined, marker)).toBe(false)
  })
})

describe('the hidden state', () => {
  it('reads back what it wrote, people sorted', () => {
    const line = renderState(state)
    expect(line).toBe(
      `<!-- bitbucket-2fa-gate:state {"v":1,"outcome":"not-compliant","since":"2026-10-01","people":{"${UUID_A}":"2026-10-05","${UUID_B}":"2026-11-01"},"counts":{"nonCompliant":2,"unknown":0}} -->`
    )
    expect(readState(`head\n${line}\ntail`, '2026-11-26')).toEqual(state)
  })

  it.each([
    ['no state', 'just a body'],
    ['not JSON', '<!-- bitbucket-2fa-gate:state {nope} -->'],
    ['another version', '<!-- bitbucket-2fa-gate:state {"v":2,"outcome":"not-compliant","since":"2026-10-01","people":{}} -->'],
    ['an outcome it never writes', '<!-- bitbucket-2fa-gate:state {"v":1,"outcome":"compliant","since":"2026-10-01","people":{}} -->'],
    ['a since in the future', '<!-- bitbucket-2fa-gate:state {"v":1,"outcome":"not-compliant","since":"2026-11-27","people":{}} -->'],
    ['a since that is no day', '<!-- bitbucket-2fa-gate:state {"v":1,"outcome":"not-compliant","since":"2026-13-45","people":{}} -->'],
    ['an array', '<!-- bitbucket-2fa-gate:state [1] -->'],
    ['no end', '<!-- bitbucket-2fa-gate:state {"v":1,"outcome":"not-compliant","since":"2026-10-01","people":{}}']
  ])('ignores a body with %s', (_, body) => {
    expect(readState(body, '2026-11-26')).toBeNull()
  })

  it('drops entries that are not a braced uuid with a past day, one by one, and counts that are not counts', () => {
    const body = `<!-- bitbucket-2fa-gate:state {"v":1,"outcome":"no-verdict","since":"2026-11-26","people":{"${UUID_A}":"2026-11-26","${UUID_B}":"2026-11-27","557058:x":"2026-01-01","{AAAAAAAA-0000-4000-8000-000000000003}":"2026-01-02","${UUID_A.replace('1}', '4}')}":7},"counts":{"nonCompliant":-1,"unknown":0}} -->`
    expect(readState(body, '2026-11-26')).toEqual({
      outcome: 'no-verdict',
      since: '2026-11-26',
      people: new Map([
        [UUID_A, '2026-11-26'],
        ['{aaaaaaaa-0000-4000-8000-000000000003}', '2026-01-02']
      ]),
      counts: null
    })
    expect(readState(null, '2026-11-26')).toBeNull()
    expect(readState(body.replace('"people":{', '"people":[{').replace('},"counts"', '}],"counts"'), '2026-11-26')?.people.size).toBe(0)
    expect(readState(body.replace('"nonCompliant":-1', '"nonCompliant":1.5'), '2026-11-26')?.counts).toBeNull()
    expect(readState(body.replace('"nonCompliant":-1', '"nonCompliant":3'), '2026-11-26')?.counts).toEqual({ nonCompliant: 3, unknown: 0 })
  })

  it('takes a state line with spaces after it, and refuses days that only look like days', () => {
    expect(readState(`${renderState(state)}   \r\nmore`, '2026-11-26')).toEqual(state)
    const withSince = (since: unknown) => `<!-- bitbucket-2fa-gate:state ${JSON.stringify({ v: 1, outcome: 'not-compliant', since, people: {} })} -->`
    for (const since of ['x2026-01-01', '2026-01-01x', 20260101, '2026-1-01', '2026-02-30x']) expect(readState(withSince(since), '2026-11-26')).toBeNull()
    expect(readState(withSince('2026-01-01'), '2026-11-26')?.since).toBe('2026-01-01')
    const counts = `<!-- bitbucket-2fa-gate:state ${JSON.stringify({ v: 1, outcome: 'not-compliant', since: '2026-01-01', people: {}, counts: { nonCompliant: '1', unknown: 0 } })} -->`
    expect(readState(counts, '2026-11-26')?.counts).toBeNull()
    const many = `<!-- bitbucket-2fa-gate:state ${JSON.stringify({ v: 1, outcome: 'not-compliant', since: '2026-01-01', people: {}, counts: { nonCompliant: 2 ** 60, unknown: 0 } })} -->`
    expect(readState(many, '2026-11-26')?.counts).toBeNull()
  })
})
