import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, posix, resolve } from 'node:path'
import type { Code, Root } from 'mdast'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { HELP } from '../src/cli/help.js'
import { cellSource, headingSlugs, linkTargets, nodesOfType, parseGfm, renderProblems, tableAfterHeading, textOf } from './support/markdown.js'

/**
 * The manual: README.md (the front door), CONTRIBUTING.md and docs/*.md. Every relative link and anchor
 * resolves, the reference tables say what action.yml and --help say, every example workflow is shown as
 * examples/ holds it, and every page renders on GitHub with its tables and code blocks whole.
 */
const root = resolve(import.meta.dirname, '..')
const read = (path: string): string => readFileSync(join(root, path), 'utf8')
const PAGES = readdirSync(join(root, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => `docs/${name}`)
  .sort()
const DOCUMENTS = ['README.md', 'CONTRIBUTING.md', ...PAGES]
/** The documents a user reads: the README and docs/ (CONTRIBUTING.md is for working on the gate). */
const MANUAL = ['README.md', ...PAGES]
const trees = new Map(DOCUMENTS.map((path) => [path, parseGfm(read(path))]))
const tree = (path: string): Root => trees.get(path) ?? parseGfm(read(path))

interface ActionYaml {
  inputs: Record<string, { required?: boolean; default?: string }>
  outputs: Record<string, unknown>
}
const action = parse(read('action.yml')) as ActionYaml

/** Where each example lives in the manual: the file, and the heading its block comes under. */
const EXAMPLES: Record<string, readonly [string, string]> = {
  'examples/github/release-gate.yml': ['README.md', 'Release gate'],
  'examples/github/repository-gate.yml': ['docs/repository-scope.md', 'A release gated on who can ship it'],
  'examples/github/weekly-audit.yml': ['docs/tracking-issue.md', 'Weekly audit with a tracking issue'],
  'examples/github/report-artifact.yml': ['docs/json-report.md', 'Keep a JSON report of every run'],
  'examples/github/oauth.yml': ['docs/credentials.md', 'An OAuth consumer instead of a personal token'],
  'examples/github/atlassian-2sv.yml': ['docs/atlassian-2sv.md', 'Two kinds of two-step verification'],
  'examples/github/evidence.yml': ['docs/auditors.md', 'The evidence workflow'],
  'examples/bitbucket-pipelines.yml': ['docs/pipelines.md', 'The pipe step'],
  'examples/bitbucket-pipelines-npx.yml': ['docs/pipelines.md', 'Without the pipe: the CLI with npx'],
  'examples/gitlab-ci.yml': ['docs/other-ci.md', 'GitLab CI'],
  'examples/Jenkinsfile': ['docs/other-ci.md', 'Jenkins']
}
/** The language of the fenced block that shows an example: YAML, or Groovy for a Jenkinsfile. */
const langOf = (file: string): string => (file.endsWith('Jenkinsfile') ? 'groovy' : 'yaml')
/** The README's Pipelines step is a part of examples/bitbucket-pipelines.yml, checked in readme.test.ts. */
const EXCERPTS = [['README.md', 'Bitbucket Pipelines']]

/** Everything a user reads to install or run the gate: the manual, CONTRIBUTING.md and every file of examples/. */
const INSTALL_TEXTS = [
  ...DOCUMENTS,
  ...readdirSync(join(root, 'examples'), { recursive: true, encoding: 'utf8' })
    .map((name) => `examples/${name.split('\\').join('/')}`)
    .filter((path) => statSync(join(root, path)).isFile())
    .sort()
]

/**
 * Where a text tells someone to run the gate by a package name that is bare or not an exact version
 * (`bitbucket-2fa-gate@1`, `npx bitbucket-2fa-gate`): nothing need be published under that name, and a
 * major-only name moves. A path (`./bitbucket-2fa-gate-1.0.0.tgz`) or the action (`OWNER/bitbucket-2fa-gate@…`)
 * is not a package name.
 */
function packageNameProblems(text: string): string[] {
  const unpinned = [...text.matchAll(/(?<![\w./-])bitbucket-2fa-gate@(?!\d+\.\d+\.\d+(?![\w.-]))[^\s`'")\]]*/g)].map((m) => m[0])
  const bare = [
    ...text.matchAll(/\b(?:npx|bunx|npm (?:exec|x|install|i|add)|(?:pnpm|yarn) (?:dlx|add))(?:\s+-[\w-]+(?:[= ]\S+)?)*?\s+bitbucket-2fa-gate(?![\w.@/-])/g)
  ].map((m) => m[0])
  return [...unpinned, ...bare]
}

/**
 * The release tarball a CI example runs, with the lines that must come before it: download both files,
 * check. Either `npx --yes ./<tarball>`, or `node package/dist/cli.js` after `tar -xzf <tarball>`; where a
 * CI lets exit 1 pass (GitLab's allow_failure), each step before the gate may end in `|| exit 3`, so that
 * a failed download or check is never read as "not compliant".
 */
function tarballProblems(script: readonly string[]): string[] {
  const plain = (line: string): string => line.replace(/ \|\| exit 3$/, '')
  return script.flatMap((line, i) => {
    const npx = /^npx --yes \.\/bitbucket-2fa-gate-(\d+\.\d+\.\d+)\.tgz /.exec(line)?.[1]
    const unpacked = /^node package\/dist\/cli\.js /.test(line)
      ? /^tar -xzf bitbucket-2fa-gate-(\d+\.\d+\.\d+)\.tgz$/.exec(plain(script[i - 1] ?? ''))?.[1]
      : undefined
    const version = npx ?? unpacked
    const runsIt = line.includes('bitbucket-2fa-gate') || line.startsWith('node package/')
    if (version === undefined) return runsIt && !/^(curl|sha256sum|tar) /.test(line) ? [`runs ${line}`] : []
    const tarball = `bitbucket-2fa-gate-${version}.tgz`
    const download = `https://github.com/OWNER/bitbucket-2fa-gate/releases/download/v${version}`
    const expected = [`curl -fsSLO ${download}/${tarball}`, `curl -fsSLO ${download}/${tarball}.sha256`, `sha256sum -c ${tarball}.sha256`]
    const end = npx === undefined ? i - 1 : i
    return JSON.stringify(script.slice(Math.max(0, end - 3), end).map(plain)) === JSON.stringify(expected)
      ? []
      : [`${line} is not after ${expected.join('; ')}`]
  })
}

/** Every `script:` list of a CI file (Pipelines steps, GitLab jobs), wherever it is nested. */
function scriptsOf(value: unknown): string[][] {
  if (Array.isArray(value)) return value.flatMap(scriptsOf)
  if (typeof value !== 'object' || value === null) return []
  return Object.entries(value).flatMap(([key, inner]) => (key === 'script' && Array.isArray(inner) ? [inner.map(String)] : scriptsOf(inner)))
}

/** Flags of other commands that the manual shows next to the gate's own. */
const OTHER_FLAGS = [
  '--yes' /* npx */,
  '--members',
  '--latency',
  '--reps' /* npm run bench */,
  '--repo',
  '--predicate-type',
  '--signer-workflow',
  '--deny-self-hosted-runners',
  '--source-ref',
  '--format' /* gh attestation verify */
]
/**
 * Names that look like the CLI's variables but are not: the GitHub secret the examples read, and the
 * folder Pipelines gives a pipe (the `pipe` subcommand writes the step variables there; --help, which
 * documents the flags' environment, does not list it).
 */
const OTHER_VARIABLES = ['BITBUCKET_API_TOKEN', 'BITBUCKET_PIPE_STORAGE_DIR']

interface Files {
  exists(path: string): boolean
  /** The anchors of a Markdown file's headings, or null for a file that is not Markdown. */
  anchors(path: string): string[] | null
}

const repository: Files = {
  exists: (path) => existsSync(join(root, path)),
  anchors: (path) => (path.endsWith('.md') && statSync(join(root, path)).isFile() ? headingSlugs(tree(path)) : null)
}

/** Why each relative link or anchor of `file` does not resolve on GitHub (none when all do). */
function linkProblems(file: string, markdown: string, files: Files): string[] {
  const problems: string[] = []
  for (const target of linkTargets(parseGfm(markdown))) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue
    const hash = target.indexOf('#')
    const pathPart = hash === -1 ? target : target.slice(0, hash)
    const anchor = hash === -1 ? undefined : target.slice(hash + 1)
    const path = pathPart === '' ? file : posix.normalize(posix.join(posix.dirname(file), decodeURIComponent(pathPart)))
    if (pathPart.startsWith('/')) problems.push(`${file}: ${target} is an absolute path; link relative to the file`)
    else if (path === '..' || path.startsWith('../')) problems.push(`${file}: ${target} points outside the repository`)
    else if (!files.exists(path)) problems.push(`${file}: ${target}: no file ${path}`)
    else if (anchor !== undefined) {
      const anchors = files.anchors(path)
      if (anchors === null) problems.push(`${file}: ${target}: ${path} is not Markdown, so it has no anchor #${anchor}`)
      else if (!anchors.includes(anchor)) problems.push(`${file}: ${target}: no heading in ${path} has the anchor #${anchor}`)
    }
  }
  return problems
}

/** Every fenced block of a document in this language (yaml unless told) with the text of the heading it comes under. */
function codeBlocks(path: string, lang = 'yaml'): { heading: string; code: string }[] {
  const headings = nodesOfType(tree(path), 'heading').map((node) => ({ offset: node.position?.start.offset ?? 0, text: textOf(node) }))
  return (nodesOfType(tree(path), 'code') as Code[])
    .filter((node) => node.lang === lang)
    .map((node) => ({
      heading: headings.filter((h) => h.offset < (node.position?.start.offset ?? 0)).at(-1)?.text ?? '',
      code: `${node.value}\n`
    }))
}

/** A yaml block that is a CI file (a GitHub workflow, a bitbucket-pipelines.yml, a GitLab job), not a snippet. */
function isCiFile(code: string): boolean {
  const value = parse(code) as unknown
  if (typeof value !== 'object' || value === null) return false
  return 'jobs' in value || 'pipelines' in value || Object.values(value).some((job) => typeof job === 'object' && job !== null && 'script' in job)
}

const codeTexts = (paths: readonly string[]): string[] =>
  paths.flatMap((path) => [...nodesOfType(tree(path), 'inlineCode'), ...nodesOfType(tree(path), 'code')].map((node) => ('value' in node ? node.value : '')))
const bodyRows = (path: string, heading: string): string[][] => {
  const table = tableAfterHeading(tree(path), heading)
  expect(table, `a table under "${heading}" in ${path}`).toBeDefined()
  return (table?.children.slice(1) ?? []).map((row) => row.children.map((cell) => cellSource(cell)))
}
const helpFlags = [...new Set(HELP.match(/--[a-z][a-z0-9-]+/g))]
const helpVariables = [...new Set((/\nEnvironment:\n([\s\S]*?)\n\n/.exec(HELP)?.[1] ?? '').match(/\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b/g))]

describe('links', () => {
  it.each(DOCUMENTS)('every relative link and anchor in %s resolves', (path) => {
    expect(linkProblems(path, read(path), repository)).toEqual([])
  })

  it('every page of docs/ is linked from the README and from docs/README.md', () => {
    const linked = (from: string) => new Set(linkTargets(tree(from)).map((t) => posix.normalize(posix.join(posix.dirname(from), t.split('#')[0] ?? ''))))
    const fromReadme = linked('README.md')
    const fromIndex = linked('docs/README.md')
    expect(PAGES.filter((page) => !fromReadme.has(page) && page !== 'docs/README.md')).toEqual([])
    expect(PAGES.filter((page) => !fromIndex.has(page) && page !== 'docs/README.md')).toEqual([])
  })
})

describe('docs/reference.md matches action.yml and --help', () => {
  it('documents every input, and no other, with its default', () => {
    const rows = bodyRows('docs/reference.md', 'Inputs')
    expect(rows.map((r) => r[0])).toEqual(Object.keys(action.inputs).map((name) => `\`${name}\``))
    for (const [cellName = '', cellDefault] of rows) {
      const input = action.inputs[cellName.replace(/`/g, '')]
      const expected = input?.required === true ? '(required)' : `\`${input?.default === '' ? "''" : String(input?.default)}\``
      expect(cellDefault, cellName).toBe(expected)
    }
  })

  it('documents every output, and no other', () => {
    expect(bodyRows('docs/reference.md', 'Outputs').map((r) => r[0])).toEqual(Object.keys(action.outputs).map((name) => `\`${name}\``))
  })

  it('documents every flag of --help, and no other', () => {
    const rows = bodyRows('docs/reference.md', 'CLI flags').map((r) => (r[0] ?? '').replace(/`/g, ''))
    expect(rows.sort()).toEqual([...helpFlags].sort())
  })

  it('names every input and output of action.yml as code in the README or docs/', () => {
    const codes = new Set(codeTexts(MANUAL).flatMap((text) => [text, ...text.split(/[\s:=]+/)]))
    const missing = [...Object.keys(action.inputs), ...Object.keys(action.outputs)].filter((name) => !codes.has(name))
    expect(missing).toEqual([])
  })

  it('names every environment variable of --help as code in the README or docs/', () => {
    expect(helpVariables).toEqual(expect.arrayContaining(['BITBUCKET_TOKEN', 'BITBUCKET_OAUTH_CLIENT_SECRET', 'NO_COLOR']))
    const codes = codeTexts(MANUAL).join('\n')
    expect(helpVariables.filter((name) => !new RegExp(`\\b${name}\\b`).test(codes))).toEqual([])
  })

  it('names no flag or variable of the CLI that --help does not know', () => {
    const codes = codeTexts(MANUAL).join('\n')
    const flags = [...new Set(codes.match(/(?<![\w-])--[a-z][a-z0-9-]+/g))]
    expect(flags.filter((flag) => !helpFlags.includes(flag) && !OTHER_FLAGS.includes(flag))).toEqual([])
    const variables = [
      ...new Set(
        MANUAL.map(read)
          .join('\n')
          .match(/\b(?:BITBUCKET|ATLASSIAN)_[A-Z0-9_]+\b/g)
      )
    ]
    expect(variables.filter((name) => !helpVariables.includes(name) && !OTHER_VARIABLES.includes(name))).toEqual([])
  })
})

describe('example workflows', () => {
  it('every file in examples/ has its place in the manual', () => {
    const files = INSTALL_TEXTS.filter((path) => path.startsWith('examples/'))
    expect(files.sort()).toEqual(Object.keys(EXAMPLES).sort())
  })

  it.each(Object.entries(EXAMPLES))('%s is shown exactly as examples/ holds it', (file, [page, heading]) => {
    const blocks = codeBlocks(page, langOf(file)).filter((block) => block.heading === heading)
    expect(blocks.length, `a ${langOf(file)} block under "${heading}" in ${page}`).toBeGreaterThan(0)
    expect(blocks[0]?.code, `${page}, ${heading}`).toBe(read(file))
  })

  it('every CI file the manual shows is one of examples/ (or a checked excerpt)', () => {
    const examples = Object.keys(EXAMPLES).map(read)
    const strays = MANUAL.flatMap((page) =>
      codeBlocks(page)
        .filter((block) => isCiFile(block.code) && !examples.includes(block.code))
        .filter((block) => !EXCERPTS.some(([p, h]) => p === page && h === block.heading))
        .map((block) => `${page}, under "${block.heading}"`)
    )
    expect(strays).toEqual([])
  })
})

describe('installing: a checkout or a release, never a bare package name', () => {
  it.each(INSTALL_TEXTS)('%s names no bare or major-only package', (path) => {
    expect(packageNameProblems(read(path))).toEqual([])
  })

  it.each(['examples/bitbucket-pipelines-npx.yml', 'examples/gitlab-ci.yml'])('%s runs an exact release, downloaded and checked by its sha256', (path) => {
    const scripts = scriptsOf(parse(read(path)))
    expect(scripts.filter((script) => script.some((line) => line.startsWith('npx ') || line.startsWith('node package/'))).length).toBeGreaterThan(0)
    expect(scripts.flatMap(tarballProblems)).toEqual([])
  })

  it('names the tarball as npm pack does: package.json name and version', () => {
    const pkg = JSON.parse(read('package.json')) as { name: string; bin: Record<string, string> }
    expect(pkg.name).toBe('bitbucket-2fa-gate')
    expect(Object.keys(pkg.bin)).toEqual([pkg.name])
    const cli = read('docs/cli.md')
    expect(cli).toContain(`\`${pkg.name}-X.Y.Z.tgz\`, what \`npm pack\` makes`)
    expect(cli).toContain(`sha256sum -c ${pkg.name}-X.Y.Z.tgz.sha256`)
    expect(cli).toContain(`npx --yes ./${pkg.name}-X.Y.Z.tgz --workspace acme`)
  })
})

describe('rendering (GFM, as GitHub does)', () => {
  it.each(DOCUMENTS)('%s renders with every table and code block whole', (path) => {
    expect(renderProblems(read(path))).toEqual([])
    expect(nodesOfType(tree(path), 'heading').filter((h) => 'depth' in h && h.depth === 1)).toHaveLength(1)
  })

  it('the reference tables render as tables with every row', () => {
    const reference = tree('docs/reference.md')
    expect(tableAfterHeading(reference, 'Inputs')?.children).toHaveLength(1 + Object.keys(action.inputs).length)
    expect(tableAfterHeading(reference, 'Outputs')?.children).toHaveLength(1 + Object.keys(action.outputs).length)
    expect(tableAfterHeading(reference, 'CLI flags')?.children).toHaveLength(1 + helpFlags.length)
  })
})

describe('the checks above catch what they are for', () => {
  const files: Files = {
    exists: (path) => ['a.md', 'docs/b.md', 'examples/'].includes(path),
    anchors: (path) => (path === 'a.md' ? headingSlugs(parseGfm('# Top\n## Same\n## Same\n')) : path === 'docs/b.md' ? ['the-cli-flags'] : null)
  }

  it('finds a missing file, a missing anchor and a link out of the repository', () => {
    expect(linkProblems('a.md', '[x](docs/b.md#the-cli-flags) [y](#same-1) [z](examples/) [w](https://example.com/#nope)', files)).toEqual([])
    expect(linkProblems('a.md', '[x](docs/c.md)', files)).toEqual(['a.md: docs/c.md: no file docs/c.md'])
    expect(linkProblems('a.md', '[x](docs/b.md#flags)', files)).toEqual(['a.md: docs/b.md#flags: no heading in docs/b.md has the anchor #flags'])
    expect(linkProblems('a.md', '[y](#same-2)', files)).toHaveLength(1)
    expect(linkProblems('docs/b.md', '[up](../../x.md)', files)).toEqual(['docs/b.md: ../../x.md points outside the repository'])
    expect(linkProblems('a.md', '[x][ref]\n\n[ref]: docs/nope.md', files)).toHaveLength(1)
  })

  it('makes the anchors GitHub makes', () => {
    const slugs = headingSlugs(
      parseGfm(
        '# The CLI: Bitbucket Pipelines, GitLab CI, a terminal\n## Public repositories (`redact`)\n## Reference: inputs, outputs and CLI flags\n' +
          '## What **this** gate guarantees\n## Exemptions\n## Exemptions\n## Exemptions\n## snake_case and --dashes\n## Action ÷ floor → 1.5×\n'
      )
    )
    expect(slugs).toEqual([
      'the-cli-bitbucket-pipelines-gitlab-ci-a-terminal',
      'public-repositories-redact',
      'reference-inputs-outputs-and-cli-flags',
      'what-this-gate-guarantees',
      'exemptions',
      'exemptions-1',
      'exemptions-2',
      'snake_case-and---dashes',
      'action--floor--15'
    ])
  })

  it('finds a broken table, an open fence and a code span that did not close', () => {
    expect(renderProblems('| a | b |\n| --- | --- |\n| `x` | y |\n')).toEqual([])
    expect(renderProblems('| a | b |\n| --- | --- |\n| `x|y` | z |\n')).toContain('line 3: a table row of 3 cells under a header of 2')
    expect(renderProblems('text\n| a | b |\n')).toEqual(['line 2: a table row outside any table'])
    expect(renderProblems('```sh\nnpm test\n')).toHaveLength(1)
    expect(renderProblems('| a |\n| --- |\n| `Input \\`token\\` looks like` |\n')).not.toEqual([])
  })

  it('finds a bare or major-only package name, and lets paths and the action pass', () => {
    for (const bad of [
      'npx bitbucket-2fa-gate@1 --workspace acme',
      '`npx --yes bitbucket-2fa-gate@1`',
      'npx bitbucket-2fa-gate --workspace acme',
      'npx --yes bitbucket-2fa-gate',
      'npm install -g bitbucket-2fa-gate',
      'npm exec bitbucket-2fa-gate@latest',
      'pnpm dlx bitbucket-2fa-gate@1.2'
    ])
      expect(packageNameProblems(bad), bad).not.toEqual([])
    for (const good of [
      'uses: OWNER/bitbucket-2fa-gate@v1',
      'uses: OWNER/bitbucket-2fa-gate@<the 40-character commit SHA> # v1.0.0',
      'npx --yes ./bitbucket-2fa-gate-1.0.0.tgz --workspace acme',
      'curl -fsSLO https://github.com/OWNER/bitbucket-2fa-gate/releases/download/v1.0.0/bitbucket-2fa-gate-1.0.0.tgz',
      'node dist/cli.js --workspace acme',
      '# bitbucket-2fa-gate documentation',
      'bitbucket-2fa-gate:\n  image: node:24'
    ])
      expect(packageNameProblems(good), good).toEqual([])
  })

  it('finds a CI script that runs the gate without downloading and checking an exact release', () => {
    const checked = [
      'curl -fsSLO https://github.com/OWNER/bitbucket-2fa-gate/releases/download/v1.2.3/bitbucket-2fa-gate-1.2.3.tgz',
      'curl -fsSLO https://github.com/OWNER/bitbucket-2fa-gate/releases/download/v1.2.3/bitbucket-2fa-gate-1.2.3.tgz.sha256',
      'sha256sum -c bitbucket-2fa-gate-1.2.3.tgz.sha256',
      'npx --yes ./bitbucket-2fa-gate-1.2.3.tgz --workspace acme'
    ]
    expect(tarballProblems(checked)).toEqual([])
    expect(tarballProblems(checked.filter((line) => !line.startsWith('sha256sum')))).toHaveLength(1)
    expect(tarballProblems([...checked.slice(0, 3), 'npx --yes ./bitbucket-2fa-gate-1.2.4.tgz --workspace acme'])).toHaveLength(1)
    expect(tarballProblems(['npx --yes bitbucket-2fa-gate@1.2.3 --workspace acme'])).toHaveLength(1)
    expect(scriptsOf(parse(read('examples/gitlab-ci.yml')))).toHaveLength(1)
  })

  it('tells a CI file from a snippet', () => {
    expect(isCiFile(read('examples/gitlab-ci.yml'))).toBe(true)
    expect(isCiFile(read('examples/bitbucket-pipelines.yml'))).toBe(true)
    expect(isCiFile('exempt: |\n  557058:abc\n')).toBe(false)
  })
})
