import { describe, expect, it } from 'vitest'
import { markerFor, type TrackingState } from '../../../src/action/tracking/state.js'
import { verdictBody, type IssueContext } from '../../../src/action/tracking/text.js'
import { member, verdictOf } from '../../support/members.js'

const context: IssueContext = { workspaces: ['acme'], redact: false, failOnViolation: true, today: '2026-11-26', runUrl: null }
const uuid = (n: number): string => `{cccccccc-0000-4000-8000-${String(n).padStart(12, '0')}}`

/** The rows of the first-seen table, as written. */
function firstSeenRows(body: string): string[] {
  const lines = body.split('\n')
  const start = lines.indexOf('### First seen without proven 2FA')
  expect(start).toBeGreaterThan(-1)
  const rows: string[] = []
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break
    rows.push(line)
  }
  return rows
}

describe('the first-seen table', () => {
  // Listed in the verdict in an order that is none of the expected ones.
  const ten = member('disabled', { displayName: 'Person 10', uuid: uuid(1), accountId: '557058:ten' })
  const two = member('disabled', { displayName: 'Person 2', uuid: uuid(4), accountId: '557058:two' })
  const twoLower = member('unknown', { displayName: 'person 2', uuid: uuid(3), accountId: '557058:two-lower' })
  const ada = member('disabled', { displayName: 'Ada', uuid: uuid(2), accountId: null })
  const early = member('unknown', { displayName: 'Zoe', uuid: uuid(5), accountId: '557058:zoe' })
  const verdict = verdictOf([member('enabled'), ten, ada, two, twoLower, early])
  const state: TrackingState = {
    outcome: 'not-compliant',
    since: '2026-09-01',
    people: new Map([
      [ten.uuid, '2026-10-01'],
      [two.uuid, '2026-10-01'],
      [twoLower.uuid, '2026-10-01'],
      [ada.uuid, '2026-11-01'],
      [early.uuid, '2026-09-15']
    ]),
    counts: { nonCompliant: 3, unknown: 2 }
  }
  const body = verdictBody(markerFor(['acme']), verdict, state, context)

  it('is sorted by date, then by name as people read it (2 before 10, case aside), then by uuid', () => {
    expect(firstSeenRows(body)).toEqual([
      '| Name | Account ID | First seen |',
      '| --- | --- | --- |',
      '| `Zoe` | `557058:zoe` | 2026-09-15 |',
      '| `person 2` | `557058:two-lower` | 2026-10-01 |',
      '| `Person 2` | `557058:two` | 2026-10-01 |',
      '| `Person 10` | `557058:ten` | 2026-10-01 |',
      '| `Ada` | `{cccccccc-0000-4000-8000-000000000002}` | 2026-11-01 |'
    ])
  })

  it('shows the same identifier column as the main table: the account id, else the uuid', () => {
    expect(body).toContain('| Name | Nickname | Account ID | Workspaces |')
    expect(body).toContain('| `Person 10` | `p')
    expect(body).toContain('| `557058:ten` |')
    expect(firstSeenRows(body).join('\n')).not.toContain(ten.uuid)
  })

  it('gives a person the state does not know the day the issue opened', () => {
    const partial: TrackingState = { ...state, people: new Map([[ada.uuid, '2026-11-01']]) }
    const rows = firstSeenRows(verdictBody(markerFor(['acme']), verdict, partial, context))
    expect(rows.slice(2)).toEqual([
      '| `person 2` | `557058:two-lower` | 2026-09-01 |',
      '| `Person 2` | `557058:two` | 2026-09-01 |',
      '| `Person 10` | `557058:ten` | 2026-09-01 |',
      '| `Zoe` | `557058:zoe` | 2026-09-01 |',
      '| `Ada` | `{cccccccc-0000-4000-8000-000000000002}` | 2026-11-01 |'
    ])
  })

  it('is left out when names are withheld', () => {
    const redacted = verdictBody(markerFor(['acme']), verdict, { ...state, people: new Map() }, { ...context, redact: true })
    expect(redacted).not.toContain('### First seen without proven 2FA')
    expect(redacted).not.toContain('557058:')
  })
})
