import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ADMIN_EMAIL, ADMIN_TOKEN, adminCredential, bot, person } from '../simulator/fixtures.js'
import { BitbucketSimulator } from '../simulator/server.js'
import { runCli } from '../support/cli.js'
import { carriesCredentials, PipelinesProxy } from '../support/pipelines-proxy.js'

/**
 * The CLI in Bitbucket Pipelines: who may see names, the JUnit file, the step variables, Code Insights
 * through a fake of the step's proxy, the attestation predicate, and which failures fail the run.
 */
const sim = new BitbucketSimulator({ workspaces: [], credentials: [adminCredential] })
const proxy = new PipelinesProxy()
const BOB = person(2, false, { display_name: 'Bob NoTwoFactor', nickname: 'bob' })
const COMMIT = '0123456789abcdef0123456789abcdef01234567'

beforeAll(async () => {
  await sim.start()
  await proxy.start()
})
afterAll(async () => {
  await sim.stop()
  await proxy.stop()
})
beforeEach(() => {
  sim.workspaces.length = 0
  sim.workspaces.push({
    slug: 'acme',
    uuid: '{aaaaaaaa-1111-4111-8111-111111111111}',
    members: [person(1, true), BOB, person(3, null, { display_name: 'Cy Unknown' }), bot(1, 'Deploy Bot')]
  })
  sim.faults.length = 0
  sim.resetStats()
  proxy.requests.length = 0
  proxy.reports.clear()
  proxy.faults.length = 0
})

const terminal = () => ({ BITBUCKET_EMAIL: ADMIN_EMAIL, BITBUCKET_TOKEN: ADMIN_TOKEN, BITBUCKET_API_URL: sim.apiUrl })
/** A step's own variables, as Pipelines sets them. */
const step = (extra: Record<string, string> = {}) => ({
  ...terminal(),
  BITBUCKET_BUILD_NUMBER: '42',
  BITBUCKET_REPO_FULL_NAME: 'acme/app',
  BITBUCKET_COMMIT: COMMIT,
  ...extra
})
const secretsAndIds = [ADMIN_TOKEN, BOB.uuid, BOB.account_id ?? '', 'Bob NoTwoFactor', '@bob', 'Cy Unknown']

describe('who may see names', () => {
  it('shows them in a terminal, and withholds them in a step unless the repository is private', async () => {
    expect((await runCli(['--workspace', 'acme'], terminal())).stdout).toContain('Bob NoTwoFactor')
    const publicStep = await runCli(['--workspace', 'acme'], step({ BITBUCKET_REPO_IS_PRIVATE: 'false' }))
    expect(publicStep.exitCode).toBe(1)
    expect(publicStep.stdout).not.toContain('Bob NoTwoFactor')
    expect(publicStep.stdout).toContain('this repository is public')
    const unsaid = await runCli(['--workspace', 'acme'], step())
    expect(unsaid.stdout).not.toContain('Bob NoTwoFactor')
    expect(unsaid.stdout).toContain('could not tell whether this repository is private')
    expect((await runCli(['--workspace', 'acme'], step({ BITBUCKET_REPO_IS_PRIVATE: 'true' }))).stdout).toContain('Bob NoTwoFactor')
  })

  it('takes only exactly `true` as private, and knows a step by its pipeline uuid too', async () => {
    expect((await runCli(['--workspace', 'acme'], step({ BITBUCKET_REPO_IS_PRIVATE: 'True' }))).stdout).not.toContain('Bob NoTwoFactor')
    const byUuid = { ...terminal(), BITBUCKET_PIPELINE_UUID: '{0f0f0f0f-0000-4000-8000-000000000000}' }
    expect((await runCli(['--workspace', 'acme'], byUuid)).stdout).not.toContain('Bob NoTwoFactor')
  })

  it('lets --redact and --no-redact decide, and refuses both', async () => {
    expect((await runCli(['--workspace', 'acme', '--no-redact'], step())).stdout).toContain('Bob NoTwoFactor')
    expect((await runCli(['--workspace', 'acme', '--redact'], terminal())).stdout).not.toContain('Bob NoTwoFactor')
    sim.resetStats()
    const both = await runCli(['--workspace', 'acme', '--redact', '--no-redact'], terminal())
    expect(both.exitCode).toBe(2)
    expect(both.stderr).toBe('bitbucket-2fa-gate: --redact and --no-redact were both given; keep one.\n')
    expect(sim.requests).toBe(0)
  })
})

describe('--junit-file', () => {
  it('writes the JUnit report, without names in a public step', async () => {
    const run = await runCli(['--workspace', 'acme', '--junit-file', 'test-results/gate.xml'], step({ BITBUCKET_REPO_IS_PRIVATE: 'false' }))
    expect(run.exitCode).toBe(1)
    const xml = readFileSync(join(run.cwd, 'test-results/gate.xml'), 'utf8')
    expect(xml).toContain('<testsuite name="workspace:acme"')
    for (const text of secretsAndIds) expect(xml).not.toContain(text)
  })

  it('names each person who fails in a private one', async () => {
    const run = await runCli(['--workspace', 'acme', '--junit-file', 'r.xml'], step({ BITBUCKET_REPO_IS_PRIVATE: 'true' }))
    const xml = readFileSync(join(run.cwd, 'r.xml'), 'utf8')
    expect(xml).toContain(BOB.account_id)
    expect(xml).toContain('Bob NoTwoFactor')
  })

  it('shows the verdict but exits 2 when the file cannot be written', async () => {
    const run = await runCli(['--workspace', 'acme', '--junit-file', '/proc/bb2fa-nope/r.xml'], terminal())
    expect(run.exitCode).toBe(2)
    expect(run.stdout).toContain('Bob NoTwoFactor')
    expect(run.stderr).toBe(
      'bitbucket-2fa-gate: could not write the JUnit report: the folder /proc/bb2fa-nope could not be created (ENOENT), so /proc/bb2fa-nope/r.xml cannot be written. ' +
        'Check `--junit-file` and that you may write there.\n'
    )
  })

  it('overwrites an old file with one failing test case when the run reaches no verdict', async () => {
    const cwd = (await runCli(['--version'], {})).cwd
    writeFileSync(join(cwd, 'r.xml'), '<testsuites tests="1" failures="0"/>')
    const run = await runCli(['--workspace', 'acme', '--junit-file', 'r.xml', '--bogus'], terminal(), { cwd })
    expect(run.exitCode).toBe(2)
    const xml = readFileSync(join(cwd, 'r.xml'), 'utf8')
    expect(xml).toContain('<failure')
    expect(xml).toContain('--bogus')
  })
})

describe('step variables', () => {
  const expected = [
    'BB2FA_COMPLIANT=false',
    'BB2FA_MEMBER_COUNT=4',
    'BB2FA_NON_COMPLIANT_COUNT=1',
    'BB2FA_UNKNOWN_COUNT=1',
    'BB2FA_EXEMPT_COUNT=0',
    'BB2FA_ATLASSIAN_2SV_COUNT=0',
    'BB2FA_OUT_OF_SCOPE_COUNT=0',
    'BB2FA_NOT_A_MEMBER_COUNT=0'
  ]

  it('appends the counts, and only the counts, to BITBUCKET_PIPELINES_VARIABLES_PATH', async () => {
    const cwd = (await runCli(['--version'], {})).cwd
    const path = join(cwd, 'variables')
    writeFileSync(path, 'EARLIER=1\n')
    const run = await runCli(['--workspace', 'acme'], step({ BITBUCKET_REPO_IS_PRIVATE: 'true', BITBUCKET_PIPELINES_VARIABLES_PATH: path }), { cwd })
    expect(run.exitCode).toBe(1)
    const text = readFileSync(path, 'utf8')
    expect(text).toBe(['EARLIER=1', ...expected, ''].join('\n'))
    for (const secret of secretsAndIds) expect(text).not.toContain(secret)
  })

  it("starts a new line after an earlier step's last line that had none", async () => {
    const cwd = (await runCli(['--version'], {})).cwd
    const path = join(cwd, 'variables')
    writeFileSync(path, 'EARLIER=1')
    await runCli(['--workspace', 'acme'], step({ BITBUCKET_PIPELINES_VARIABLES_PATH: path }), { cwd })
    expect(readFileSync(path, 'utf8').split('\n').slice(0, 2)).toEqual(['EARLIER=1', 'BB2FA_COMPLIANT=false'])
  })

  it('says nothing is proven when the run reaches no verdict', async () => {
    const cwd = (await runCli(['--version'], {})).cwd
    const path = join(cwd, 'variables')
    const run = await runCli(['--workspace', 'no/such'], step({ BITBUCKET_PIPELINES_VARIABLES_PATH: path }), { cwd })
    expect(run.exitCode).toBe(2)
    expect(readFileSync(path, 'utf8')).toBe(
      [
        'BB2FA_COMPLIANT=false',
        'BB2FA_MEMBER_COUNT=',
        'BB2FA_NON_COMPLIANT_COUNT=',
        'BB2FA_UNKNOWN_COUNT=',
        'BB2FA_EXEMPT_COUNT=',
        'BB2FA_ATLASSIAN_2SV_COUNT=',
        'BB2FA_OUT_OF_SCOPE_COUNT=',
        'BB2FA_NOT_A_MEMBER_COUNT=',
        ''
      ].join('\n')
    )
  })

  it('only warns when the file cannot be written: the exit code follows the verdict', async () => {
    const run = await runCli(['--workspace', 'acme'], step({ BITBUCKET_PIPELINES_VARIABLES_PATH: '/proc/bb2fa-nope/variables' }))
    expect(run.exitCode).toBe(1)
    expect(run.stderr).toContain('warning: the step variables could not be written to BITBUCKET_PIPELINES_VARIABLES_PATH (ENOENT)')
  })
})

describe('--code-insights', () => {
  const insights = () => ['--workspace', 'acme', '--code-insights', '--code-insights-proxy', proxy.url.origin]

  it('replaces the commit report through the proxy, with no credential on that leg, and the listings never go there', async () => {
    const run = await runCli(insights(), step({ BITBUCKET_REPO_IS_PRIVATE: 'true' }))
    expect(run.exitCode).toBe(1)
    const base = `http://api.bitbucket.org/2.0/repositories/acme/app/commit/${COMMIT}/reports/bitbucket-2fa-gate`
    expect(proxy.requests.map((r) => `${r.method} ${r.url}`)).toEqual([`DELETE ${base}`, `PUT ${base}`, `POST ${base}/annotations`])
    expect(proxy.requests.some((r) => carriesCredentials(r))).toBe(false)
    for (const request of proxy.requests) expect(JSON.stringify(request.headers)).not.toContain(ADMIN_TOKEN)
    expect(sim.log.some((entry) => entry.path.includes('/reports'))).toBe(false)
    const stored = proxy.report('acme/app', COMMIT)
    expect(stored?.report).toMatchObject({ result: 'FAILED', report_type: 'SECURITY', reporter: 'bitbucket-2fa-gate' })
    expect(stored?.annotations.map((a) => [a.severity, a.result])).toEqual([
      ['HIGH', 'FAILED'],
      ['MEDIUM', 'FAILED']
    ])
  })

  it('leaves exactly one report with this run’s annotations when run again', async () => {
    await runCli(insights(), step({ BITBUCKET_REPO_IS_PRIVATE: 'true' }))
    sim.workspaces[0]?.members.splice(1, 2)
    const again = await runCli(insights(), step({ BITBUCKET_REPO_IS_PRIVATE: 'true' }))
    expect(again.exitCode).toBe(0)
    expect(proxy.reports.size).toBe(1)
    expect(proxy.report('acme/app', COMMIT)?.report).toMatchObject({ result: 'PASSED' })
    expect(proxy.report('acme/app', COMMIT)?.annotations).toEqual([])
  })

  it('posts counts only, no annotation, where names are withheld', async () => {
    await runCli(insights(), step({ BITBUCKET_REPO_IS_PRIVATE: 'false' }))
    expect(proxy.requests.map((r) => r.method)).toEqual(['DELETE', 'PUT'])
    const sent = JSON.stringify(proxy.requests.map((r) => r.body))
    for (const text of secretsAndIds) expect(sent).not.toContain(text)
  })

  it('warns when the proxy fails, and the exit code still follows the verdict', async () => {
    proxy.fail('PUT', 500)
    const run = await runCli(insights(), step({ BITBUCKET_REPO_IS_PRIVATE: 'true' }))
    expect(run.exitCode).toBe(1)
    expect(run.stderr).toContain('bitbucket-2fa-gate: warning: The Code Insights report was not posted:')
    expect(run.stderr).toContain('500')
    expect(run.stdout).toContain('Bob NoTwoFactor')
  })

  it('posts a FAILED report that says why when the run reaches no verdict, so an old green one does not stay', async () => {
    const run = await runCli(['--workspace', 'no/such', '--code-insights', '--code-insights-proxy', proxy.url.origin], step())
    expect(run.exitCode).toBe(2)
    const report = proxy.report('acme/app', COMMIT)?.report
    expect(report).toMatchObject({ result: 'FAILED' })
    expect(String(report?.details)).toContain('no/such')
  })

  it('replaces an old PASSED report through the step’s own proxy when the given proxy does not parse', async () => {
    // Where a step finds the real proxy, http://localhost:29418: the CLI's fallback.
    const stepProxy = await new PipelinesProxy().start(29418)
    try {
      const run = await runCli(['--workspace', 'acme', '--code-insights', '--code-insights-proxy', 'https://bad'], step())
      expect(run.exitCode).toBe(2)
      expect(run.stderr).toContain('must be a plain http://host:port')
      expect(stepProxy.report('acme/app', COMMIT)?.report).toMatchObject({ result: 'FAILED' })
    } finally {
      await stepProxy.stop()
    }
  })

  it('is an input error naming the missing variables, before any request', async () => {
    const outside: Record<string, string> = step()
    delete outside.BITBUCKET_COMMIT
    delete outside.BITBUCKET_REPO_FULL_NAME
    const run = await runCli(insights(), outside)
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toContain('BITBUCKET_COMMIT and BITBUCKET_REPO_FULL_NAME are not set')
    expect(sim.requests + sim.adminRequests).toBe(0)
    expect(proxy.requests).toEqual([])
  })

  it('refuses a malformed commit or repository, and a proxy that is not plain http', async () => {
    for (const [extra, words] of [
      [{ BITBUCKET_COMMIT: 'HEAD' }, 'BITBUCKET_COMMIT ("HEAD") is not a commit hash'],
      [{ BITBUCKET_REPO_FULL_NAME: 'acme/app/../x' }, 'BITBUCKET_REPO_FULL_NAME ("acme/app/../x") is not workspace/repo_slug']
    ] as const) {
      const run = await runCli(insights(), step(extra))
      expect(run.exitCode).toBe(2)
      expect(run.stderr).toContain(words)
    }
    const tls = await runCli(['--workspace', 'acme', '--code-insights', '--code-insights-proxy', 'https://localhost:29418'], step())
    expect(tls.exitCode).toBe(2)
    expect(tls.stderr).toContain('`--code-insights-proxy` (https://localhost:29418) must be a plain http://host:port')
    const alone = await runCli(['--workspace', 'acme', '--code-insights-proxy', proxy.url.origin], step())
    expect(alone.exitCode).toBe(2)
    expect(alone.stderr).toContain('--code-insights-proxy was given without --code-insights')
    expect(sim.requests + proxy.requests.length).toBe(0)
  })
})

describe('--attestation-predicate-file', () => {
  it('needs --report-file, before any request', async () => {
    const run = await runCli(['--workspace', 'acme', '--attestation-predicate-file', 'p.json'], terminal())
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toContain('`--attestation-predicate-file` binds the JSON report')
    expect(run.stderr).toContain('`--report-file`')
    expect(sim.requests).toBe(0)
  })

  it('binds the sha256 of the report this run wrote, and names nobody', async () => {
    const run = await runCli(['--workspace', 'acme', '--report-file', 'out/report.json', '--attestation-predicate-file', 'out/predicate.json'], terminal())
    expect(run.exitCode).toBe(1)
    const report = readFileSync(join(run.cwd, 'out/report.json'))
    const predicateText = readFileSync(join(run.cwd, 'out/predicate.json'), 'utf8')
    const predicate = JSON.parse(predicateText) as { result: string; configuration: { name: string; digest?: { sha256: string } }[]; failedTests: string[] }
    expect(predicate.result).toBe('FAILED')
    expect(predicate.failedTests).toEqual(['workspace:acme'])
    expect(predicate.configuration.find((c) => c.name === 'report.json')?.digest?.sha256).toBe(createHash('sha256').update(report).digest('hex'))
    // The report names Bob (a terminal shows names); the predicate never does.
    expect(report.toString()).toContain('Bob NoTwoFactor')
    for (const text of secretsAndIds) expect(predicateText).not.toContain(text)
  })

  it('says FAILED, binding nothing, and the run exits 2, when the report could not be written', async () => {
    sim.workspaces[0]?.members.splice(1, 2)
    const cwd = (await runCli(['--version'], {})).cwd
    writeFileSync(join(cwd, 'p.json'), '{"result":"PASSED"}')
    const run = await runCli(['--workspace', 'acme', '--report-file', '/proc/bb2fa-nope/r.json', '--attestation-predicate-file', 'p.json'], terminal(), { cwd })
    expect(run.exitCode).toBe(2)
    const predicate = JSON.parse(readFileSync(join(cwd, 'p.json'), 'utf8')) as { result: string; configuration: { name: string }[]; passedTests: string[] }
    expect(predicate).toMatchObject({ result: 'FAILED', passedTests: [], failedTests: [] })
    expect(predicate.configuration.map((c) => c.name)).toEqual(['policy', 'bitbucket-2fa-gate'])
    expect(run.stderr).toContain('the attestation predicate says FAILED: it binds the report file')
  })
})

describe('--debug', () => {
  it('prints one line an answer on stderr, without the credentials', async () => {
    const run = await runCli(['--workspace', 'acme', '--debug'], terminal())
    const lines = run.stderr.split('\n').filter((line) => line.startsWith('debug: '))
    expect(lines.length).toBeGreaterThanOrEqual(2)
    expect(lines.some((line) => /^debug: GET http:\/\/127\.0\.0\.1:\d+\/2\.0\/workspaces\/acme\/members\S* → 200$/.test(line))).toBe(true)
    expect(run.stderr).not.toContain(ADMIN_TOKEN)
    expect((await runCli(['--workspace', 'acme'], terminal())).stderr).not.toContain('debug:')
  })
})

describe('the pipe subcommand', () => {
  const pipeEnv = (cwd: string, extra: Record<string, string> = {}) => ({
    ...step({ BITBUCKET_REPO_IS_PRIVATE: 'true', BITBUCKET_WORKSPACE: 'acme', BITBUCKET_PIPE_STORAGE_DIR: join(cwd, 'storage') }),
    CODE_INSIGHTS_PROXY: proxy.url.origin,
    ...extra
  })

  it('runs from the pipe’s variables: the JUnit file by default, Code Insights, the storage file', async () => {
    const cwd = (await runCli(['--version'], {})).cwd
    mkdirSync(join(cwd, 'storage'))
    const run = await runCli(['pipe'], pipeEnv(cwd), { cwd })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('Bob NoTwoFactor')
    expect(readFileSync(join(cwd, 'test-results/bitbucket-2fa-gate.xml'), 'utf8')).toContain('workspace:acme')
    expect(proxy.requests.map((r) => r.method)).toEqual(['DELETE', 'PUT', 'POST'])
    expect(readFileSync(join(cwd, 'storage/bitbucket-2fa-gate.env'), 'utf8')).toContain('BB2FA_COMPLIANT=false\nBB2FA_MEMBER_COUNT=4\n')
  })

  it('behaves as the flags do', async () => {
    const cwd = (await runCli(['--version'], {})).cwd
    const noInsights: Record<string, string> = pipeEnv(cwd, {
      FAIL_ON_UNKNOWN: 'false',
      FAIL_ON_VIOLATION: 'false',
      CODE_INSIGHTS: 'false',
      JUNIT_FILE: 'a.xml'
    })
    delete noInsights.CODE_INSIGHTS_PROXY
    const pipe = await runCli(['pipe'], noInsights, { cwd })
    const flags = await runCli(
      ['--workspace', 'acme', '--no-fail-on-unknown', '--no-fail-on-violation', '--junit-file', 'a.xml'],
      step({ BITBUCKET_REPO_IS_PRIVATE: 'true' }),
      {
        cwd
      }
    )
    expect(pipe.exitCode).toBe(0)
    expect(flags.exitCode).toBe(0)
    // The same table, but inputs named the pipe's way.
    expect(pipe.stdout.replace(/`FAIL_ON_UNKNOWN: 'false'`/g, 'X').replace(/`FAIL_ON_VIOLATION: 'false'`/g, 'Y')).toBe(
      flags.stdout.replace(/`--no-fail-on-unknown`/g, 'X').replace(/`--no-fail-on-violation`/g, 'Y')
    )
    expect(proxy.requests).toEqual([])
  })

  it('withholds names by default in a public repository, as REDACT: auto says', async () => {
    const cwd = (await runCli(['--version'], {})).cwd
    const run = await runCli(['pipe'], pipeEnv(cwd, { BITBUCKET_REPO_IS_PRIVATE: 'false' }), { cwd })
    expect(run.stdout).not.toContain('Bob NoTwoFactor')
    expect(readFileSync(join(cwd, 'test-results/bitbucket-2fa-gate.xml'), 'utf8')).not.toContain('Bob NoTwoFactor')
    expect((await runCli(['pipe'], pipeEnv(cwd, { BITBUCKET_REPO_IS_PRIVATE: 'false', REDACT: 'false' }), { cwd })).stdout).toContain('Bob NoTwoFactor')
  })

  it('names bad variables in their own words, and takes no arguments', async () => {
    const cwd = (await runCli(['--version'], {})).cwd
    const bad = await runCli(['pipe'], pipeEnv(cwd, { FAIL_ON_UNKNOWN: 'maybe' }), { cwd })
    expect(bad.exitCode).toBe(2)
    expect(bad.stderr).toContain('`FAIL_ON_UNKNOWN`')
    expect(bad.stderr).not.toContain('--fail-on-unknown')
    const extra = await runCli(['pipe', '--workspace', 'acme'], pipeEnv(cwd), { cwd })
    expect(extra.exitCode).toBe(2)
    expect(extra.stderr).toContain('`pipe` takes no arguments')
    expect(sim.requests).toBe(0)
  })
})
