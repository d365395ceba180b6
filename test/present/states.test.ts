import type { Nodes, Root } from 'mdast'
import { describe, expect, it } from 'vitest'
import { parseExemptions } from '../../src/config/exemptions.js'
import { CLI_SPELLING } from '../../src/config/spellings.js'
import { errorMessage, GateError } from '../../src/errors.js'
import type { Member, SecondSource } from '../../src/gate/types.js'
import { decideCompliance, type Verdict } from '../../src/gate/verdict.js'
import { say } from '../../src/sentence.js'
import { code, named } from '../../src/config/catalogue.js'
import { renderErrorSummary } from '../../src/present/summary.js'
import { parseGfm, textOf } from '../support/markdown.js'
import { listing, member } from '../support/members.js'
import { factsOfSummary, factsOfTable } from '../support/facts.js'
import { modelOf, summaryOf, tableOf } from '../support/present.js'

function decide(members: Member[], options: { exempt?: string; failOnUnknown?: boolean; secondSource?: SecondSource } = {}): Verdict {
  return decideCompliance([listing('acme', members)], {
    exemptions: parseExemptions(options.exempt ?? ''),
    today: '2026-11-26',
    failOnUnknown: options.failOnUnknown ?? true,
    ...(options.secondSource === undefined ? {} : { secondSource: options.secondSource })
  })
}

const ada = member('enabled', { displayName: 'Ada Lovelace' })
const bob = member('disabled', { displayName: 'Bob Builder' })
const cy = member('unknown', { displayName: 'Cy Unknown' })
const dee = member('disabled', { displayName: 'Dee Exempt' })
const bot = member('unknown', { displayName: 'Deploy Bot', isAppUser: true })
const organizationDown = new GateError(say`The Atlassian organization API answered 404 for organization \`org-1\`. Check ${code('atlassian-org-id')}.`)

/**
 * Each state a summary can be in, as a reader of the job summary sees it. Rendered inside each test, not
 * when the file loads: a verdict decided at load would make every verdict mutant a static one, which
 * Stryker runs against the whole suite.
 */
const STATES: [string, () => string][] = [
  ['compliant', () => summaryOf(decide([ada, bot]))],
  ['violation', () => summaryOf(decide([ada, bob, bot]))],
  ['unknown only', () => summaryOf(decide([ada, cy]))],
  ['unknown allowed', () => summaryOf(decide([ada, cy], { failOnUnknown: false }))],
  ['exempt', () => summaryOf(decide([ada, dee], { exempt: `${dee.accountId ?? ''} until 2026-12-01 # hardware key on order` }))],
  ['errors', () => renderErrorSummary(errorMessage(new GateError(say`${named('token')} is required: pass an admin's API token with \`email\`.`)))],
  ['redacted', () => summaryOf(decide([ada, bob, cy, dee], { exempt: dee.accountId ?? '' }), { redact: true })],
  [
    'second source accepted',
    () => summaryOf(decide([ada, bob, cy], { secondSource: { accepted: true, states: new Map([[bob.accountId ?? '', 'on']]), requests: 1, warning: null } }))
  ],
  [
    'second source information only',
    () => summaryOf(decide([ada, bob, cy], { secondSource: { accepted: false, states: new Map([[bob.accountId ?? '', 'on']]), requests: 1, warning: null } }))
  ],
  [
    'second source failing',
    () => summaryOf(decide([ada, bob], { secondSource: { accepted: false, states: new Map(), requests: 0, warning: organizationDown } }))
  ]
]

function textNodes(tree: Nodes): string[] {
  if (tree.type === 'text') return [tree.value]
  return 'children' in tree ? tree.children.flatMap((child) => textNodes(child as Nodes)) : []
}

/** Headings with nothing under them before the next heading or the end. */
function emptySections(tree: Root): string[] {
  return tree.children.flatMap((node, i) => {
    if (node.type !== 'heading') return []
    const next = tree.children[i + 1]
    return next === undefined || next.type === 'heading' ? [textOf(node)] : []
  })
}

describe('the job summary in every state, rendered as GitHub does', () => {
  it.each(STATES)('%s: no literal backtick, no raw HTML, no empty section', (_state, render) => {
    const markdown = render()
    const tree = parseGfm(markdown)
    expect(textNodes(tree).filter((text) => text.includes('`'))).toEqual([])
    expect(emptySections(tree)).toEqual([])
    expect(markdown).not.toMatch(/<[a-z]/i)
    expect(tree.children[0]?.type).toBe('heading')
  })

  it('says the organization warning once, as prose next to the verdict, before any list', () => {
    const markdown = STATES.find(([state]) => state === 'second source failing')![1]()
    const tree = parseGfm(markdown)
    const paragraphs = tree.children.filter((node) => node.type === 'paragraph').map(textOf)
    const warning = paragraphs.filter((text) => text.includes('could not be asked'))
    expect(warning).toEqual([
      'The Atlassian organization could not be asked. The Atlassian organization API answered 404 for organization org-1. Check atlassian-org-id.'
    ])
    expect(markdown.indexOf('could not be asked')).toBeLessThan(markdown.indexOf('### Without two-factor authentication'))
  })
})

describe('both doors, one run', () => {
  it('carry the same facts: verdict, groups, names in the same order, findings', () => {
    const verdict = decide([ada, bob, cy, dee, member('disabled', { displayName: 'Person 10' }), member('disabled', { displayName: 'Person 2' }), bot], {
      exempt: [`${dee.accountId ?? ''} until 2026-12-01 # key on order`, 'ghost-account-id # left the company'].join('\n')
    })
    const summary = factsOfSummary(summaryOf(verdict))
      .filter((fact) => !fact.startsWith('Workspace') && !fact.startsWith('acme'))
      .map((fact) => fact.replace(/exempt line (\d+) \(([^)]*)\)/g, 'line $1 ($2)'))
    const table = factsOfTable(tableOf(verdict))
      .filter((fact) => !fact.startsWith('Workspace'))
      .map((fact) => fact.replace(/`--exempt`\/`--exempt-file` line (\d+) \(`([^`]*)`\)/g, 'line $1 ($2)'))
    expect(table).toEqual(summary)
    expect(summary).toContain('Without two-factor authentication (3)')
    expect(summary.indexOf('Person 2')).toBeLessThan(summary.indexOf('Person 10'))
  })

  it('say the headline in each door its own way, from the same sentence', () => {
    const verdict = decide([ada, cy], { failOnUnknown: false })
    const model = modelOf(verdict)
    expect(model.headline.spell(CLI_SPELLING)).toBe('all 2 people have two-factor authentication or an exemption; 1 unknown, allowed by `--no-fail-on-unknown`')
    expect(model.headline.toString()).toBe('all 2 people have two-factor authentication or an exemption; 1 unknown, allowed by `fail-on-unknown: false`')
  })
})
