import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { INPUT_KEYS } from '../src/config/catalogue.js'

/**
 * The house (../shared/DESIGN.md): each floor imports only floors below it, or its own folder, and no
 * two modules import each other, however far round.
 */
const SRC = resolve(import.meta.dirname, '../src')
const FLOORS: [RegExp, number][] = [
  [/^(index|cli|wiring)\.ts$/, 5],
  [/^(action|cli)\//, 4],
  [/^(engine|report-file)\.ts$/, 3],
  [/^(bitbucket|atlassian|report|present)\//, 2],
  // The domain types import nothing: every floor may use them.
  [/^gate\/types\.ts$/, 0],
  [/^(gate|config|http)\//, 1],
  [/^(text|secrets|errors|json|sentence)\.ts$|^stubs\//, 0]
]

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : []
  })
}

function floorOf(file: string): number {
  const path = relative(SRC, file)
  const floor = FLOORS.find(([pattern]) => pattern.test(path))
  if (floor === undefined) throw new Error(`${path} is on no floor: add it to FLOORS`)
  return floor[1]
}

const imports = new Map(
  files(SRC).map((file) => {
    const text = readFileSync(file, 'utf8')
    const targets = [...text.matchAll(/from '(\.[^']+)'/g)].map((m) => resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')))
    return [file, targets.filter((target) => target.startsWith(SRC))] as const
  })
)

describe('the house', () => {
  it('imports only downward, or within one folder of a floor', () => {
    const wrong: string[] = []
    for (const [file, targets] of imports) {
      for (const target of targets) {
        const sameFolder = dirname(file) === dirname(target) || dirname(target).startsWith(`${dirname(file)}/`)
        const sameFloorSibling = floorOf(file) === floorOf(target) && relative(SRC, file).split('/')[0] === relative(SRC, target).split('/')[0]
        if (floorOf(target) < floorOf(file) || sameFolder || sameFloorSibling) continue
        wrong.push(`${relative(SRC, file)} → ${relative(SRC, target)}`)
      }
    }
    expect(wrong).toEqual([])
  })

  it('has no circle of imports', () => {
    const circles: string[] = []
    const state = new Map<string, 'open' | 'done'>()
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return
      if (state.get(file) === 'open') {
        circles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(SRC, f)).join(' → '))
        return
      }
      state.set(file, 'open')
      for (const target of imports.get(file) ?? []) visit(target, [...path, file])
      state.set(file, 'done')
    }
    for (const file of imports.keys()) visit(file, [])
    expect(circles).toEqual([])
  })

  it('lets only the action door use @actions/core', () => {
    const users = [...imports.keys()].filter((file) => readFileSync(file, 'utf8').includes("from '@actions/core'")).map((file) => relative(SRC, file))
    expect(users).toEqual(['action/io.ts'])
  })

  it('has one request core: only the transport opens sockets, and only the core reads a credential', () => {
    const sockets = [...imports.keys()]
      .filter((file) =>
        /from 'node:(http|https|tls)'|import \{[^}]*\b(connect|createConnection|Socket)\b[^}]*\} from 'node:net'|from '@actions\/http-client'|from 'undici'/.test(
          readFileSync(file, 'utf8')
        )
      )
      .map((file) => relative(SRC, file))
    expect(sockets).toEqual(['http/transport.ts'])
    const readers = [...imports.keys()].filter((file) => readFileSync(file, 'utf8').includes('Credential.header(')).map((file) => relative(SRC, file))
    expect(readers).toEqual(['http/request.ts'])
    const fetchers = [...imports.keys()].filter((file) =>
      /(?<![.\w]|async |function )fetch\(|globalThis\.fetch/.test(readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''))
    )
    expect(fetchers.map((file) => relative(SRC, file))).toEqual([])
  })
})

/**
 * No message below the doors names an input in a string of its own: every mention goes through the
 * builders (named, code, valueOf, setTo), so each door spells it. Doc comments may name inputs. (Here,
 * not beside the spellings' tests: mutation testing runs those on instrumented sources.)
 */
describe('messages name inputs by key', () => {
  // The action door speaks only the action's words; the CLI's usage errors name flags themselves.
  const DOOR = /^(action|cli)\/|^(index|cli|wiring)\.ts$/
  const keyPattern = INPUT_KEYS.map((k) => k.replace(/-/g, '\\-')).join('|')
  const inCode = new RegExp(`\\\\?\`(${keyPattern})(: [a-z]+)?\\\\?\``)

  it('has no input name in code outside a comment, in any module below the doors', () => {
    const found: string[] = []
    for (const file of files(SRC)) {
      const path = relative(SRC, file)
      if (DOOR.test(path) || path === 'config/catalogue.ts' || path === 'config/spellings.ts') continue
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const trimmed = line.trim()
          if (trimmed.startsWith('//') || trimmed.startsWith('*') || trimmed.startsWith('/**')) return
          if (inCode.test(line)) found.push(`${path}:${i + 1}: ${trimmed.slice(0, 100)}`)
        })
    }
    expect(found).toEqual([])
  })
})
