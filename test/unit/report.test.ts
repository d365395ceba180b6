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
    expect(markdown).toContain('| `acme` | 3 | 1 | 0 | 1 | 1 | 0 | 1 |')
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
    expect(markdown).toContain('| `acme` | 4 | 1 | 1 | 0 | 1 | 1 | 1 |')
    expect(markdown).toContain(`| \`Exempt Person\` | \`${exempt.accountId!}\` | off | 2027-01-31 | 1 | key \\| on order |`)
    expect(markdown).toContain('- `exempt` line 2 (`ghost-account`) matches no member.')
    expect(markdown).toContain('### App users (1)')
    expect(markdown).toContain('### How to fix')
    expect(markdown).toContain('1 API request used (Bitbucket allows 1,000 an hour per user).')
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

  it('renders an error as prose: input names as code, no quote block, Bitbucket\'s words inert', () => {
    const message =
      'Bitbucket answered 401 Unauthorized for workspace "acme" with an Atlassian API token with `email` (HTTP Basic). ' +
      'Bitbucket says: `see www.evil.example <b>now</b>`. Check that `email` is right.'
    const tree = parseGfm(renderErrorSummary(message))
    expect(nodesOfType(tree, 'blockquote')).toEqual([])
    expect(nodesOfType(tree, 'html')).toEqual([])
    expect(nodesOfType(tree, 'link')).toEqual([])
    expect(nodesOfType(tree, 'inlineCode').map(textOf)).toEqual(['email', 'see www.evil.example <b>now</b>', 'email', 'compliant', 'false'])
    const [, paragraph] = tree.children
    expect(paragraph?.type).toBe('paragraph')
    expect(textOf(paragraph!)).toBe(message.replace(/`/g, ''))
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

  it('does not speak of people without 2FA when only unknown flags fail the gate', () => {
    const verdict = verdictOf([member('enabled'), member('unknown'), member('unknown')])
    expect(annotationText(verdict, true)).toMatch(/^Bitbucket 2FA gate: 2 with an unknown 2FA flag\. Names withheld/)
    expect(annotationText(verdict, false)).not.toContain('0 without')
  })

  it('says "1 API request" and "2 API requests"', () => {
    expect(verdictLogLines(verdictOf([member('enabled')]), false).at(-1)).toBe("1 API request used of Bitbucket's 1,000 an hour per user.")
    const two = decideCompliance([listing('acme', [member('enabled')], 2)], { exemptions: [], today: '2026-11-26', failOnUnknown: true })
    expect(verdictLogLines(two, false)[0]).toMatch(/1 member, .*; 2 API requests$/)
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
    expect(outputs['non-compliant']).toContain('Zoë\\u2028<b>')
    expect(JSON.parse(outputs['non-compliant']!)).toEqual([
      { uuid: bad.uuid, account_id: bad.accountId, display_name: 'Zoë\u2028<b>', nickname: bad.nickname, workspaces: ['acme'] }
    ])
  })
})

describe('outputs keep raw names with invisible characters visible as escapes', () => {
  it('writes U+2066 and tag characters as \\u escapes', () => {
    const bad = member('disabled', { displayName: 'Ad\u2066min\u{E0041}' })
    const json = buildOutputs(verdictOf([member('enabled'), bad]))['non-compliant']!
    expect(json).toContain('"display_name":"Ad\\u2066min\\udb40\\udc41"')
    expect((JSON.parse(json) as { display_name: string }[])[0]!.display_name).toBe('Ad\u2066min\u{E0041}')
  })
})

describe('BROKEN_RUN_OUTPUTS', () => {
  it('sets every output, with compliant=false and nothing that reads as a count', () => {
    expect(BROKEN_RUN_OUTPUTS).toEqual({
      compliant: 'false',
      'member-count': '',
      'non-compliant-count': '',
      'unknown-count': '',
      'exempt-count': '',
      'non-compliant': '',
      unknown: ''
    })
  })
})

describe('what an admin sees', () => {
  const render = (members: Member[], exempt = '', redact = false, failOnUnknown = true) =>
    renderSummary(decideCompliance([listing('acme', members)], { exemptions: parseExemptions(exempt), today: '2026-11-26', failOnUnknown }), {
      redact,
      failOnViolation: true
    })

  it('shows every account id and uuid as a code span that copies exactly, and inserts no invisible character', () => {
    const withId = member('disabled', { accountId: '557058:3f2a9c1e-0b7d-4c1e-9f00-1a2b3c4d5e6f' })
    const withoutId = member('unknown', { accountId: null })
    const markdown = render([member('enabled'), withId, withoutId, member('disabled', { isAppUser: true, accountId: '712020:bot.id@x' })])
    const codes = nodesOfType(parseGfm(markdown), 'inlineCode').map(textOf)
    expect(codes).toContain('557058:3f2a9c1e-0b7d-4c1e-9f00-1a2b3c4d5e6f')
    expect(codes).toContain(withoutId.uuid)
    expect(codes).toContain('712020:bot.id@x')
    expect(markdown).not.toMatch(/[\u200b-\u200f\u2060-\u206f\ufeff]/u)
    expect(nodesOfType(parseGfm(markdown), 'link')).toEqual([])
  })

  it('leaves no heading without a table or a sentence, redacted or not', () => {
    const people = [member('enabled'), member('disabled'), member('unknown'), member('unknown', { isAppUser: true }), member('disabled')]
    for (const redact of [true, false]) {
      const tree = parseGfm(render(people, people[4]!.accountId!, redact))
      tree.children.forEach((node, i) => {
        if (node.type !== 'heading') return
        const next = tree.children[i + 1]
        expect(next?.type, `after "${textOf(node)}"`).toMatch(/^(paragraph|table|list)$/)
      })
      for (const heading of nodesOfType(tree, 'heading')) expect(textOf(heading)).not.toMatch(/\).*\(|\(\(|\)\)/)
    }
  })

  it('says how many app users and people are withheld when redacting', () => {
    const markdown = render([member('enabled'), member('unknown', { isAppUser: true }), member('disabled')], '', true)
    expect(markdown).toContain('### App users (1)\n\nBots and integrations: two-step verification does not apply to them.\n\n1 app user; names withheld')
    expect(markdown).toContain('### Without two-factor authentication (1)\n\n1 person; names withheld (see the note above).')
  })

  it('counts in the singular and plural as English does', () => {
    expect(render([member('enabled')])).toContain('## ✅ Bitbucket 2FA gate: all 1 person have')
  })

  it('names exemptions that end within 14 days', () => {
    const soon = member('disabled')
    const markdown = render([member('enabled'), soon], `${soon.accountId!} until 2026-12-01`)
    expect(markdown).toContain(`- \`exempt\` line 1 (\`${soon.accountId!}\`) ends on 2026-12-01: after that the gate fails for that person.`)
  })
})
