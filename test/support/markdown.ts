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
