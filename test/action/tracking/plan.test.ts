import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { planTracking, type TrackingStep } from '../../../src/action/tracking/plan.js'
import { MAX_STATE_PEOPLE, readState, renderState } from '../../../src/action/tracking/state.js'
import { MAX_BODY_CHARACTERS, type IssueContext } from '../../../src/action/tracking/text.js'
import { GateError } from '../../../src/errors.js'
import { decideCompliance, type Verdict } from '../../../src/gate/verdict.js'
import { ServerText } from '../../../src/text.js'
import { listing, member, verdictOf } from '../../support/members.js'

/** markerFor(['acme']), written out. */
const marker = '<!-- bitbucket-2fa-gate:tracking workspaces=acme -->'
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
    expect(step).toMatchObject({
      kind: 'close',
      number: 7,
      comment:
        'Every one of the 2 people now has two-factor authentication or an exemption in force, checked by [the last run](https://github.com/o/r/actions/runs/1). Closing.'
    })
  })

  it('retitles a closed issue and its heading to say that everyone is compliant, keeping the marker', () => {
    const open = issueWith([[bob.uuid, '2026-10-05']])
    const step = planTracking({ verdict: passing() }, open, marker, context)
    expect(step.kind === 'close' && step.title).toBe('Bitbucket 2FA: everyone in acme has two-factor authentication (closed 2026-11-26)')
    const body = bodyOf(step)
    expect(body.split('\n')[0]).toBe(marker)
    const headings = body.split('\n').filter((line) => line.startsWith('## '))
    expect(headings).toEqual(['## ✅ Bitbucket 2FA gate: all 2 people have two-factor authentication or an exemption'])
    expect(body).toContain(
      'Closed on 2026-11-26 by [the last run](https://github.com/o/r/actions/runs/1), which found everyone compliant; open since 2026-10-01.'
    )
    expect(body).not.toMatch(/without proven|❌|First seen/)
    // Nobody is tracked any more: no hidden state, no one's uuid kept.
    expect(readState(body, context.today)).toBeNull()
    expect(body).not.toContain('bitbucket-2fa-gate:state')
    expect(body).not.toContain(bob.uuid)
  })

  it('names every workspace in the closed title, and says "compliant" when someone passes by exemption or an allowed unknown', () => {
    const both = { ...context, workspaces: ['acme', 'acme-labs'] }
    const plain = planTracking({ verdict: passing() }, issueWith([]), marker, both)
    expect(plain.kind === 'close' && plain.title).toBe('Bitbucket 2FA: everyone in acme, acme-labs has two-factor authentication (closed 2026-11-26)')
    const exempt = verdictOf([ada, bob], bob.uuid)
    expect(exempt.compliant).toBe(true)
    const exempted = planTracking({ verdict: exempt }, issueWith([]), marker, context)
    expect(exempted.kind === 'close' && exempted.title).toBe('Bitbucket 2FA: everyone in acme is compliant (closed 2026-11-26)')
    const allowed = decideCompliance([listing('acme', [ada, cy])], { exemptions: [], today: '2026-11-26', failOnUnknown: false })
    expect(allowed.compliant).toBe(true)
    const unknown = planTracking({ verdict: allowed }, issueWith([]), marker, context)
    expect(unknown.kind === 'close' && unknown.title).toBe('Bitbucket 2FA: everyone in acme is compliant (closed 2026-11-26)')
  })

  it('a closed issue reopened by hand starts afresh on the next problem: today as since and first-seen, a comment', () => {
    const closed = planTracking({ verdict: passing() }, issueWith([[bob.uuid, '2026-10-05']]), marker, context)
    const step = planTracking({ verdict: failing() }, { number: 7, body: bodyOf(closed) }, marker, context)
    expect(step.kind).toBe('update')
    expect(step.kind === 'update' && step.comment).toMatch(/Now 2 people without proven two-factor authentication/)
    expect(step.kind === 'update' && step.title).toBe('Bitbucket 2FA: 2 people without proven two-factor authentication in acme')
    expect(readState(bodyOf(step), context.today)).toEqual({
      outcome: 'not-compliant',
      since: '2026-11-26',
      people: new Map([
        [bob.uuid, '2026-11-26'],
        [cy.uuid, '2026-11-26']
      ]),
      counts: { nonCompliant: 1, unknown: 1 }
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
    expect(moved.kind === 'update' && moved.comment).toMatch(/Before: 2 non-compliant, 1 unknown\. Names are withheld/)
    const unknownMoved = planTracking({ verdict: failing() }, issueWith([], { counts: { nonCompliant: 1, unknown: 0 } }), marker, redacted)
    expect(unknownMoved.kind === 'update' && unknownMoved.comment).not.toBeNull()
  })

  it('counts and follows people outside the member listing: one replaced by another is a change', () => {
    const outsider = (name: string) => member('unknown', { displayName: name })
    const [olga, oleg] = [outsider('Olga'), outsider('Oleg')]
    const withOutsider = (who: ReturnType<typeof outsider>): Verdict =>
      decideCompliance([listing('acme', [ada])], {
        exemptions: [],
        today: '2026-11-26',
        failOnUnknown: true,
        admins: [{ workspace: 'acme', lookup: { known: true, admins: new Map([[ada.uuid, ada]]) }, requests: 1 }],
        repositories: [
          {
            repository: { workspace: 'acme', slug: 'app', fullName: 'acme/app' },
            writers: new Map([[who.uuid, { member: who, permission: 'write' as const }]]),
            requests: 1
          }
        ]
      })
    const first = planTracking({ verdict: withOutsider(olga) }, null, marker, context)
    expect(readState(bodyOf(first), context.today)?.counts).toEqual({ nonCompliant: 1, unknown: 0 })
    const open = { number: 7, body: bodyOf(first) }
    const step = planTracking({ verdict: withOutsider(oleg) }, open, marker, context)
    expect(step.kind === 'update' && step.comment).toContain('Newly listed: `Oleg`')
    const same = planTracking({ verdict: withOutsider(olga) }, open, marker, context)
    expect(same).toMatchObject({ kind: 'update', comment: null })
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

  it('closes an issue whose state cannot be read, without claiming when it opened', () => {
    const step = planTracking({ verdict: passing() }, { number: 7, body: `${marker}\nedited by hand` }, marker, context)
    expect(step).toMatchObject({ kind: 'close', number: 7 })
    expect(bodyOf(step)).toContain(
      'Closed on 2026-11-26 by [the last run](https://github.com/o/r/actions/runs/1), which found everyone compliant. If anyone lacks proven two-factor authentication again, a run opens a new issue.'
    )
    expect(bodyOf(step)).not.toContain('open since')
  })

  it('a run without a verdict on an issue whose state cannot be read says so in a comment and starts from today', () => {
    const step = planTracking({ error: 'outage' }, { number: 7, body: `${marker}\nedited by hand` }, marker, context)
    expect(step).toMatchObject({ kind: 'update', number: 7 })
    expect(step.kind === 'update' && step.comment).toMatch(/could not reach a verdict/)
    expect(readState(bodyOf(step), context.today)).toEqual({ outcome: 'no-verdict', since: '2026-11-26', people: new Map(), counts: null })
  })

  it('quotes a message given as text as it is, not as an unexpected error', () => {
    const body = bodyOf(planTracking({ error: 'Bitbucket answered 401' }, null, marker, context))
    expect(body).not.toContain('Unexpected error')
    expect(body).not.toContain('Please report it')
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

  it('the tracking-issue page states how many people the hidden state keeps', () => {
    const page = readFileSync(new URL('../../../docs/tracking-issue.md', import.meta.url), 'utf8').replace(/\s+/g, ' ')
    expect(MAX_STATE_PEOPLE).toBe(400)
    expect(page).toContain('at most **400 people** (the 400 earliest dates')
    expect(page).toContain('Beyond 400 people')
    expect(page).toContain('noticed by the counts only')
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

describe('nothing outlives redaction (names withheld for the issue)', () => {
  const redacted: IssueContext = { ...context, redact: true }
  const known = () =>
    issueWith(
      [
        [bob.uuid, '2026-10-05'],
        [cy.uuid, '2026-10-06']
      ],
      { counts: { nonCompliant: 1, unknown: 1 } }
    )
  /**
   * Every identifier of the people the earlier, unredacted state held, and of the verdict, also as they
   * survive Markdown escaping (their last 12 hex digits, the account id's number).
   */
  const identifiers = [bob, cy]
    .flatMap((p) => [p.uuid, p.uuid.slice(-13, -1), p.accountId ?? '', (p.accountId ?? '').split(':').at(1) ?? '', p.displayName, p.nickname])
    .filter((t) => t !== '')
  const written = (step: TrackingStep): string => [bodyOf(step), 'comment' in step ? (step.comment ?? '') : '', 'title' in step ? step.title : ''].join('\n')
  const failure = () =>
    new GateError(`${bob.accountId ?? ''} is given to ${bob.uuid} and ${cy.uuid}`, { redactedMessage: 'One account id is given to two members.' })

  it('a run without a verdict stores no one, whatever the previous state held, and says so in counts only', () => {
    const step = planTracking({ error: failure() }, known(), marker, redacted)
    expect(step).toMatchObject({ kind: 'update', number: 7 })
    for (const id of identifiers) expect(written(step)).not.toContain(id)
    expect(bodyOf(step)).toContain('One account id is given to two members')
    expect(readState(bodyOf(step), context.today)).toEqual({
      outcome: 'no-verdict',
      since: '2026-10-01',
      people: new Map(),
      counts: { nonCompliant: 1, unknown: 1 }
    })
    expect(bodyOf(step)).toContain('"people":{}')
  })

  it('a run without a verdict drops the earlier uuids from the hidden state (whatever the error is)', () => {
    const step = planTracking({ error: 'outage' }, known(), marker, redacted)
    for (const id of identifiers) expect(written(step)).not.toContain(id)
    expect(readState(bodyOf(step), context.today)?.people).toEqual(new Map())
  })

  it('a run without a verdict, names shown, keeps the people and quotes the message', () => {
    const step = planTracking({ error: failure() }, known(), marker, context)
    expect(bodyOf(step)).toContain(bob.uuid.slice(-13, -1))
    expect(readState(bodyOf(step), context.today)?.people.size).toBe(2)
  })

  it('a run with a verdict writes no identifier into the body or the comment, even after an unredacted state', () => {
    const moved = planTracking({ verdict: verdictOf([ada, bob, cy, member('disabled')]) }, known(), marker, redacted)
    expect(moved.kind === 'update' && moved.comment).toMatch(/^The set of people changed\./)
    for (const id of identifiers) expect(written(moved)).not.toContain(id)
    expect(readState(bodyOf(moved), context.today)?.people.size).toBe(0)
    const opened = planTracking({ verdict: failing() }, null, marker, redacted)
    for (const id of identifiers) expect(written(opened)).not.toContain(id)
  })

  it('the comments of a broken run, a return and a close carry no identifier', () => {
    const broken = planTracking({ error: failure() }, known(), marker, redacted)
    expect(broken.kind === 'update' && broken.comment).toContain('could not reach a verdict')
    const back = planTracking({ verdict: failing() }, { number: 7, body: bodyOf(broken) }, marker, redacted)
    expect(back.kind === 'update' && back.comment).toMatch(/^The audit reached a verdict again\./)
    const closed = planTracking({ verdict: verdictOf([ada, { ...bob, twoFactor: 'enabled' }]) }, known(), marker, redacted)
    expect(closed.kind).toBe('close')
    expect(bodyOf(closed)).toContain('## ✅ Bitbucket 2FA gate')
    for (const step of [broken, back, closed]) for (const id of identifiers) expect(written(step)).not.toContain(id)
  })

  it('quotes no server text in the issue when names are withheld, only its shape', () => {
    const scrub = (text: string) => text
    const said = {
      who: 'Bitbucket',
      how: 'says' as const,
      text: ServerText.of(`no such member ${bob.uuid}`, scrub, { contentType: 'application/json', body: '{"x":1}' })
    }
    const error = new GateError('Bitbucket answered 500.', { said })
    const shown = planTracking({ error }, null, marker, context)
    expect(bodyOf(shown)).toContain(`no such member ${bob.uuid}`)
    const withheld = planTracking({ error }, null, marker, redacted)
    expect(bodyOf(withheld)).not.toContain(bob.uuid.slice(-13, -1))
    expect(bodyOf(withheld)).not.toContain('no such member')
    expect(bodyOf(withheld)).toContain('7 bytes')
  })

  it('words an unexpected error itself when names are withheld: its text may hold anything', () => {
    const step = planTracking({ error: new TypeError(`Unexpected token in ${bob.uuid}`) }, null, marker, redacted)
    expect(bodyOf(step)).not.toContain(bob.uuid.slice(-13, -1))
    expect(bodyOf(step)).not.toContain('Unexpected token')
    expect(bodyOf(step)).toContain('unexpected error')
    const shown = planTracking({ error: new TypeError('Unexpected token') }, null, marker, context)
    expect(bodyOf(shown)).toContain('Unexpected error: Unexpected token. Please report it at the issue tracker.')
  })
})
