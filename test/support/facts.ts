import { parseGfm, textOf } from './markdown.js'

/** The facts a reader takes from a door's output: the verdict, each group with its count and names, the findings, the fix. */
export function factsOfSummary(markdown: string): string[] {
  const tree = parseGfm(markdown)
  return tree.children.flatMap((node) => {
    if (node.type === 'heading') return textOf(node) === 'How to fix' ? [] : [textOf(node).replace(/^[✅❌] Bitbucket 2FA gate: /, '')]
    if (node.type === 'table') return node.children.slice(1).map((row) => textOf(row.children[0]!))
    if (node.type === 'list') return node.children.map((item) => textOf(item))
    return []
  })
}

export function factsOfTable(text: string): string[] {
  const [head = '', ...lines] = text.split('\n')
  const facts = [head.replace(/^(NOT )?COMPLIANT: /, '')]
  let section: 'group' | 'findings' | 'other' = 'other'
  for (const line of lines) {
    if (line === '') continue
    if (/^[A-Z].*\(\d+\)$/.test(line)) {
      facts.push(line)
      section = 'group'
    } else if (line === 'Exemptions to review') {
      facts.push(line)
      section = 'findings'
    } else if (!line.startsWith('  ')) section = 'other'
    else if (section === 'findings' && line.startsWith('  - ')) facts.push(line.slice(4))
    // A group's rows: the first column of each, after its header (and a note, which has no wide gap).
    else if (section === 'group' && /\S {2,}\S/.test(line.trim()) && !line.trim().startsWith('Name ')) facts.push(line.trim().split(/\s{2,}/)[0] ?? '')
  }
  return facts
}
