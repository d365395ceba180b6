import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Code, List, Root } from 'mdast'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { REQUIRED_SCOPE } from '../src/bitbucket/api/errors.js'
import { HELP } from '../src/cli/help.js'
import { nodesOfType, parseGfm, textOf } from './support/markdown.js'

/**
 * The README is the front door: what the gate is, the quick start, one release gate, one Pipelines
 * pipe step, the credential in three steps, and links into docs/ (docs.test.ts checks the links and the
 * manual). It stays short, so that later features land in docs/.
 */
const root = resolve(import.meta.dirname, '..')
const read = (path: string): string => readFileSync(resolve(root, path), 'utf8')
const readme = read('README.md')
const tree = parseGfm(readme)
const action = parse(read('action.yml')) as { runs: { using: string; main: string } }

/** The top-level nodes of the section under the `##` heading with this text. */
function section(doc: Root, heading: string): Root['children'] {
  const start = doc.children.findIndex((node) => node.type === 'heading' && node.depth === 2 && textOf(node) === heading)
  expect(start, `README section "${heading}"`).toBeGreaterThan(-1)
  const rest = doc.children.slice(start + 1)
  const end = rest.findIndex((node) => node.type === 'heading' && node.depth <= 2)
  return end === -1 ? rest : rest.slice(0, end)
}
const codeIn = (heading: string, lang: string): string[] =>
  section(tree, heading)
    .filter((node): node is Code => node.type === 'code' && node.lang === lang)
    .map((node) => `${node.value}\n`)

interface Workflow {
  jobs: Record<string, { needs?: string | string[]; steps?: { uses?: string }[] }>
}
interface Pipelines {
  pipelines: { branches?: Record<string, { step: { name: string; script: (string | { pipe?: string; variables?: Record<string, string> })[] } }[]> }
}

describe('README is a front door', () => {
  it('stays under 20,000 characters', () => {
    expect(readme.length).toBeLessThan(20_000)
  })

  it('gives the two quick-start commands, and the action runs on node24', () => {
    const [commands = ''] = codeIn('Quick start', 'sh')
    expect(commands).toContain('npm ci && npm run demo')
    expect(commands).toMatch(/^npm test\b/m)
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
  })

  it('shows one release gate: examples/github/release-gate.yml, whose release job needs the gate', () => {
    const blocks = codeIn('Release gate', 'yaml')
    expect(blocks).toEqual([read('examples/github/release-gate.yml')])
    const { jobs } = parse(blocks[0] ?? '') as Workflow
    const gates = Object.keys(jobs).filter((name) => jobs[name]?.steps?.some((step) => step.uses?.startsWith('OWNER/bitbucket-2fa-gate@')))
    expect(gates).toHaveLength(1)
    expect(Object.values(jobs).filter((job) => [job.needs ?? []].flat().includes(gates[0] ?? ''))).toHaveLength(1)
  })

  it('shows one Pipelines step: the branch gate of examples/bitbucket-pipelines.yml, the pipe pipe/pipe.yml declares', () => {
    const blocks = codeIn('Bitbucket Pipelines', 'yaml')
    expect(blocks).toHaveLength(1)
    const shown = parse(blocks[0] ?? '') as Pipelines
    const example = parse(read('examples/bitbucket-pipelines.yml')) as Pipelines
    expect(shown).toEqual({ pipelines: { branches: example.pipelines.branches } })
    const [gate, release] = shown.pipelines.branches?.main ?? []
    expect(release?.step.name).toBe('Release')
    // The pipe, by the image pipe.yml declares, with the credential from secured repository variables.
    const pipe = gate?.step.script.find((line) => typeof line === 'object')
    const image = (parse(read('pipe/pipe.yml')) as { image: string }).image
    expect(pipe?.pipe).toBe(`docker://${image}`)
    expect(pipe?.variables).toMatchObject({ BITBUCKET_EMAIL: '$BITBUCKET_EMAIL', BITBUCKET_TOKEN: '$BITBUCKET_TOKEN' })
    // The variables it says to store are the ones the CLI reads, and the section leads to the Pipelines page.
    const text = section(tree, 'Bitbucket Pipelines').map(textOf).join('\n')
    for (const name of ['BITBUCKET_EMAIL', 'BITBUCKET_TOKEN']) {
      expect(text).toContain(name)
      expect(HELP).toContain(name)
    }
    const links = section(tree, 'Bitbucket Pipelines').flatMap((node) => nodesOfType(node, 'link').map((link) => ('url' in link ? link.url : '')))
    expect(links).toContain('docs/pipelines.md')
  })

  it('says how to get it: the action by commit SHA and what OWNER is, the CLI from a checkout and from a release', () => {
    const pkg = JSON.parse(read('package.json')) as { name: string }
    const text = section(tree, 'Getting it').map(textOf).join('\n').replace(/\s+/g, ' ')
    expect(text).toContain('OWNER/bitbucket-2fa-gate')
    expect(text).toMatch(/OWNER[^.]*stands for the owner of the GitHub repository that hosts the action/)
    expect(text).toContain('uses: OWNER/bitbucket-2fa-gate@<the 40-character commit SHA> # vX.Y.Z')
    expect(text).toContain('node dist/cli.js --workspace acme')
    expect(text).toContain(`${pkg.name}-X.Y.Z.tgz`)
    expect(text).toContain('npm pack')
    const [commands = ''] = codeIn('Getting it', 'sh')
    const download = `https://github.com/OWNER/${pkg.name}/releases/download/vX.Y.Z`
    expect(commands.split('\n')).toEqual([
      `curl -fsSLO ${download}/${pkg.name}-X.Y.Z.tgz`,
      `curl -fsSLO ${download}/${pkg.name}-X.Y.Z.tgz.sha256`,
      `sha256sum -c ${pkg.name}-X.Y.Z.tgz.sha256`,
      `npx --yes ./${pkg.name}-X.Y.Z.tgz --workspace acme`,
      ''
    ])
    // What the release workflow attaches is what the README downloads.
    const release = read('.github/workflows/release.yml')
    expect(release).toContain(`FILE: ${pkg.name}-\${{ inputs.version }}.tgz`)
    expect(release).toContain('npm pack')
    expect(release).toContain('sha256sum "$FILE" | tee "$FILE.sha256"')
    expect(release).toContain('gh release create "v$VERSION" "$FILE" "$FILE.sha256"')
    expect(readme).toContain('`npm run simulator`')
  })

  it('gives the credential in three steps, with the exact scope, permissions and token types in sight', () => {
    const steps = section(tree, 'The credential in three steps').filter((node): node is List => node.type === 'list' && node.ordered === true)
    expect(steps.map((list) => list.children.length)).toEqual([3])
    const codes = nodesOfType(tree, 'inlineCode').map((node) => ('value' in node ? node.value : ''))
    for (const code of [REQUIRED_SCOPE, 'ATATT', 'ATCT', 'ATBB', 'read:directories:admin', 'read:accounts:admin']) expect(codes, code).toContain(code)
    for (const permission of ['contents: read', 'issues: write'])
      expect(
        codes.some((code) => code.includes(permission)),
        permission
      ).toBe(true)
    expect(readme).toContain('**Account: Read**')
    expect(readme).toContain('https://id.atlassian.com/manage-profile/security/api-tokens')
  })

  it('links into docs/ and to CONTRIBUTING.md', () => {
    const targets = nodesOfType(section(tree, 'Documentation').at(0) ?? tree, 'link').map((node) => ('url' in node ? node.url : ''))
    expect(targets.filter((url) => url.startsWith('docs/')).length).toBeGreaterThanOrEqual(9)
    expect(targets).toContain('CONTRIBUTING.md')
  })
})
