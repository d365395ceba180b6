import { describe, expect, it } from 'vitest'
import { annotationOf, exemptionWarningsOf, logLinesOf } from '../support/present.js'
import { decideCompliance } from '../../src/gate/verdict.js'
import { HOSTILE_NAMES as HOSTILE, listing, member, verdictOf } from '../support/members.js'

describe('log lines and annotation', () => {
  it('never lets member text start a line or a workflow command', () => {
    const people = HOSTILE.map((name) => member('disabled', { displayName: name, nickname: name, accountId: name }))
    const verdict = verdictOf([member('enabled'), ...people])
    const lines = [...logLinesOf(verdict, { redact: false, workspaces: ['acme'] }), annotationOf(verdict, { redact: false, workspaces: ['acme'] })]
    for (const line of lines) {
      expect(line).not.toMatch(/[\r\n\u2028\u2029]/)
      expect(line.trimStart()).not.toMatch(/^::/)
      expect(line).not.toContain('::error::')
      expect(line).not.toMatch(/[\u200b-\u200f\u202a-\u202e\u2066-\u2069]/)
    }
  })

  it('does not speak of people without 2FA when only unknown flags fail the gate', () => {
    const verdict = verdictOf([member('enabled'), member('unknown'), member('unknown')])
    expect(annotationOf(verdict, { redact: true, workspaces: ['acme'] })).toMatch(/^Bitbucket 2FA gate: 2 with an unknown 2FA flag\. Names withheld/)
    expect(annotationOf(verdict, { redact: false, workspaces: ['acme'] })).not.toContain('0 without')
  })

  it('says "1 API request" and "2 API requests"', () => {
    expect(logLinesOf(verdictOf([member('enabled')]), { redact: false, workspaces: ['acme'] }).at(-1)).toBe(
      '1 API request used (Bitbucket allows 1,000 an hour per user).'
    )
    const two = decideCompliance([listing('acme', [member('enabled')], 2)], { exemptions: [], today: '2026-11-26', failOnUnknown: true })
    const lines = logLinesOf(two, { redact: false, workspaces: ['acme'] })
    expect(lines[0]).toBe('Scope: Every member and admin of acme: 1 person (admins could not be looked up).')
    expect(lines[1]).toMatch(/^Workspace acme: 1 member, .*; 2 API requests$/)
  })

  it('names up to ten people in the annotation', () => {
    const verdict = verdictOf([member('enabled'), ...Array.from({ length: 12 }, () => member('disabled'))])
    const text = annotationOf(verdict, { redact: false, workspaces: ['acme'] })
    expect(text).toMatch(/^Bitbucket 2FA gate: 12 without two-factor authentication\./)
    expect(text.split('; ')).toHaveLength(10)
    expect(text).toContain('and 2 more')
  })

  it('withholds names when redacting', () => {
    const verdict = verdictOf([member('enabled'), member('disabled', { displayName: 'Hidden' })])
    expect(annotationOf(verdict, { redact: true, workspaces: ['acme'] })).not.toContain('Hidden')
    expect(logLinesOf(verdict, { redact: true, workspaces: ['acme'] }).join('\n')).not.toContain('Hidden')
  })
})

describe('exemption warnings', () => {
  const off = () => member('disabled')

  it('does not warn that the gate fails when another line (account id or uuid, either way) keeps the person exempt', () => {
    const p = off()
    expect(exemptionWarningsOf(verdictOf([member('enabled'), p], `${p.uuid} until 2026-12-01\n${p.accountId!} # key on order`))).toEqual([])
    expect(exemptionWarningsOf(verdictOf([member('enabled'), p], `${p.accountId!} until 2026-12-01\n${p.uuid} until 2027-06-30`))).toEqual([])
  })

  it('names only the line that truly ends, with its day', () => {
    const p = off()
    expect(exemptionWarningsOf(verdictOf([member('enabled'), p], `${p.uuid} until 2026-12-01\n${p.accountId!} until 2026-12-05`))).toEqual([
      'Exemption on `exempt` line 2 ends on 2026-12-05: after that the gate fails for that person unless they turn on 2FA.'
    ])
  })

  it('does not warn of an expired line while another line keeps the person exempt, but does when none does', () => {
    const p = off()
    expect(exemptionWarningsOf(verdictOf([member('enabled'), p], `${p.accountId!} until 2026-11-01\n${p.uuid}`))).toEqual([])
    expect(exemptionWarningsOf(verdictOf([member('enabled'), p], `${p.accountId!} until 2026-11-01\n${p.uuid} until 2026-12-10`))).toEqual([
      'Exemption on `exempt` line 2 ends on 2026-12-10: after that the gate fails for that person unless they turn on 2FA.'
    ])
    expect(exemptionWarningsOf(verdictOf([member('enabled'), p], `${p.accountId!} until 2026-11-01\n${p.uuid} until 2026-11-20`))).toEqual([
      'Exemption on `exempt` line 1 expired on 2026-11-01 and no longer applies.',
      'Exemption on `exempt` line 2 expired on 2026-11-20 and no longer applies.'
    ])
  })
})

describe('the annotation names the clearest cases first', () => {
  it('lists people without 2FA before unknowns, each by name, within its ten names', () => {
    const unknowns = Array.from({ length: 12 }, (_, i) => member('unknown', { displayName: `Aaron ${i}` }))
    const off = [member('disabled', { displayName: 'Zed Off' }), member('disabled', { displayName: 'Yan Off' })]
    const text = annotationOf(verdictOf([member('enabled'), ...unknowns, ...off]))
    expect(text.indexOf('Yan Off')).toBeGreaterThan(0)
    expect(text.indexOf('Yan Off')).toBeLessThan(text.indexOf('Zed Off'))
    expect(text.indexOf('Zed Off')).toBeLessThan(text.indexOf('Aaron 0'))
    expect(text).toContain('and 4 more (see the job summary)')
  })
})
