import { describe, expect, it } from 'vitest'
import { parseExemptions } from '../../src/config/exemptions.js'
import type { Member } from '../../src/gate/types.js'
import { MAX_ROWS, MAX_SUMMARY_BYTES, proseWithCode, renderErrorSummary } from '../../src/present/summary.js'
import { summaryOf } from '../support/present.js'
import { decideCompliance } from '../../src/gate/verdict.js'
import { nodesOfType, parseGfm, renderProblems, tablesByHeading, textOf } from '../support/markdown.js'
import { HOSTILE_NAMES as HOSTILE, listing, member, verdictOf } from '../support/members.js'

describe('renderSummary', () => {
  it('has one table row per listed person and no raw HTML, whatever the names', () => {
    const people = HOSTILE.map((name, i) => member(i % 2 === 0 ? 'disabled' : 'unknown', { displayName: name, nickname: name }))
    const verdict = verdictOf([member('enabled'), ...people])
    const markdown = summaryOf(verdict, { redact: false, failOnViolation: true, workspaces: ['acme'] })
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
    const rows = tablesByHeading(parseGfm(summaryOf(verdict, { redact: false, failOnViolation: true, workspaces: ['acme'] }))).get(
      'Without two-factor authentication (4)'
    )!
    expect(
      rows.children
        .slice(1)
        .map((row) => textOf(row.children[0]!))
        .sort()
    ).toEqual(['Ana 👩🏽💻', 'Zoë Ångström', 'עברית', '李小龍'].sort())
  })

  it('withholds names, nicknames and account ids when redacting, but keeps the counts', () => {
    const bad = member('disabled', { displayName: 'Secret Name', nickname: 'secretnick', accountId: '557058:secret-id' })
    const verdict = verdictOf([member('enabled'), bad, member('unknown', { displayName: 'Other Name' })], bad.accountId!)
    const markdown = summaryOf(verdict, { redact: true, failOnViolation: true, workspaces: ['acme'] })
    expect(markdown).not.toMatch(/Secret Name|secretnick|secret-id|Other Name|Person \d/)
    expect(markdown).toContain('**Names withheld.** Names, nicknames and account ids are not shown: this repository is public')
    expect(markdown).toContain(
      'run bitbucket-2fa-gate 1.2.3 on your own machine with `BITBUCKET_EMAIL` and `BITBUCKET_TOKEN` set: ' +
        '`git clone https://github.com/acme-tools/bitbucket-2fa-gate.git bitbucket-2fa-gate && git -C bitbucket-2fa-gate checkout v1.2.3`, ' +
        'then `node bitbucket-2fa-gate/dist/cli.js --workspace acme`'
    )
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
    const markdown = summaryOf(verdict, { redact: false, failOnViolation: false, workspaces: ['acme'] })
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
    const markdown = summaryOf(verdictOf([member('enabled'), ...many]), { redact: false, failOnViolation: true, workspaces: ['acme'] })
    const table = tablesByHeading(parseGfm(markdown)).get(`Without two-factor authentication (${MAX_ROWS + 3})`)!
    expect(table.children).toHaveLength(MAX_ROWS + 1)
    expect(markdown).toContain('… and 3 more. To see everyone, run bitbucket-2fa-gate 1.2.3 on your own machine')
  })

  it("stays under GitHub's 1 MiB summary limit whatever the names", () => {
    const worst = '<.:@|>'.repeat(14)
    const people = Array.from({ length: 3 * 2000 }, (_, i) =>
      member(i % 3 === 0 ? 'disabled' : i % 3 === 1 ? 'unknown' : 'disabled', { displayName: worst, nickname: worst, isAppUser: i % 3 === 2 })
    )
    const markdown = summaryOf(verdictOf([member('enabled'), ...people]), { redact: false, failOnViolation: true, workspaces: ['acme'] })
    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(MAX_SUMMARY_BYTES)
    expect(
      Buffer.byteLength(summaryOf(verdictOf([member('enabled'), ...people]), { redact: false, failOnViolation: true, workspaces: ['acme'], maxRows: 10_000 }))
    ).toBeLessThanOrEqual(MAX_SUMMARY_BYTES)
    expect(markdown).toContain('more. To see everyone, run bitbucket-2fa-gate 1.2.3')
    expect(nodesOfType(parseGfm(markdown), 'html')).toEqual([])
  })

  it('renders a broken run apart from a verdict, with the message escaped', () => {
    const markdown = renderErrorSummary('Bitbucket answered 401 <b>x</b>')
    expect(markdown).toContain('no verdict, the check itself failed')
    expect(nodesOfType(parseGfm(markdown), 'html')).toEqual([])
  })

  it("renders an error as prose: input names as code, no quote block, Bitbucket's words inert", () => {
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

describe('what an admin sees', () => {
  const render = (members: Member[], exempt = '', redact = false, failOnUnknown = true) =>
    summaryOf(decideCompliance([listing('acme', members)], { exemptions: parseExemptions(exempt), today: '2026-11-26', failOnUnknown }), {
      redact,
      failOnViolation: true,
      workspaces: ['acme']
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
    expect(render([member('enabled')])).toContain('## ✅ Bitbucket 2FA gate: the 1 person has two-factor authentication')
  })

  it('names exemptions that end within 14 days', () => {
    const soon = member('disabled')
    const markdown = render([member('enabled'), soon], `${soon.accountId!} until 2026-12-01`)
    expect(markdown).toContain(`- \`exempt\` line 1 (\`${soon.accountId!}\`) ends on 2026-12-01: after that the gate fails for that person.`)
  })
})

describe('the organization warning in the summary', () => {
  it('renders once as prose next to the verdict, its code spans kept, before any list and before "How to fix"', () => {
    const base = verdictOf([member('enabled'), member('disabled', { displayName: 'Dee Nothing' })])
    const warning = new Error(
      'The Atlassian organization API answered 401 for organization `org-5f2c9a1e`. Check `atlassian-api-key`. Bitbucket\u2019s flag alone decides this run.'
    )
    const verdict = { ...base, secondSource: { accepted: false, states: new Map(), requests: 1, warning } }
    for (const redact of [false, true]) {
      const markdown = summaryOf(verdict, { redact, failOnViolation: true, workspaces: ['acme'] })
      expect(renderProblems(markdown)).toEqual([])
      const tree = parseGfm(markdown)
      const paragraphs = nodesOfType(tree, 'paragraph').map((node) => textOf(node))
      const notes = paragraphs.filter((text) => text.includes('could not be asked'))
      expect(notes).toHaveLength(1)
      expect(notes[0]).not.toContain('`')
      expect(nodesOfType(tree, 'inlineCode').map((node) => textOf(node))).toEqual(expect.arrayContaining(['org-5f2c9a1e', 'atlassian-api-key']))
      expect(markdown.split('alone decides').length - 1).toBe(1)
      const at = markdown.indexOf('could not be asked')
      expect(at).toBeLessThan(markdown.indexOf('### Without two-factor authentication'))
      expect(at).toBeLessThan(markdown.indexOf('### How to fix'))
    }
  })
})

describe('exemption lines that another line outlasts', () => {
  it('are tidy-ups naming the line that keeps the person exempt, not a warning that the gate will fail', () => {
    const person = member('disabled')
    const verdict = verdictOf([member('enabled'), person], `${person.uuid} until 2026-12-01\n${person.accountId ?? ''}`)
    const markdown = summaryOf(verdict, { redact: true, failOnViolation: true, workspaces: ['acme'] })
    expect(markdown).toContain('- `exempt` line 1 ends on 2026-12-01, but line 2 keeps that person exempt with no end: nothing changes for the gate then.')
    expect(markdown).not.toContain('after that the gate fails')
    const expired = verdictOf([member('enabled'), person], `${person.uuid} until 2026-11-01\n${person.accountId ?? ''} until 2027-06-30`)
    const text = summaryOf(expired, { redact: true, failOnViolation: true, workspaces: ['acme'] })
    expect(text).toContain('- `exempt` line 1 expired on 2026-11-01; line 2 keeps that person exempt until 2027-06-30: remove line 1.')
    expect(text).not.toContain('no longer applies')
  })
})

describe('the words of one run', () => {
  it('sorts names as people expect: Person 2 before Person 10', () => {
    const verdict = verdictOf([member('enabled'), ...['Person 10', 'person 2', 'Person 1'].map((displayName) => member('disabled', { displayName }))])
    const rows = tablesByHeading(parseGfm(summaryOf(verdict))).get('Without two-factor authentication (3)')!
    expect(rows.children.slice(1).map((row) => textOf(row.children[0]!))).toEqual(['Person 1', 'person 2', 'Person 10'])
  })

  it('groups the numbers for people, and keeps them plain in the outputs', () => {
    const people = Array.from({ length: 1200 }, (_, i) => member('disabled', { displayName: `P${i}` }))
    const verdict = verdictOf([member('enabled'), ...people])
    expect(summaryOf(verdict, { redact: true })).toContain('## ❌ Bitbucket 2FA gate: 1,200 without two-factor authentication of 1,201 people')
    expect(summaryOf(verdict, { redact: true })).toContain('| `acme` | 1,201 | 1 | 1,200 |')
  })

  it.each([
    ['public', 'this repository is public'],
    ['internal', 'this repository is internal'],
    ['unknown', 'the gate could not tell whether this repository is private'],
    ['asked', 'names were asked to be withheld (`redact: true`)']
  ] as const)('names the visibility that withheld the names (%s), and speaks of people counted, not listed', (because, words) => {
    const verdict = verdictOf([member('enabled'), member('disabled'), member('unknown')])
    const markdown = summaryOf(verdict, { redact: because })
    expect(markdown).toContain(words)
    expect(markdown).toContain('The 2 people counted above turn on two-step verification in Bitbucket')
    expect(markdown).not.toContain('Each person listed')
  })

  it('says "the person counted above" for one, and "each person listed" when names are shown', () => {
    const verdict = verdictOf([member('enabled'), member('disabled')])
    expect(summaryOf(verdict, { redact: true })).toContain('The person counted above turns on two-step verification')
    expect(summaryOf(verdict)).toContain('Each person listed turns on two-step verification')
  })
})

describe('prose of ours in Markdown', () => {
  it('escapes what would mention a person or a team, or link an issue, and keeps code spans', () => {
    expect(proseWithCode('Ask @acme/admins about #12, then set `redact: false`.')).toBe('Ask \\@acme/admins about \\#12, then set `redact: false`.')
  })
})
