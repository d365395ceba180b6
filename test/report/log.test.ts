import { describe, expect, it } from 'vitest'
import { annotationText, verdictLogLines } from '../../src/report/log.js'
import { decideCompliance } from '../../src/gate/verdict.js'
import { HOSTILE_NAMES as HOSTILE, listing, member, verdictOf } from '../support/members.js'

describe('log lines and annotation', () => {
  it('never lets member text start a line or a workflow command', () => {
    const people = HOSTILE.map((name) => member('disabled', { displayName: name, nickname: name, accountId: name }))
    const verdict = verdictOf([member('enabled'), ...people])
    const lines = [...verdictLogLines(verdict, { redact: false, workspaces: ['acme'] }), annotationText(verdict, { redact: false, workspaces: ['acme'] })]
    for (const line of lines) {
      expect(line).not.toMatch(/[\r\n\u2028\u2029]/)
      expect(line.trimStart()).not.toMatch(/^::/)
      expect(line).not.toContain('::error::')
      expect(line).not.toMatch(/[\u200b-\u200f\u202a-\u202e\u2066-\u2069]/)
    }
  })

  it('does not speak of people without 2FA when only unknown flags fail the gate', () => {
    const verdict = verdictOf([member('enabled'), member('unknown'), member('unknown')])
    expect(annotationText(verdict, { redact: true, workspaces: ['acme'] })).toMatch(/^Bitbucket 2FA gate: 2 with an unknown 2FA flag\. Names withheld/)
    expect(annotationText(verdict, { redact: false, workspaces: ['acme'] })).not.toContain('0 without')
  })

  it('says "1 API request" and "2 API requests"', () => {
    expect(verdictLogLines(verdictOf([member('enabled')]), { redact: false, workspaces: ['acme'] }).at(-1)).toBe(
      "1 API request used of Bitbucket's 1,000 an hour per user."
    )
    const two = decideCompliance([listing('acme', [member('enabled')], 2)], { exemptions: [], today: '2026-11-26', failOnUnknown: true })
    expect(verdictLogLines(two, { redact: false, workspaces: ['acme'] })[0]).toMatch(/1 member, .*; 2 API requests$/)
  })

  it('names up to ten people in the annotation', () => {
    const verdict = verdictOf([member('enabled'), ...Array.from({ length: 12 }, () => member('disabled'))])
    const text = annotationText(verdict, { redact: false, workspaces: ['acme'] })
    expect(text).toMatch(/^Bitbucket 2FA gate: 12 without two-factor authentication\./)
    expect(text.split('; ')).toHaveLength(10)
    expect(text).toContain('and 2 more')
  })

  it('withholds names when redacting', () => {
    const verdict = verdictOf([member('enabled'), member('disabled', { displayName: 'Hidden' })])
    expect(annotationText(verdict, { redact: true, workspaces: ['acme'] })).not.toContain('Hidden')
    expect(verdictLogLines(verdict, { redact: true, workspaces: ['acme'] }).join('\n')).not.toContain('Hidden')
  })
})
