import { describe, expect, it } from 'vitest'
import { hasMarker, keepEarliest, markerFor, MAX_STATE_PEOPLE, readState, renderState, type TrackingState } from '../../../src/action/tracking/state.js'
import { noVerdictBody, type IssueContext } from '../../../src/action/tracking/text.js'

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
    // A repository gate has its own issue, apart from the audit of its workspace.
    expect(markerFor(['acme'], ['acme/web', 'acme/app'])).toBe('<!-- bitbucket-2fa-gate:tracking workspaces=acme;repositories=acme%2Fapp,acme%2Fweb -->')
    expect(markerFor(['acme'], [])).toBe('<!-- bitbucket-2fa-gate:tracking workspaces=acme -->')
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

describe('what the hidden state reads, field by field', () => {
  const TODAY = '2026-11-26'
  const withFields = (fields: Record<string, unknown>) =>
    `<!-- bitbucket-2fa-gate:state ${JSON.stringify({ v: 1, outcome: 'not-compliant', since: '2026-01-01', people: {}, ...fields })} -->`

  it.each([
    ['null', null],
    ['missing', undefined],
    ['a string', 'x'],
    ['a number', 7]
  ])('reads people that are %s as nobody, keeping the rest of the state', (_, people) => {
    expect(readState(withFields({ people, counts: { nonCompliant: 1, unknown: 0 } }), TODAY)).toEqual({
      outcome: 'not-compliant',
      since: '2026-01-01',
      people: new Map(),
      counts: { nonCompliant: 1, unknown: 0 }
    })
  })

  it.each([
    ['an expanded year', '+002026-01-01'],
    ['a negative expanded year', '-002026-01-01'],
    ['text before the day', 'on 2026-01-01'],
    ['an array holding a day', ['2026-01-01']]
  ])('refuses a since that is %s', (_, since) => {
    expect(readState(withFields({ since }), TODAY)).toBeNull()
  })

  it('drops a person whose day is an expanded year or an array holding a day', () => {
    const people = { [UUID_A]: '+002026-01-01', [UUID_B]: ['2026-01-01'], '{aaaaaaaa-0000-4000-8000-000000000003}': '2026-01-03' }
    expect(readState(withFields({ people }), TODAY)?.people).toEqual(new Map([['{aaaaaaaa-0000-4000-8000-000000000003}', '2026-01-03']]))
  })
})

describe('keepEarliest', () => {
  const uuid = (i: number) => `{aaaaaaaa-0000-4000-8000-${String(i).padStart(12, '0')}}`
  const LATEST_UUID = '{ffffffff-0000-4000-8000-000000000000}'

  it('keeps everyone when there are at most MAX_STATE_PEOPLE', () => {
    const dates = new Map(Array.from({ length: 400 }, (_, i) => [uuid(i), '2026-11-26'] as const))
    const kept = keepEarliest(dates)
    expect(kept.size).toBe(400)
    expect(kept).toEqual(dates)
    expect(kept).not.toBe(dates)
  })

  it('beyond MAX_STATE_PEOPLE, keeps the earliest days wherever they come, ties broken by uuid', () => {
    expect(MAX_STATE_PEOPLE).toBe(400)
    // 401 people seen on one day, inserted with the highest uuids first, then the one seen earliest (highest uuid of all).
    const dates = new Map<string, string>()
    for (let i = 400; i >= 0; i--) dates.set(uuid(i), '2026-02-01')
    dates.set(LATEST_UUID, '2026-01-01')
    const kept = keepEarliest(dates)
    expect(kept.size).toBe(400)
    expect(kept.get(LATEST_UUID)).toBe('2026-01-01')
    // Of the tie, the 399 lowest uuids stay: 399 and 400 go.
    expect(kept.has(uuid(0))).toBe(true)
    expect(kept.has(uuid(398))).toBe(true)
    expect(kept.has(uuid(399))).toBe(false)
    expect(kept.has(uuid(400))).toBe(false)
    expect(kept.get(uuid(0))).toBe('2026-02-01')
  })

  it('keeps the earliest days over later ones with lower uuids', () => {
    const dates = new Map(Array.from({ length: 402 }, (_, i) => [uuid(i), i < 400 ? '2026-11-26' : '2026-01-01'] as const))
    const kept = keepEarliest(dates)
    expect(kept.get(uuid(400))).toBe('2026-01-01')
    expect(kept.get(uuid(401))).toBe('2026-01-01')
    expect(kept.has(uuid(398))).toBe(false)
    expect(kept.has(uuid(399))).toBe(false)
  })
})

/** What tries to end an HTML comment early, open another, or mention a team. */
const HOSTILE = ['-->', '--!>', '<!--', '@org/team', '&lt;!--', '<b>x</b>']

/** The `-->` in a body, and the lines that are the gate's hidden notes (starting with `<!--`). */
function hiddenLines(body: string): { hidden: string[]; closers: number } {
  return { hidden: body.split('\n').filter((line) => line.startsWith('<!--')), closers: body.split('-->').length - 1 }
}

describe('no value can close the hidden comments', () => {
  const context: IssueContext = { workspaces: ['acme'], redact: false, failOnViolation: true, today: '2026-11-26', runUrl: null }

  it('escapes <, > and & (and @) in the state, so the line ends only where the gate ends it, and reads them back unchanged', () => {
    const since = `2026-10-01 ${HOSTILE.join(' ')} visible text`
    const line = renderState({ outcome: 'no-verdict', since, people: new Map(), counts: null })
    expect(line.startsWith('<!-- bitbucket-2fa-gate:state {')).toBe(true)
    expect(line.endsWith('} -->')).toBe(true)
    expect(line.split('-->')).toHaveLength(2)
    expect(line).not.toContain('--!>')
    expect(line.indexOf('<!--', 1)).toBe(-1)
    expect(line.slice(4, -4)).not.toMatch(/[<>&@]/)
    expect(line).toContain('\\u003c!--')
    const json: unknown = JSON.parse(line.slice('<!-- bitbucket-2fa-gate:state '.length, -' -->'.length))
    expect(json).toMatchObject({ since })
  })

  it('writes a body with exactly one --> per hidden line, at its end, whatever the people hold', () => {
    const people = new Map([
      ...HOSTILE.map((text, i) => [`{aaaaaaaa-0000-4000-8000-00000000000${i}} ${text} @org/team`, `2026-10-0${i + 1} ${text}`] as const),
      ['{aaaaaaaa-0000-4000-8000-000000000009}', '2026-10-09']
    ])
    const body = noVerdictBody(markerFor(['acme']), 'Bitbucket answered 500.', { outcome: 'no-verdict', since: '2026-10-01', people, counts: null }, context)
    const { hidden, closers } = hiddenLines(body)
    expect(hidden).toHaveLength(2)
    expect(closers).toBe(2)
    for (const line of hidden) expect(line.endsWith(' -->')).toBe(true)
    expect(body).not.toContain('--!>')
    expect(body).not.toContain('@org/team')
    expect(body.split('<!--')).toHaveLength(3)
    // The one well-formed entry survives the round trip; the others are dropped on write and on read.
    expect(readState(body, '2026-11-26')?.people).toEqual(new Map([['{aaaaaaaa-0000-4000-8000-000000000009}', '2026-10-09']]))
  })

  it('writes only entries it would read back: a braced uuid with a day, both', () => {
    const uuid = '{aaaaaaaa-0000-4000-8000-000000000001}'
    const people = new Map([
      [uuid, '2026-10-01 <!-- x'],
      ['{not-a-uuid}', '2026-10-02'],
      ['{aaaaaaaa-0000-4000-8000-000000000002}', '2026-10-03']
    ])
    const line = renderState({ outcome: 'not-compliant', since: '2026-10-01', people, counts: null })
    expect(line).toBe(
      '<!-- bitbucket-2fa-gate:state {"v":1,"outcome":"not-compliant","since":"2026-10-01","people":{"{aaaaaaaa-0000-4000-8000-000000000002}":"2026-10-03"},"counts":null} -->'
    )
  })

  it('keeps the marker one comment, whatever a workspace name holds', () => {
    const marker = markerFor(HOSTILE)
    expect(marker.split('-->')).toHaveLength(2)
    expect(marker.endsWith(' -->')).toBe(true)
    expect(marker.slice(4, -4)).not.toMatch(/[<>&@]/)
  })

  it('reads only braced uuids (any case), nothing around them', () => {
    const uuid = '{aaaaaaaa-0000-4000-8000-000000000001}'
    const withPeople = (people: Record<string, string>) =>
      `<!-- bitbucket-2fa-gate:state ${JSON.stringify({ v: 1, outcome: 'not-compliant', since: '2026-01-01', people })} -->`
    for (const key of [`${uuid}\n`, ` ${uuid}`, `${uuid} -->`, uuid.slice(1, -1), `{${uuid}}`, uuid.replace('a', 'g'), uuid.replace('-4000', '4000')]) {
      expect(readState(withPeople({ [key]: '2026-01-01' }), '2026-11-26')?.people.size).toBe(0)
    }
    expect(readState(withPeople({ [uuid.toUpperCase()]: '2026-01-01' }), '2026-11-26')?.people).toEqual(new Map([[uuid, '2026-01-01']]))
  })
})
