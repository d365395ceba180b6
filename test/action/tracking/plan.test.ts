import { describe, expect, it } from 'vitest'
import { planTracking, type TrackingStep } from '../../../src/action/tracking/plan.js'
import { keepEarliest, markerFor, MAX_STATE_PEOPLE, readState, renderState } from '../../../src/action/tracking/state.js'
import { MAX_BODY_CHARACTERS, type IssueContext } from '../../../src/action/tracking/text.js'
import type { Verdict } from '../../../src/gate/verdict.js'
import { member, verdictOf } from '../../support/members.js'

const marker = markerFor(['acme'])
const context: IssueContext = {
  workspaces: ['acme'],
  redact: false,
  failOnViolation: true,
  today: '2026-11-26',
  runUrl: 'https://github.com/o/r/actions/runs/1'
}
const bob = member('disabled', { displayName: 'Bob' })
const cy = member('unknown', { displayName: 'Cy' })
const ada = member('enabled', { displayName: 'Ada' })
const failing = (): Verdict => verdictOf([ada, bob, cy])
const passing = (): Verdict => verdictOf([ada, member('enabled')])
const issueWith = (people: [string, string][], extra: Partial<Parameters<typeof renderState>[0]> = {}) => ({
  number: 7,
  body: `${marker}\n${renderState({ outcome: 'not-compliant', since: '2026-10-01', people: new Map(people), counts: { nonCompliant: 1, unknown: 1 }, ...extra })}`
})
const bodyOf = (step: TrackingStep): string => ('body' in step ? step.body : '')

describe('planTracking', () => {
  it('does nothing when compliant and no issue is open', () => {
    expect(planTracking({ verdict: passing() }, null, marker, context)).toEqual({ kind: 'nothing' })
  })

  it('closes an open issue with a comment when compliant', () => {
    const step = planTracking({ verdict: passing() }, issueWith([]), marker, context)
    expect(step).toEqual({
      kind: 'close',
      number: 7,
      comment:
        'Every one of the 2 people now has two-factor authentication or an exemption in force, checked by [the last run](https://github.com/o/r/actions/runs/1). Closing.'
    })
  })

  it('opens an issue whose hidden state holds every tracked person from today', () => {
    const step = planTracking({ verdict: failing() }, null, marker, context)
    expect(step.kind).toBe('open')
    expect(step.kind === 'open' && step.title).toBe('Bitbucket 2FA: 2 people without proven two-factor authentication in acme')
    const state = readState(bodyOf(step), context.today)
    expect(state).toEqual({
      outcome: 'not-compliant',
      since: '2026-11-26',
      people: new Map([
        [bob.uuid, '2026-11-26'],
        [cy.uuid, '2026-11-26']
      ]),
      counts: { nonCompliant: 1, unknown: 1 }
    })
    expect(bodyOf(step).startsWith(`${marker}\n`)).toBe(true)
  })

  it('updates in place without a comment when the same people are listed, keeping their dates', () => {
    const step = planTracking(
      { verdict: failing() },
      issueWith([
        [bob.uuid, '2026-10-05'],
        [cy.uuid, '2026-10-06']
      ]),
      marker,
      context
    )
    expect(step).toMatchObject({ kind: 'update', number: 7, comment: null })
    expect(readState(bodyOf(step), context.today)?.people).toEqual(
      new Map([
        [bob.uuid, '2026-10-05'],
        [cy.uuid, '2026-10-06']
      ])
    )
    expect(readState(bodyOf(step), context.today)?.since).toBe('2026-10-01')
  })

  it.each([
    ['one person more', [[bob.uuid, '2026-10-05']], { nonCompliant: 1, unknown: 0 }],
    [
      'one person fewer',
      [
        [bob.uuid, '2026-10-05'],
        [cy.uuid, '2026-10-06'],
        [ada.uuid, '2026-10-07']
      ],
      { nonCompliant: 2, unknown: 1 }
    ],
    [
      'another person, same counts',
      [
        [bob.uuid, '2026-10-05'],
        [ada.uuid, '2026-10-06']
      ],
      { nonCompliant: 1, unknown: 1 }
    ]
  ] as [string, [string, string][], { nonCompliant: number; unknown: number }][])('comments when the set changed: %s', (_, people, counts) => {
    const step = planTracking({ verdict: failing() }, issueWith(people, { counts }), marker, context)
    expect(step.kind === 'update' && step.comment).toMatch(/^The set of people changed\. Now 2 people/)
  })

  it('names who is new and counts who left', () => {
    const step = planTracking(
      { verdict: failing() },
      issueWith([
        [bob.uuid, '2026-10-05'],
        [ada.uuid, '2026-10-06']
      ]),
      marker,
      context
    )
    expect(step.kind === 'update' && step.comment).toBe(
      'The set of people changed. Now 2 people without proven two-factor authentication ([run](https://github.com/o/r/actions/runs/1)).\n\n' +
        'Newly listed: `Cy`.\n\n1 person no longer listed (2FA turned on, exempted, or left the workspace).'
    )
  })

  it('with names withheld, compares counts and stores no uuid', () => {
    const redacted = { ...context, redact: true }
    const same = planTracking({ verdict: failing() }, issueWith([], { counts: { nonCompliant: 1, unknown: 1 } }), marker, redacted)
    expect(same).toMatchObject({ kind: 'update', comment: null })
    expect(bodyOf(same)).not.toContain(bob.uuid)
    expect(bodyOf(same)).not.toContain('Bob')
    const moved = planTracking({ verdict: failing() }, issueWith([], { counts: { nonCompliant: 2, unknown: 1 } }), marker, redacted)
    expect(moved.kind === 'update' && moved.comment).toMatch(/Before: 2 without 2FA, 1 unknown\. Names are withheld/)
    const unknownMoved = planTracking({ verdict: failing() }, issueWith([], { counts: { nonCompliant: 1, unknown: 0 } }), marker, redacted)
    expect(unknownMoved.kind === 'update' && unknownMoved.comment).not.toBeNull()
  })

  it('with fail-on-unknown off, tracks only the people without 2FA', () => {
    const verdict = { ...failing(), failOnUnknown: false }
    const step = planTracking({ verdict }, null, marker, context)
    expect(readState(bodyOf(step), context.today)?.people).toEqual(new Map([[bob.uuid, '2026-11-26']]))
    expect(readState(bodyOf(step), context.today)?.counts).toEqual({ nonCompliant: 1, unknown: 0 })
  })

  it('opens an issue for a run without a verdict', () => {
    const step = planTracking({ error: 'Bitbucket answered 401' }, null, marker, context)
    expect(step).toMatchObject({ kind: 'open', title: 'Bitbucket 2FA: the audit of acme could not decide' })
    expect(bodyOf(step)).toContain('Bitbucket answered 401')
    expect(readState(bodyOf(step), context.today)).toEqual({ outcome: 'no-verdict', since: '2026-11-26', people: new Map(), counts: null })
  })

  it('never closes without a verdict: updates, keeps the people and their dates, comments only on the way in', () => {
    const open = issueWith([[bob.uuid, '2026-10-05']])
    const step = planTracking({ error: 'outage' }, open, marker, context)
    expect(step).toMatchObject({ kind: 'update', number: 7 })
    expect(step.kind === 'update' && step.comment).toBe(
      "[The last run](https://github.com/o/r/actions/runs/1) could not reach a verdict, so nobody's 2FA is proven. The body says why; this issue stays open until a run decides."
    )
    const state = readState(bodyOf(step), context.today)
    expect(state?.people).toEqual(new Map([[bob.uuid, '2026-10-05']]))
    expect(state?.since).toBe('2026-10-01')
    const again = planTracking({ error: 'outage' }, { number: 7, body: bodyOf(step) }, marker, context)
    expect(again).toMatchObject({ kind: 'update', comment: null })
    const back = planTracking({ verdict: failing() }, { number: 7, body: bodyOf(step) }, marker, context)
    expect(back.kind === 'update' && back.comment).toMatch(/^The audit reached a verdict again\. Now 2 people/)
    expect(readState(bodyOf(back), context.today)?.people.get(bob.uuid)).toBe('2026-10-05')
  })

  it('treats an issue whose state cannot be read as new information, never as a verdict', () => {
    const step = planTracking({ verdict: failing() }, { number: 7, body: `${marker}\nedited by hand` }, marker, context)
    expect(step.kind === 'update' && step.comment).toMatch(/^The audit reached a verdict again/)
    expect(readState(bodyOf(step), context.today)?.since).toBe('2026-11-26')
    const closing = planTracking({ verdict: failing() }, { number: 7, body: null }, marker, context)
    expect(closing.kind).toBe('update')
  })

  it('leaves the run link out when the runner gives none', () => {
    const step = planTracking({ verdict: passing() }, issueWith([]), marker, { ...context, runUrl: null })
    expect(step.kind === 'close' && step.comment).toContain('checked by the last run. Closing.')
  })
})

describe('a large audit', () => {
  it('keeps the body within what GitHub accepts (65,536 characters), hidden state whole', () => {
    const many = Array.from({ length: 3000 }, (_, i) =>
      member(i % 3 === 0 ? 'unknown' : 'disabled', { displayName: `A rather long display name number ${i} ${'x'.repeat(40)}` })
    )
    const step = planTracking({ verdict: verdictOf([ada, ...many]) }, null, marker, context)
    expect(bodyOf(step).length).toBeLessThanOrEqual(MAX_BODY_CHARACTERS)
    expect(bodyOf(step)).toContain('… and ')
    const state = readState(bodyOf(step), context.today)
    expect(state?.people.size).toBe(MAX_STATE_PEOPLE)
    expect(state?.counts).toEqual({ nonCompliant: 2000, unknown: 1000 })
    // Too many to compare by uuid: the counts notice a change, and only a change.
    const same = planTracking({ verdict: verdictOf([ada, ...many]) }, { number: 7, body: bodyOf(step) }, marker, context)
    expect(same).toMatchObject({ kind: 'update', comment: null })
    const fewer = planTracking({ verdict: verdictOf([ada, ...many.slice(1)]) }, { number: 7, body: bodyOf(step) }, marker, context)
    expect(fewer.kind === 'update' && fewer.comment).toMatch(/^The set of people changed\. Now 2,999 people/)
  })

  it('keeps the earliest dates when there are more people than the state holds', () => {
    const uuid = (i: number) => `{aaaaaaaa-0000-4000-8000-${String(i).padStart(12, '0')}}`
    const dates = new Map(Array.from({ length: MAX_STATE_PEOPLE + 2 }, (_, i) => [uuid(i), i < 2 ? '2026-01-01' : '2026-11-26'] as const))
    dates.set(uuid(MAX_STATE_PEOPLE + 5), '2026-11-26')
    const kept = keepEarliest(dates)
    expect(kept.size).toBe(MAX_STATE_PEOPLE)
    expect(kept.get(uuid(0))).toBe('2026-01-01')
    expect(kept.get(uuid(1))).toBe('2026-01-01')
    expect(kept.has(uuid(MAX_STATE_PEOPLE + 5))).toBe(false)
    expect(keepEarliest(new Map([['{x}', '2026-01-01']]))).toEqual(new Map([['{x}', '2026-01-01']]))
  })

  it('with the same counts, compares people only when both states hold everyone', () => {
    // The previous state held only one of the two (it was cut short): a different name proves nothing.
    const cut = issueWith([[ada.uuid, '2026-10-05']], { counts: { nonCompliant: 1, unknown: 1 } })
    expect(planTracking({ verdict: failing() }, cut, marker, context)).toMatchObject({ kind: 'update', comment: null })
    const whole = issueWith(
      [
        [ada.uuid, '2026-10-05'],
        [bob.uuid, '2026-10-06']
      ],
      { counts: { nonCompliant: 1, unknown: 1 } }
    )
    expect(planTracking({ verdict: failing() }, whole, marker, context).kind === 'update').toBe(true)
    const step = planTracking({ verdict: failing() }, whole, marker, context)
    expect(step.kind === 'update' && step.comment).toMatch(/^The set of people changed/)
    const noCounts = issueWith(
      [
        [bob.uuid, '2026-10-05'],
        [cy.uuid, '2026-10-06']
      ],
      { counts: null }
    )
    expect(planTracking({ verdict: failing() }, noCounts, marker, context)).toMatchObject({ kind: 'update' })
    expect((planTracking({ verdict: failing() }, noCounts, marker, context) as { comment: string | null }).comment).toMatch(/^The set of people changed/)
  })

  it('an outage keeps the counts it knew', () => {
    const step = planTracking({ error: 'outage' }, issueWith([[bob.uuid, '2026-10-05']], { counts: { nonCompliant: 1, unknown: 0 } }), marker, context)
    expect(readState(bodyOf(step), context.today)?.counts).toEqual({ nonCompliant: 1, unknown: 0 })
  })
})
