import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import { DOMParser, type Document, type Element } from '@xmldom/xmldom'

/** The schema the JUnit file is checked against. */
export const JUNIT_SCHEMA = resolve(import.meta.dirname, '../../schema/junit.xsd')

/**
 * Characters XML 1.0 allows (its `Char` production), as the file holds them or as references. xmldom
 * does not check them, so this helper does.
 */
const XML_CHAR = /^[\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]*$/u
const REFERENCE = /&#(x[0-9a-fA-F]+|[0-9]+);/g

/**
 * `text` parsed as XML by a real parser that throws on every warning and error, not only on fatal
 * ones; characters XML forbids, raw or as a reference, throw too.
 */
export function parseXml(text: string): Document {
  if (!XML_CHAR.test(text)) throw new Error('the XML holds a character that XML 1.0 forbids')
  for (const [, ref = ''] of text.matchAll(REFERENCE)) {
    const point = ref.startsWith('x') ? parseInt(ref.slice(1), 16) : parseInt(ref, 10)
    if (point > 0x10ffff || !XML_CHAR.test(String.fromCodePoint(point))) throw new Error(`the XML refers to a character that XML 1.0 forbids: &#${ref};`)
  }
  const parser = new DOMParser({
    onError: (level, message) => {
      throw new Error(`XML ${level}: ${message}`)
    }
  })
  return parser.parseFromString(text, 'text/xml')
}

/**
 * What xmllint says of `file` against `schema`: '' when the file is well-formed and valid. Throws,
 * so the test fails and never skips, when xmllint is missing: CI installs Debian's libxml2-utils.
 * `command` is for the test of that message.
 */
export function xmllintErrors(file: string, schema: string = JUNIT_SCHEMA, command = 'xmllint'): string {
  const run = spawnSync(command, ['--noout', '--schema', schema, file], { encoding: 'utf8' })
  if (run.error !== undefined) {
    const missing = (run.error as NodeJS.ErrnoException).code === 'ENOENT'
    throw new Error(missing ? 'xmllint is not installed: install libxml2-utils (apt-get install libxml2-utils)' : `xmllint could not run: ${run.error.message}`)
  }
  return run.status === 0 ? '' : `${run.stdout}${run.stderr}`.trim() || `xmllint exited with ${String(run.status)}`
}

/** The child elements of `parent` with this tag. */
export function childElements(parent: Element, tag?: string): Element[] {
  const found: Element[] = []
  for (let node = parent.firstChild; node !== null; node = node.nextSibling) {
    if (node.nodeType === node.ELEMENT_NODE && (tag === undefined || node.nodeName === tag)) found.push(node as Element)
  }
  return found
}

/** Every attribute value and every text of the document, as a reader gets them (references resolved). */
export function fieldsOf(document: Document): string[] {
  const fields: string[] = []
  const visit = (element: Element): void => {
    for (let i = 0; i < element.attributes.length; i++) fields.push(element.attributes.item(i)?.value ?? '')
    const text = element.childNodes.length > 0 && childElements(element).length === 0 ? (element.textContent ?? '') : null
    if (text !== null) fields.push(text)
    for (const child of childElements(element)) visit(child)
  }
  if (document.documentElement !== null) visit(document.documentElement)
  return fields
}

/** One `<testcase>`, read back. */
export interface JunitCase {
  readonly classname: string | null
  readonly name: string | null
  readonly outcome: 'passed' | 'failure' | 'error' | 'skipped'
  /** The outcome's `message` attribute. */
  readonly message: string | null
  /** The failure's `type` attribute. */
  readonly type: string | null
  /** The outcome's text. */
  readonly text: string | null
  readonly out: string | null
}

export interface JunitSuite {
  readonly attributes: Readonly<Record<string, string>>
  readonly cases: readonly JunitCase[]
}

export interface Junit {
  readonly attributes: Readonly<Record<string, string>>
  readonly suites: readonly JunitSuite[]
}

function attributesOf(element: Element): Record<string, string> {
  const all: Record<string, string> = {}
  for (let i = 0; i < element.attributes.length; i++) {
    const attribute = element.attributes.item(i)
    if (attribute) all[attribute.name] = attribute.value
  }
  return all
}

/** The JUnit document as plain values, for expectations. */
export function junitOf(document: Document): Junit {
  const root = document.documentElement
  if (root === null || root.nodeName !== 'testsuites') throw new Error('the root element is not <testsuites>')
  return {
    attributes: attributesOf(root),
    suites: childElements(root, 'testsuite').map((suite) => ({
      attributes: attributesOf(suite),
      cases: childElements(suite, 'testcase').map((testcase) => {
        const outcome = childElements(testcase).find((e) => e.nodeName === 'failure' || e.nodeName === 'error' || e.nodeName === 'skipped')
        const out = childElements(testcase, 'system-out')[0]
        return {
          classname: testcase.getAttribute('classname'),
          name: testcase.getAttribute('name'),
          outcome: outcome === undefined ? 'passed' : (outcome.nodeName as JunitCase['outcome']),
          message: outcome?.getAttribute('message') ?? null,
          type: outcome?.getAttribute('type') ?? null,
          text: outcome === undefined ? null : (outcome.textContent ?? ''),
          out: out === undefined ? null : (out.textContent ?? '')
        }
      })
    }))
  }
}
