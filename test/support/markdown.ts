import type { Nodes, Root, Table } from 'mdast'
import { fromMarkdown } from 'mdast-util-from-markdown'
import { gfmFromMarkdown } from 'mdast-util-gfm'
import { gfm } from 'micromark-extension-gfm'

/** Parses a job summary as GitHub does (GFM) for assertions on its structure. */
export function parseGfm(markdown: string): Root {
  return fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] })
}

export function nodesOfType(tree: Nodes, type: string): Nodes[] {
  const found: Nodes[] = []
  const walk = (node: Nodes): void => {
    if (node.type === type) found.push(node)
    if ('children' in node) for (const child of node.children) walk(child)
  }
  walk(tree)
  return found
}

/** The tables that follow each level-3 heading, keyed by the heading's text. */
export function tablesByHeading(tree: Root): Map<string, Table> {
  const tables = new Map<string, Table>()
  let heading = ''
  for (const node of tree.children) {
    if (node.type === 'heading') heading = textOf(node)
    if (node.type === 'table' && !tables.has(heading)) tables.set(heading, node)
  }
  return tables
}

export function textOf(node: Nodes): string {
  if ('value' in node && typeof node.value === 'string') return node.value
  if ('children' in node) return node.children.map((child) => textOf(child as Nodes)).join('')
  return ''
}

/**
 * The anchor GitHub gives a heading with this text (github-slugger): lower case, every character that is
 * not a letter, mark, number, connector (`_`), space or `-` dropped, spaces become `-`. Duplicates get
 * `-1`, `-2`: see `headingSlugs`.
 */
export function githubSlug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-')
}

/** Every anchor a document's headings make on GitHub, in order, a repeated slug numbered `-1`, `-2`. */
export function headingSlugs(tree: Root): string[] {
  const occurrences = new Map<string, number>()
  return nodesOfType(tree, 'heading').map((heading) => {
    const base = githubSlug(textOf(heading))
    let slug = base
    while (occurrences.has(slug)) {
      const count = (occurrences.get(base) ?? 0) + 1
      occurrences.set(base, count)
      slug = `${base}-${String(count)}`
    }
    occurrences.set(slug, 0)
    return slug
  })
}

/** The destination of every link, image and link definition, and every `href`/`src` of raw HTML. */
export function linkTargets(tree: Root): string[] {
  const targets: string[] = []
  for (const type of ['link', 'image', 'definition']) {
    for (const node of nodesOfType(tree, type)) if ('url' in node) targets.push(node.url)
  }
  for (const node of nodesOfType(tree, 'html')) {
    if ('value' in node) for (const match of node.value.matchAll(/\b(?:href|src)\s*=\s*["']([^"']*)["']/gi)) targets.push(match[1] ?? '')
  }
  return targets
}

/** The first table after the heading with exactly this text, before the next heading of its depth or higher. */
export function tableAfterHeading(tree: Root, text: string): Table | undefined {
  const children = tree.children
  const start = children.findIndex((node) => node.type === 'heading' && textOf(node) === text)
  if (start === -1) return undefined
  const depth = (children[start] as { depth: number }).depth
  for (const node of children.slice(start + 1)) {
    if (node.type === 'heading' && node.depth <= depth) return undefined
    if (node.type === 'table') return node
  }
  return undefined
}

/** A table cell as its Markdown reads, code spans keeping their backticks: `` `''` ``, (required). */
export function cellSource(cell: Nodes): string {
  if (!('children' in cell)) return textOf(cell)
  return cell.children
    .map((child) => (child.type === 'inlineCode' ? `\`${child.value}\`` : textOf(child as Nodes)))
    .join('')
    .trim()
}

/**
 * What would render broken on GitHub: a table row with more or fewer cells than its header (a stray
 * `|` in a cell, a lost one), a line that looks like a table row but is not in a table, a code fence
 * that is never closed, a backtick left as text (a code span that did not close).
 */
export function renderProblems(markdown: string): string[] {
  const tree = parseGfm(markdown)
  const problems: string[] = []
  const inTable = new Set<number>()
  const inCode = new Set<number>()
  const lines = (node: Nodes): number[] => {
    const { start, end } = node.position ?? { start: { line: 0 }, end: { line: -1 } }
    return Array.from({ length: end.line - start.line + 1 }, (_, i) => start.line + i)
  }
  for (const node of nodesOfType(tree, 'table')) {
    const table = node as Table
    const width = table.children[0]?.children.length ?? 0
    for (const row of table.children) {
      if (row.children.length !== width) {
        problems.push(`line ${String(row.position?.start.line)}: a table row of ${String(row.children.length)} cells under a header of ${String(width)}`)
      }
    }
    for (const line of lines(node)) inTable.add(line)
  }
  const code = nodesOfType(tree, 'code')
  for (const node of code) for (const line of lines(node)) inCode.add(line)
  const source = markdown.split('\n')
  source.forEach((line, i) => {
    if (/^\s*\|/.test(line) && !inTable.has(i + 1) && !inCode.has(i + 1)) problems.push(`line ${String(i + 1)}: a table row outside any table`)
  })
  const fences = source.filter((line) => /^\s*(`{3,}|~{3,})/.test(line)).length
  if (fences !== 2 * code.filter((node) => /^\s*(`{3,}|~{3,})/.test(source[(node.position?.start.line ?? 1) - 1] ?? '')).length) {
    problems.push(`${String(fences)} code fence lines for ${String(code.length)} code blocks: a fence is not closed`)
  }
  for (const text of nodesOfType(tree, 'text')) {
    if ('value' in text && text.value.includes('`')) problems.push(`line ${String(text.position?.start.line)}: a literal backtick in "${text.value}"`)
  }
  return problems
}
