import { describe, expect, it } from 'vitest'
import { parseExemptions } from '../../src/exemptions.js'
import type { Member } from '../../src/model.js'
import { annotationText, verdictLogLines } from '../../src/report/log.js'
import { BROKEN_RUN_OUTPUTS, buildOutputs } from '../../src/report/outputs.js'
import { MAX_ROWS, MAX_SUMMARY_BYTES, REDACTED_NOTE, renderErrorSummary, renderSummary } from '../../src/report/summary.js'
import { decideCompliance } from '../../src/verdict.js'
import { nodesOfType, parseGfm, tablesByHeading, textOf } from '../support/markdown.js'
import { listing, member } from './helpers.js'

const verdictOf = (members: Member[], exempt = '') =>
  decideCompliance([listing('acme', members)], { exemptions: parseExemptions(exempt), today: '2026-11-26', failOnUnknown: true })

const HOSTILE = [
  'Eve\n::error::pwned',
  '::add-mask::x',
  '%0A::warning::encoded',
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  'a | b | c',
  '[click](javascript:alert(1))',
  '**bold** _x_ `code` ~~s~~',
  'www.evil.example https://evil.example',
  '\u202eevil\u202c',
  'zero\u200bwidth\u200d',
  '&lt;b&gt; &amp;',
  '\\| escaped pipe',
  '# heading',
  '> quote',
  '- list'
]

describe('renderSummary', () => {
  it('has one table row per listed person and no raw HTML, whatever the names', () => {
    const people = HOSTILE.map((name, i) => member(i % 2 === 0 ? 'disabled' : 'unknown', { displayName: name, nickname: name }))
    const verdict = verdictOf([member('enabled'), ...people])
    const markdown = renderSummary(verdict, { redact: false, failOnViolation: true })
    const tree = parseGfm(markdown)
    expect(nodesOfType(tree, 'html')).toEqual([])
    expect(nodesOfType(tree, 'link')).toEqual([])
    const tables = tablesByHeading(tree)
    const without = tables.get('Without two-factor authentication (8)')
    const unknown = [...tables.entries()].find(([heading]) => heading.startsWith('Unknown'))?.[1]
    expect(without?.children).toHaveLength(1 + 8)
    expect(unknown?.children).toHaveLength(1 + 8)
    for (const row of [...without!.children.slice(1), ...unknown!.children.slice(1)]) expect(row.children).toHaveLength(4)
    const names = [...without!.children.slice(1), ...unknown!.children.slice(1)].map((row) => textOf(row.children[0]!).replace(/\u2060/g, ''))
    expect(names).toContain('<img src=x onerror=alert(1)>')
    expect(names).toContain('a | b | c')
    expect(names).toContain('evil')
    expect(names).toContain('zerowidth')
    expect(names).toContain('Eve ::error::pwned')
  })

  it('keeps real names readable', () => {
    const names = ['Zoë Ångström', '李小龍', 'עברית', 'Ana 👩🏽‍💻']
    const verdict = verdictOf([member('enabled'), ...names.map((displayName) => member('disabled', { displayName }))])
    const rows = tablesByHeading(parseGfm(renderSummary(verdict, { redact: false, failOnViolation: true }))).get('Without two-factor authentication (4)')!
    expect(rows.children.slice(1).map((row) => textOf(row.children[0]!)).sort()).toEqual(['Ana 👩🏽💻', 'Zoë Ångström', 'עברית', '李小龍'].sort())
  })

  it('withholds names, nicknames and account ids when redacting, but keeps the counts', () => {
    const bad = member('disabled', { displayName: 'Secret Name', nickname: 'secretnick', accountId: '557058:secret-id' })
    const verdict = verdictOf([member('enabled'), bad, member('unknown', { displayName: 'Other Name' })], bad.accountId!)
    const markdown = renderSummary(verdict, { redact: true, failOnViolation: true })
    expect(markdown).not.toMatch(/Secret Name|secretnick|secret-id|Other Name|Person \d/)
    expect(markdown).toContain(REDACTED_NOTE.slice(0, 40))
    expect(markdown).toContain('### Unknown')
    expect(markdown).toContain('| acme | 3 | 1 | 0 | 1 | 1 | 0 | 1 |')
  })

  it('says the verdict, the per-workspace counts, the exemptions and how to fix', () => {
    const bad = member('disabled')
    const exempt = member('disabled', { displayName: 'Exempt Person' })
    const verdict = verdictOf(
      [member('enabled'), bad, exempt, member('unknown', { isAppUser: true, displayName: 'CI Bot' })],
      `${exempt.accountId!} until 2027-01-31 # key | on order\nghost-account`
    )
    const markdown = renderSummary(verdict, { redact: false, failOnViolation: false })
    expect(markdown).toContain('## ❌ Bitbucket 2FA gate: 1 without two-factor authentication of 3 people (report only: `fail-on-violation: false`)')
    expect(markdown).toContain('| acme | 4 | 1 | 1 | 0 | 1 | 1 | 1 |')
    expect(markdown).toContain('| Exempt Person |')
    expect(markdown).toContain('2027-01-31 | key \\| on order |')
    expect(markdown).toContain('ghost\\-account) matches no member')
    expect(markdown).toContain('### App users (1)')
    expect(markdown).toContain('### How to fix')
    expect(markdown).toContain('API requests used: 1')
  })

  it('caps each table and points to the outputs', () => {
    const many = Array.from({ length: MAX_ROWS + 3 }, () => member('disabled'))
    const markdown = renderSummary(verdictOf([member('enabled'), ...many]), { redact: false, failOnViolation: true })
    const table = tablesByHeading(parseGfm(markdown)).get(`Without two-factor authentication (${MAX_ROWS + 3})`)!
    expect(table.children).toHaveLength(MAX_ROWS + 1)
    expect(markdown).toContain('… and 3 more: the full list is in the step\'s outputs.')
  })

  it('stays under GitHub\'s 1 MiB summary limit whatever the names', () => {
    const worst = '<.:@|>'.repeat(14)
    const people = Array.from({ length: 3 * 2000 }, (_, i) =>
      member(i % 3 === 0 ? 'disabled' : i % 3 === 1 ? 'unknown' : 'disabled', { displayName: worst, nickname: worst, isAppUser: i % 3 === 2 })
    )
    const markdown = renderSummary(verdictOf([member('enabled'), ...people]), { redact: false, failOnViolation: true })
    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(MAX_SUMMARY_BYTES)
    expect(Buffer.byteLength(renderSummary(verdictOf([member('enabled'), ...people]), { redact: false, failOnViolation: true, maxRows: 10_000 }))).toBeLessThanOrEqual(MAX_SUMMARY_BYTES)
    expect(markdown).toContain('more: the full list is in the step\'s outputs.')
    expect(nodesOfType(parseGfm(markdown), 'html')).toEqual([])
  })

  it('renders a broken run apart from a verdict, with the message escaped', () => {
    const markdown = renderErrorSummary('Bitbucket answered 401 <b>x</b>')
    expect(markdown).toContain('no verdict, the check itself failed')
    expect(nodesOfType(parseGfm(markdown), 'html')).toEqual([])
  })
})

describe('log lines and annotation', () => {
  it('never lets member text start a line or a workflow command', () => {
    const people = HOSTILE.map((name) => member('disabled', { displayName: name, nickname: name, accountId: name }))
    const verdict = verdictOf([member('enabled'), ...people])
    const lines = [...verdictLogLines(verdict, false), annotationText(verdict, false)]
    for (const line of lines) {
      expect(line).not.toMatch(/[\r\n\u2028\u2029]/)
      expect(line.trimStart()).not.toMatch(/^::/)
      expect(line).not.toContain('::error::')
      expect(line).not.toMatch(/[\u200b-\u200f\u202a-\u202e\u2066-\u2069]/)
    }
  })

  it('names up to ten people in the annotation', () => {
    const verdict = verdictOf([member('enabled'), ...Array.from({ length: 12 }, () => member('disabled'))])
    const text = annotationText(verdict, false)
    expect(text).toMatch(/^Bitbucket 2FA gate: 12 without two-factor authentication\./)
    expect(text.split('; ')).toHaveLength(10)
    expect(text).toContain('and 2 more')
  })

  it('withholds names when redacting', () => {
    const verdict = verdictOf([member('enabled'), member('disabled', { displayName: 'Hidden' })])
    expect(annotationText(verdict, true)).not.toContain('Hidden')
    expect(verdictLogLines(verdict, true).join('\n')).not.toContain('Hidden')
  })
})

describe('buildOutputs', () => {
  it('gives counts and JSON lists with full data', () => {
    const bad = member('disabled', { displayName: 'Zoë\u2028<b>' })
    const outputs = buildOutputs(verdictOf([member('enabled'), bad, member('unknown')]))
    expect(outputs).toMatchObject({ compliant: 'false', 'member-count': '3', 'non-compliant-count': '1', 'unknown-count': '1', 'exempt-count': '0' })
    expect(outputs['non-compliant']).not.toContain('\u2028')
    expect(JSON.parse(outputs['non-compliant']!)).toEqual([
      { uuid: bad.uuid, account_id: bad.accountId, display_name: 'Zoë\u2028<b>', nickname: bad.nickname, workspaces: ['acme'] }
    ])
  })
})

describe('BROKEN_RUN_OUTPUTS', () => {
  it('sets every output, with compliant=false and nothing that reads as a count', () => {
    expect(Object.keys(BROKEN_RUN_OUTPUTS).sort()).toEqual(Object.keys(buildOutputs(verdictOf([member('enabled')]))).sort())
    expect(Object.entries(BROKEN_RUN_OUTPUTS).filter(([, value]) => value !== '')).toEqual([['compliant', 'false']])
  })
})
