import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { HELP } from '../src/cli/help.js'
import { INPUTS } from '../src/config/catalogue.js'
import { PIPE_PROXY } from '../src/config/pipelines.js'
import { STEP_VARIABLES } from '../src/present/variables.js'

/**
 * The CI files a user copies and the pipe's packaging: each parses, and uses the keys its CI reads the
 * way the gate needs them. The Pipelines files' pipe steps name the image pipe/pipe.yml declares and only
 * the variables it declares; pipe.yml declares every pipe variable of the contract with its default; the
 * GitLab job lets exit 1 pass as report only while exit 2 fails; the Jenkinsfile's exit-code branch is run
 * as the shell it is; the Dockerfile copies only the CLI bundle and runs it as an unprivileged user.
 * docs.test.ts checks that the manual shows each example exactly as examples/ holds it.
 */
const root = resolve(import.meta.dirname, '..')
const read = (path: string): string => readFileSync(join(root, path), 'utf8')

/** The pipe's variables: a fixed contract, which the one table of inputs (the `pipe` column) must also say. */
const PIPE_VARIABLES = [
  'WORKSPACE',
  'REPOSITORY',
  'BITBUCKET_EMAIL',
  'BITBUCKET_TOKEN',
  'BITBUCKET_OAUTH_CLIENT_ID',
  'BITBUCKET_OAUTH_CLIENT_SECRET',
  'EXEMPT',
  'EXEMPT_FILE',
  'FAIL_ON_UNKNOWN',
  'FAIL_ON_VIOLATION',
  'REDACT',
  'REPORT_FILE',
  'JUNIT_FILE',
  'CODE_INSIGHTS',
  'CODE_INSIGHTS_PROXY',
  'ATLASSIAN_ORG_ID',
  'ATLASSIAN_API_KEY',
  'ACCEPT_ATLASSIAN_2SV',
  'ALLOW_ADMIN_EXEMPTIONS',
  'DEBUG',
  'BITBUCKET_API_URL',
  'BITBUCKET_OAUTH_TOKEN_URL',
  'ATLASSIAN_API_URL'
]

/** Defaults the pipe computes rather than the table holds: the repository's own workspace, the pipe's proxy. */
const DOOR_DEFAULTS: Readonly<Record<string, string>> = { WORKSPACE: '$BITBUCKET_WORKSPACE', CODE_INSIGHTS_PROXY: PIPE_PROXY }

/** The default pipe.yml must state for each pipe variable (undefined: none), from the one table of inputs. */
function expectedDefaults(): Map<string, string | undefined> {
  const defaults = new Map<string, string | undefined>()
  for (const spec of Object.values(INPUTS)) {
    if (spec.pipe === null) continue
    const value = 'pipeDefault' in spec ? spec.pipeDefault : spec.default
    defaults.set(spec.pipe, DOOR_DEFAULTS[spec.pipe] ?? (value === '' ? undefined : value))
  }
  return defaults
}

interface PipeVariable {
  name?: unknown
  description?: unknown
  default?: unknown
}

/** Why a parsed pipe.yml is not the pipe this project publishes (none when it is). */
function pipeYamlProblems(doc: unknown, defaults: ReadonlyMap<string, string | undefined>): string[] {
  if (typeof doc !== 'object' || doc === null) return ['not a mapping']
  const pipe = doc as Record<string, unknown>
  const problems: string[] = []
  for (const key of ['name', 'image', 'description', 'repository']) {
    if (typeof pipe[key] !== 'string' || pipe[key] === '') problems.push(`no ${key}`)
  }
  if (pipe.category !== 'Security') problems.push(`category is ${String(pipe.category)}, not Security`)
  const maintainer = pipe.maintainer
  const maintained =
    (typeof maintainer === 'string' && maintainer !== '') ||
    (typeof maintainer === 'object' && maintainer !== null && typeof (maintainer as { name?: unknown }).name === 'string')
  if (!maintained) problems.push('no maintainer')
  if (typeof pipe.image === 'string' && !/^[a-z0-9_-]+\/bitbucket-2fa-gate-pipe:1$/i.test(pipe.image)) {
    problems.push(`image ${pipe.image} is not <namespace>/bitbucket-2fa-gate-pipe:1`)
  }
  if (!Array.isArray(pipe.variables)) return [...problems, 'no variables list']
  const seen = new Set<string>()
  for (const variable of pipe.variables as PipeVariable[]) {
    const name = typeof variable.name === 'string' ? variable.name : ''
    if (name === '') {
      problems.push('a variable without a name')
      continue
    }
    if (seen.has(name)) problems.push(`${name} declared twice`)
    seen.add(name)
    if (typeof variable.description !== 'string' || variable.description.trim() === '') problems.push(`${name} has no description`)
    if (!defaults.has(name)) {
      problems.push(`${name} is not a pipe variable`)
      continue
    }
    const expected = defaults.get(name)
    if (variable.default !== expected) problems.push(`${name}: default ${JSON.stringify(variable.default)}, expected ${JSON.stringify(expected)}`)
  }
  for (const name of defaults.keys()) if (!seen.has(name)) problems.push(`${name} is not declared`)
  return problems
}

interface Instruction {
  keyword: string
  args: string
}

/** A Dockerfile's instructions, continuation lines joined and comments dropped. */
function instructionsOf(text: string): Instruction[] {
  const logical = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
  return logical
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const match = /^(\S+)\s*(.*)$/.exec(line)
      return { keyword: (match?.[1] ?? '').toUpperCase(), args: (match?.[2] ?? '').trim() }
    })
}

/** The files of the CLI bundle the npm package ships from dist/ (package.json's `files`): what the image may hold. */
const BUNDLE = (JSON.parse(read('package.json')) as { files: string[] }).files.filter((file) => file.startsWith('dist/'))

/** An exec-form instruction's argv (`["node", "cli.js"]`), or null for the shell form. */
function execForm(args: string): unknown {
  try {
    return JSON.parse(args) as unknown
  } catch {
    return null
  }
}

/** Why a Dockerfile is not the pipe's image (none when it is). */
function dockerfileProblems(text: string): string[] {
  const problems: string[] = []
  const all = instructionsOf(text)
  const froms = all.filter((i) => i.keyword === 'FROM')
  if (froms.length !== 1) problems.push(`${froms.length} FROM lines, expected one`)
  const base = froms[0]?.args ?? ''
  if (!/^node:24(?:[-.@][^\s]*)?$/.test(base)) problems.push(`FROM ${base} is not a Node 24 image`)
  for (const add of all.filter((i) => i.keyword === 'ADD')) problems.push(`ADD ${add.args}: use COPY, and never fetch a URL`)
  const copies = all.filter((i) => i.keyword === 'COPY')
  const copied: string[] = []
  let into = ''
  for (const copy of copies) {
    const words = copy.args.split(/\s+/)
    if (words.some((word) => word.startsWith('--from'))) problems.push(`COPY ${copy.args} copies from another image`)
    const sources = words.filter((word) => !word.startsWith('--')).slice(0, -1)
    into = words.at(-1) ?? ''
    for (const source of sources) {
      if (!BUNDLE.includes(source)) problems.push(`COPY ${source}: only ${BUNDLE.join(', ')} belong in the image`)
      copied.push(source)
    }
  }
  if (!copied.includes('dist/cli.js')) problems.push('dist/cli.js is not copied')
  const users = all.filter((i) => i.keyword === 'USER')
  const user = users.at(-1)?.args ?? ''
  if (user === '') problems.push('no USER: the pipe would run as root')
  else if (/^(?:root|0)(?::|$)/.test(user)) problems.push(`USER ${user} is root`)
  const entrypoints = all.filter((i) => i.keyword === 'ENTRYPOINT')
  const entry = entrypoints.at(-1)?.args ?? ''
  const argv = execForm(entry)
  const expected = ['node', `${into.replace(/\/$/, '')}/cli.js`, 'pipe']
  if (!Array.isArray(argv)) problems.push(`ENTRYPOINT ${entry} is not the exec form`)
  else if (JSON.stringify(argv) !== JSON.stringify(expected)) problems.push(`ENTRYPOINT ${entry} does not run ${JSON.stringify(expected)}`)
  return problems
}

type Script = (string | { pipe?: string; variables?: Record<string, unknown> })[]
interface Step {
  name?: string
  script?: Script
  'output-variables'?: string[]
  artifacts?: string[]
}
type Pipeline = { step?: Step }[]
interface PipelinesFile {
  pipelines: { custom?: Record<string, Pipeline>; branches?: Record<string, Pipeline> }
}

const pipelinesOf = (file: PipelinesFile): Pipeline[] => [...Object.values(file.pipelines.custom ?? {}), ...Object.values(file.pipelines.branches ?? {})]
const stepsOf = (pipeline: Pipeline): Step[] => pipeline.flatMap((item) => (item.step === undefined ? [] : [item.step]))

const pipeYml = parse(read('pipe/pipe.yml')) as { image: string; variables: { name: string; default?: string }[] }
const declared = pipeYml.variables.map((v) => v.name)
const imageName = pipeYml.image.replace(/:[^:/]+$/, '')

describe('pipe/pipe.yml', () => {
  it('declares the pipe: name, image, description, category Security, repository, maintainer, variables', () => {
    expect(pipeYamlProblems(parse(read('pipe/pipe.yml')), expectedDefaults())).toEqual([])
  })

  it('declares every pipe variable of the contract and no other, as the table of inputs names them', () => {
    expect([...declared].sort()).toEqual([...PIPE_VARIABLES].sort())
    expect([...expectedDefaults().keys()].sort()).toEqual([...PIPE_VARIABLES].sort())
  })

  it('says how it is used: pipe: docker://<its image>, not a workspace/repo reference', () => {
    expect(read('pipe/pipe.yml')).toContain(`#   - pipe: docker://${pipeYml.image}\n`)
    expect(pipeYml.image).toBe('DOCKERHUB_NAMESPACE/bitbucket-2fa-gate-pipe:1')
  })
})

describe('pipe/Dockerfile', () => {
  const dockerfile = read('pipe/Dockerfile')

  it('runs the CLI bundle on Node 24 as an unprivileged user, as `pipe`, with nothing but dist/ copied', () => {
    expect(dockerfileProblems(dockerfile)).toEqual([])
    expect([...BUNDLE].sort()).toEqual(['dist/cli.js', 'dist/licenses.txt', 'dist/package.json'])
  })

  it('keeps everything but those files out of the build context (the repository root)', () => {
    const lines = read('pipe/Dockerfile.dockerignore')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    expect(lines[0]).toBe('*')
    const copied = instructionsOf(dockerfile)
      .filter((i) => i.keyword === 'COPY')
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1))
    expect(lines.slice(1).sort()).toEqual(copied.map((file) => `!${file}`).sort())
  })

  it('is the image the release workflow builds, tests against the simulator and pushes as X.Y.Z and X', () => {
    const release = read('.github/workflows/release.yml')
    expect(release).toContain('docker build --file pipe/Dockerfile')
    expect(release).toContain('--network host')
    expect(release).toContain('npm run -s simulator')
    expect(release).toContain('docker push "$IMAGE:$VERSION"')
    expect(release).toContain('docker push "$IMAGE:$MAJOR"')
    expect(release).toContain('MAJOR="${VERSION%%.*}"')
    expect(release).toContain('${{ secrets.DOCKERHUB_TOKEN }}')
    // The pushed name is pipe.yml's image without its tag, read by this sed.
    const sed = /sed -n '(s\/\^image:[^']+)' pipe\/pipe\.yml/.exec(release)?.[1] ?? ''
    expect(execFileSync('sed', ['-n', sed], { input: read('pipe/pipe.yml'), encoding: 'utf8' }).trim()).toBe(imageName)
  })
})

describe('examples/bitbucket-pipelines.yml: the pipe', () => {
  const file = parse(read('examples/bitbucket-pipelines.yml')) as PipelinesFile
  const steps = pipelinesOf(file).flatMap(stepsOf)
  const pipes = steps.flatMap((step) => (step.script ?? []).filter((line) => typeof line === 'object'))

  it('runs the image pipe.yml declares, with only variables pipe.yml declares, each a string', () => {
    expect(pipes.length).toBeGreaterThanOrEqual(2)
    for (const pipe of pipes) {
      expect(Object.keys(pipe).sort()).toEqual(['pipe', 'variables'])
      expect(pipe.pipe).toBe(`docker://${pipeYml.image}`)
      for (const [name, value] of Object.entries(pipe.variables ?? {})) {
        expect(declared, name).toContain(name)
        expect(typeof value, name).toBe('string')
      }
      // Secrets come from secured repository variables, never written into the file.
      expect(pipe.variables?.BITBUCKET_TOKEN).toBe('$BITBUCKET_TOKEN')
      expect(pipe.variables?.BITBUCKET_EMAIL).toBe('$BITBUCKET_EMAIL')
    }
  })

  it('gates the release: the branch pipeline runs the pipe failing on violations, then Release', () => {
    const [gate, release] = stepsOf(file.pipelines.branches?.main ?? [])
    const pipe = gate?.script?.find((line) => typeof line === 'object')
    expect(pipe?.variables?.FAIL_ON_VIOLATION ?? 'true').toBe('true')
    expect(release?.name).toBe('Release')
  })

  it('hands the counts to later steps: the storage file into $BITBUCKET_PIPELINES_VARIABLES_PATH, output-variables on the step', () => {
    const exporting = steps.filter((step) => step['output-variables'] !== undefined)
    expect(exporting).toHaveLength(1)
    const [step] = exporting
    expect(step?.['output-variables']).toEqual([...STEP_VARIABLES])
    const storage = `.bitbucket/pipelines/generated/pipeline/pipes/${imageName}/bitbucket-2fa-gate.env`
    expect(step?.script).toContain(`cat ${storage} >> $BITBUCKET_PIPELINES_VARIABLES_PATH`)
    const script = step?.script ?? []
    expect(script.findIndex((line) => typeof line === 'object')).toBeLessThan(
      script.findIndex((line) => line === `cat ${storage} >> $BITBUCKET_PIPELINES_VARIABLES_PATH`)
    )
    // A later step of the same pipeline reads them.
    const pipeline = pipelinesOf(file).find((p) => stepsOf(p).includes(step as Step)) ?? []
    const later = stepsOf(pipeline).slice(stepsOf(pipeline).indexOf(step as Step) + 1)
    expect(later.some((s) => (s.script ?? []).some((line) => typeof line === 'string' && /\$BB2FA_[A-Z_]+/.test(line)))).toBe(true)
    expect(step?.artifacts).toEqual(['reports/**'])
  })
})

describe('examples/bitbucket-pipelines-npx.yml: the CLI without the pipe', () => {
  const file = parse(read('examples/bitbucket-pipelines-npx.yml')) as PipelinesFile
  const steps = pipelinesOf(file).flatMap(stepsOf)

  it('uses only flags --help knows, and output-variables the CLI writes', () => {
    const commands = steps.flatMap((step) => (step.script ?? []).filter((line): line is string => typeof line === 'string' && line.startsWith('npx ')))
    expect(commands.length).toBeGreaterThanOrEqual(2)
    for (const flag of commands.join(' ').match(/--[a-z][a-z0-9-]+/g) ?? []) if (flag !== '--yes') expect(HELP, flag).toContain(flag)
    for (const step of steps) for (const name of step['output-variables'] ?? []) expect(STEP_VARIABLES as readonly string[]).toContain(name)
  })
})

/** The value a command line gives a flag (`--flag value`), or null. */
const flagValue = (command: string, flag: string): string | null => new RegExp(`${flag} (\\S+)`).exec(command)?.[1] ?? null

describe('examples/gitlab-ci.yml', () => {
  interface Job {
    script: string[]
    allow_failure?: unknown
    artifacts?: { when?: string; paths?: string[]; reports?: { junit?: string } }
  }
  const jobs = parse(read('examples/gitlab-ci.yml')) as Record<string, Job>

  it('lets exit 1 pass as report only while 2 fails the job, and keeps the JUnit report and the JSON report', () => {
    const job = jobs['bitbucket-2fa-gate']
    expect(job?.allow_failure).toEqual({ exit_codes: [1] })
    const command = job?.script.at(-1) ?? ''
    expect(job?.artifacts?.when).toBe('always')
    expect(job?.artifacts?.reports?.junit).toBe(flagValue(command, '--junit-file'))
    expect(job?.artifacts?.paths).toEqual([flagValue(command, '--report-file')])
    for (const flag of command.match(/--[a-z][a-z0-9-]+/g) ?? []) if (flag !== '--yes') expect(HELP, flag).toContain(flag)
  })
})

describe('examples/Jenkinsfile', () => {
  const jenkinsfile = read('examples/Jenkinsfile')
  const status = /def status = sh\(returnStatus: true, script: '([^']+)'\)/.exec(jenkinsfile)
  const branch = /def why = sh\(returnStdout: true, script: "(case \$\{status\} in [^"]* esac)"\)\.trim\(\)/.exec(jenkinsfile)
  /** Runs the file's exit-code branch, as Jenkins would with this status, and returns what it prints. */
  const why = (code: number): string => execFileSync('sh', ['-c', (branch?.[1] ?? 'exit 99').replace('${status}', String(code))], { encoding: 'utf8' }).trim()

  it('keeps the exit code, reads the JUnit file it wrote, then decides', () => {
    const command = status?.[1] ?? ''
    expect(command).toMatch(/^npx --yes \.\/bitbucket-2fa-gate-\d+\.\d+\.\d+\.tgz /)
    const junit = /junit\(testResults: '([^']+)', allowEmptyResults: true\)/.exec(jenkinsfile)
    expect(junit?.[1]).toBe(flagValue(command, '--junit-file'))
    for (const flag of command.match(/--[a-z][a-z0-9-]+/g) ?? []) if (flag !== '--yes') expect(HELP, flag).toContain(flag)
    const order = [status?.index ?? -1, junit?.index ?? -1, branch?.index ?? -1]
    expect(order.every((at) => at >= 0)).toBe(true)
    expect([...order].sort((a, b) => a - b)).toEqual(order)
  })

  it('downloads the same release and checks its sha256 before running it', () => {
    const version = /bitbucket-2fa-gate-(\d+\.\d+\.\d+)\.tgz/.exec(status?.[1] ?? '')?.[1] ?? 'none'
    const tarball = `bitbucket-2fa-gate-${version}.tgz`
    const download = `https://github.com/OWNER/bitbucket-2fa-gate/releases/download/v${version}`
    const block = /sh '''\n([\s\S]*?)\n\s*'''/.exec(jenkinsfile)?.[1] ?? ''
    expect(block.split('\n').map((line) => line.trim())).toEqual([
      `curl -fsSLO ${download}/${tarball}`,
      `curl -fsSLO ${download}/${tarball}.sha256`,
      `sha256sum -c ${tarball}.sha256`
    ])
    expect(jenkinsfile.indexOf(block)).toBeLessThan(status?.index ?? -1)
  })

  it('fails the build with error() on 1 and on 2, and on nothing else but 0 passes', () => {
    expect(branch).not.toBeNull()
    expect(why(0)).toBe('')
    expect(why(1)).toMatch(/^not compliant/)
    expect(why(2)).toMatch(/^no verdict/)
    expect(why(137)).toMatch(/^no verdict/) // killed: no verdict either, never a pass
    expect(jenkinsfile).toMatch(/\n\s*if \(why\) \{\n\s*error\("Bitbucket 2FA gate: \$\{why\} \(exit \$\{status\}\)"\)\n\s*\}\n/)
  })
})

describe('the checks above catch what they are for', () => {
  const good = read('pipe/Dockerfile')
  const defaults = expectedDefaults()
  const goodPipe = (): Record<string, unknown> => parse(read('pipe/pipe.yml')) as Record<string, unknown>

  it('finds a Dockerfile that is not the pipe', () => {
    const bad = (from: string, to: string): string[] => {
      expect(good, from).toContain(from)
      return dockerfileProblems(good.replace(from, to))
    }
    expect(bad('FROM node:24-alpine', 'FROM node:20-alpine')).toEqual(['FROM node:20-alpine is not a Node 24 image'])
    expect(bad('FROM node:24-alpine', 'FROM node:24-alpine\nFROM alpine')).toContain('2 FROM lines, expected one')
    expect(bad('USER node', '')).toEqual(['no USER: the pipe would run as root'])
    expect(bad('USER node', 'USER root')).toEqual(['USER root is root'])
    expect(bad('USER node', 'USER 0:0')).toEqual(['USER 0:0 is root'])
    expect(bad('USER node', 'USER node\nADD https://example.com/x.tgz /opt/')).toHaveLength(1)
    expect(bad('COPY dist/cli.js', 'COPY . /app\nCOPY dist/cli.js')).toEqual([`COPY .: only ${BUNDLE.join(', ')} belong in the image`])
    expect(bad('COPY dist/cli.js', 'COPY --from=builder /x /y\nCOPY dist/cli.js')).toContain('COPY --from=builder /x /y copies from another image')
    expect(bad('COPY dist/cli.js dist/package.json', 'COPY dist/package.json')).toContain('dist/cli.js is not copied')
    expect(bad('"pipe"]', '"--workspace", "acme"]')).toHaveLength(1)
    expect(bad('ENTRYPOINT ["node", "/opt/bitbucket-2fa-gate/cli.js", "pipe"]', 'ENTRYPOINT node /opt/bitbucket-2fa-gate/cli.js pipe')).toHaveLength(1)
  })

  it('finds a pipe.yml that is not the pipe', () => {
    const withChange = (change: (pipe: Record<string, unknown>) => void): string[] => {
      const pipe = goodPipe()
      change(pipe)
      return pipeYamlProblems(pipe, defaults)
    }
    const variables = (pipe: Record<string, unknown>): PipeVariable[] => pipe.variables as PipeVariable[]
    expect(withChange(() => undefined)).toEqual([])
    expect(withChange((p) => (p.category = 'Utilities'))).toEqual(['category is Utilities, not Security'])
    expect(withChange((p) => delete p.maintainer)).toEqual(['no maintainer'])
    expect(withChange((p) => delete p.repository)).toEqual(['no repository'])
    expect(withChange((p) => (p.image = 'acme/other:latest'))).toHaveLength(1)
    expect(withChange((p) => delete variables(p)[0]?.description)).toEqual(['WORKSPACE has no description'])
    expect(withChange((p) => variables(p).push({ name: 'SUMMARY', description: 'x' }))).toEqual(['SUMMARY is not a pipe variable'])
    expect(withChange((p) => (p.variables = variables(p).filter((v) => v.name !== 'JUNIT_FILE')))).toEqual(['JUNIT_FILE is not declared'])
    expect(withChange((p) => variables(p).push({ ...variables(p)[1] }))).toEqual(['REPOSITORY declared twice'])
    expect(
      withChange((p) => {
        const redact = variables(p).find((v) => v.name === 'REDACT')
        if (redact !== undefined) redact.default = 'true'
      })
    ).toEqual(['REDACT: default "true", expected "auto"'])
    expect(
      withChange((p) => {
        const token = variables(p).find((v) => v.name === 'BITBUCKET_TOKEN')
        if (token !== undefined) token.default = '$BITBUCKET_TOKEN'
      })
    ).toEqual(['BITBUCKET_TOKEN: default "$BITBUCKET_TOKEN", expected undefined'])
  })

  it('reads flags off a command line', () => {
    expect(flagValue('npx x --junit-file a/b.xml --redact', '--junit-file')).toBe('a/b.xml')
    expect(flagValue('npx x --redact', '--junit-file')).toBeNull()
  })
})
