import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { HELP } from '../src/cli/help.js'

const root = resolve(import.meta.dirname, '..')
const readme = readFileSync(resolve(root, 'README.md'), 'utf8')
interface ActionYaml {
  runs: { using: string; main: string }
  inputs: Record<string, { required?: boolean; default?: string; description: string }>
  outputs: Record<string, { description: string }>
}
const action = parse(readFileSync(resolve(root, 'action.yml'), 'utf8')) as ActionYaml

/** Rows of the first table under `## heading`, as cells without the surrounding pipes. */
function tableUnder(heading: string): string[][] {
  const start = readme.indexOf(`\n## ${heading}\n`)
  expect(start, `README section ${heading}`).toBeGreaterThan(-1)
  const section = readme.slice(start + 1).split(/\n## /)[0] ?? ''
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) =>
      line
        .slice(1, -1)
        .split(' | ')
        .map((cell) => cell.trim())
    )
}

describe('README matches action.yml', () => {
  it('documents every input, and no other, with its default', () => {
    const rows = tableUnder('Inputs')
    expect(rows.map((r) => r[0])).toEqual(Object.keys(action.inputs).map((name) => `\`${name}\``))
    for (const [cellName = '', cellDefault] of rows) {
      const input = action.inputs[cellName.replace(/`/g, '')]!
      const expected = input.required === true ? '(required)' : `\`${input.default === '' ? "''" : String(input.default)}\``
      expect(cellDefault, cellName).toBe(expected)
    }
  })

  it('documents every output, and no other', () => {
    expect(tableUnder('Outputs').map((r) => r[0])).toEqual(Object.keys(action.outputs).map((name) => `\`${name}\``))
  })

  it('gives the quick-start commands and runs on node24', () => {
    expect(readme).toContain('npm ci && npm run demo')
    expect(readme).toContain('npm test')
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
  })
})

describe('README matches the CLI', () => {
  it('documents every flag of --help, and no other', () => {
    const rows = tableUnder('The CLI: Bitbucket Pipelines, GitLab CI, a terminal').map((r) => r[0]!.replace(/`/g, ''))
    const flags = [...new Set(HELP.match(/--[a-z][a-z0-9-]+/g))].filter((flag) => !['--workspace <slug>'].includes(flag))
    expect(rows.sort()).toEqual(flags.sort())
  })

  it('shows the Pipelines and GitLab examples exactly as examples/ holds them', () => {
    for (const [heading, file] of [
      ['### Bitbucket Pipelines', 'examples/bitbucket-pipelines.yml'],
      ['### GitLab CI', 'examples/gitlab-ci.yml'],
      ['### Release gate', 'examples/github/release-gate.yml'],
      ['### Weekly audit with a tracking issue', 'examples/github/weekly-audit.yml'],
      ['### Keep a JSON report of every run', 'examples/github/report-artifact.yml'],
      ['### An OAuth consumer instead of a personal token', 'examples/github/oauth.yml'],
      ['## Two kinds of two-step verification', 'examples/github/atlassian-2sv.yml']
    ] as const) {
      const start = readme.indexOf('```yaml\n', readme.indexOf(heading)) + '```yaml\n'.length
      const block = readme.slice(start, readme.indexOf('```', start))
      expect(block, file).toBe(readFileSync(resolve(root, file), 'utf8'))
      expect(() => parse(block) as unknown, file).not.toThrow()
    }
  })
})
