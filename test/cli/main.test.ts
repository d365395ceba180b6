import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ADMIN_EMAIL, ADMIN_TOKEN, adminCredential, bot, compliantWorkspace, person } from '../simulator/fixtures.js'
import { BitbucketSimulator } from '../simulator/server.js'
import { runCli } from '../support/cli.js'
import { factsOfSummary, factsOfTable } from '../support/facts.js'
import { runInProcess } from '../support/io.js'
import { schemaErrors } from '../support/schema.js'

const sim = new BitbucketSimulator({ workspaces: [], credentials: [adminCredential] })
const AUTH_BASE64 = Buffer.from(`${ADMIN_EMAIL}:${ADMIN_TOKEN}`).toString('base64')

beforeAll(async () => {
  await sim.start()
})
afterAll(async () => {
  await sim.stop()
})
beforeEach(() => {
  sim.workspaces.length = 0
  sim.workspaces.push(
    {
      slug: 'acme',
      uuid: '{aaaaaaaa-1111-4111-8111-111111111111}',
      members: [
        person(1, true),
        person(2, false, { display_name: 'Bob NoTwoFactor', nickname: 'bob' }),
        person(3, null, { display_name: 'Cy Unknown' }),
        bot(1, 'Deploy Bot')
      ]
    },
    compliantWorkspace('beta', 450, 100)
  )
  sim.faults.length = 0
  sim.resetStats()
})

const env = () => ({ BITBUCKET_EMAIL: ADMIN_EMAIL, BITBUCKET_TOKEN: ADMIN_TOKEN, BITBUCKET_API_URL: sim.apiUrl })

describe('the CLI', () => {
  it('says what the action says of the same run: verdict, groups, names in order, findings', async () => {
    const exempt = [`${person(2, false).account_id ?? ''} until 2026-12-10 # key on order`, 'ghost-account # left'].join('\n')
    const inputs = { workspace: 'acme,beta', email: ADMIN_EMAIL, token: ADMIN_TOKEN, 'api-url': sim.apiUrl, exempt }
    const action = await runInProcess(inputs)
    const cli = await runCli(['--workspace', 'acme,beta', ...exempt.split('\n').flatMap((line) => ['--exempt', line])], env())
    const fromAction = factsOfSummary(action.summary)
      .filter((fact) => !fact.startsWith('Workspace') && !/^(acme|beta)\b/.test(fact))
      .map((fact) => fact.replace(/exempt line (\d+) \(([^)]*)\)/g, 'line $1 ($2)'))
    const fromCli = factsOfTable(cli.stdout)
      .filter((fact) => !fact.startsWith('Workspace'))
      .map((fact) => fact.replace(/`--exempt`\/`--exempt-file` line (\d+) \(`([^`]*)`\)/g, 'line $1 ($2)'))
    expect(fromCli).toEqual(fromAction)
    expect(fromAction[0]).toBe('1 unknown of 453 people; none of them an admin')
    expect(fromAction).toContain('Exempted (1)')
    expect(fromAction.join('\n')).toContain('matches no member')
  })

  it('reports every exemption finding the action reports, in the same order and words', async () => {
    const bob = person(2, false)
    const ada = person(1, true)
    const exempt = [
      `${bob.uuid} until 2026-12-05 # ends soon, but line 2 outlasts it`,
      `${bob.account_id ?? ''} until 2027-06-30`,
      `${ada.uuid} # not needed`,
      'bob # a nickname',
      '557058:00000000-dead-beef-0000-000000000000 until 2026-01-01 # expired, matches nobody'
    ].join('\n')
    const action = await runInProcess({ workspace: 'acme', email: ADMIN_EMAIL, token: ADMIN_TOKEN, 'api-url': sim.apiUrl, exempt, 'fail-on-unknown': 'false' })
    const cli = await runCli(['--workspace', 'acme', '--no-fail-on-unknown', ...exempt.split('\n').flatMap((line) => ['--exempt', line])], env())
    const fromSummary = action.summary
      .split('### Exemptions to review\n\n')[1]!
      .split('\n\n')[0]!
      .split('\n')
      .map((line) =>
        line
          .replace(/^- /, '')
          .replace(/`exempt` line (\d+) \(`[^`]*`\)/g, 'line $1')
          .replace(/\\(.)/g, '$1')
      )
    const fromCli = cli.stdout
      .split('Exemptions to review\n')[1]!
      .split('\n\n')[0]!
      .split('\n')
      .filter((line) => line.startsWith('  - '))
      .map((line) => line.replace(/^ {2}- /, '').replace(/`--exempt`\/`--exempt-file` line (\d+) \(`[^`]*`\)/g, 'line $1'))
    expect(fromSummary.length).toBeGreaterThanOrEqual(4)
    expect(fromCli).toEqual(fromSummary)
    expect(fromCli.join('\n')).toContain('it is a nickname')
    expect(fromCli.join('\n')).toContain('is not needed')
    expect(fromCli.join('\n')).toContain('but line 2 keeps that person exempt until 2027-06-30')
  })

  it('with --redact prints the redacted message of a run without a verdict, on stderr and in the report, naming no uuid', async () => {
    const shared = '557058:shared-account-id'
    sim.workspaces[0]?.members.push(person(7, false, { account_id: shared }), person(8, false, { account_id: shared }))
    const uuids = [person(7, false).uuid, person(8, false).uuid]
    const argv = ['--workspace', 'acme', '--exempt', shared, '--report-file', 'out/report.json']
    const redacted = await runCli([...argv, '--redact'], env())
    expect(redacted.exitCode).toBe(2)
    expect(redacted.stderr).toContain('names account_id 557058:shared-account-id, which Bitbucket gives to 2 different members (uuids withheld')
    const report = readFileSync(join(redacted.cwd, 'out/report.json'), 'utf8')
    expect(JSON.parse(report)).toMatchObject({ redacted: true, verdict: null })
    for (const uuid of uuids) {
      expect(redacted.stderr).not.toContain(uuid)
      expect(report).not.toContain(uuid)
    }
    // Without --redact the terminal names them; the report, marked redacted, still does not.
    const shown = await runCli(argv, env())
    expect(shown.stderr).toContain(`uuids ${[...uuids].sort().join(' and ')}`)
    for (const uuid of uuids) expect(readFileSync(join(shown.cwd, 'out/report.json'), 'utf8')).not.toContain(uuid)
  })

  it('prints no secret of the environment even when the line does not parse', async () => {
    const run = await runCli(['--workspace', 'acme', '--bogus', ADMIN_TOKEN], env())
    expect(run.exitCode).toBe(2)
    expect(run.stderr).not.toContain(ADMIN_TOKEN)
  })

  it('with --redact quotes no word of what Bitbucket said, only its shape', async () => {
    sim.faults.push({ times: 6, action: { status: 503, contentType: 'text/html', body: '<h1>Upstream {aaaaaaaa-0000-4000-8000-000000000002} down</h1>' } })
    const run = await runCli(['--workspace', 'acme', '--redact'], env())
    expect(run.exitCode).toBe(2)
    expect(run.stderr).not.toContain('Upstream')
    expect(run.stderr).toMatch(/Bitbucket's answer \(text\/html, \d+ bytes\) is not quoted in redact mode\./)
  })

  it('exits 0 on a compliant workspace and prints the table', async () => {
    const run = await runCli(['--workspace', 'beta'], env())
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/^COMPLIANT: all 450 people have two-factor authentication or an exemption\n/)
    expect(run.stdout).toMatch(/^beta {7}450 {6}450 {5}0/m)
    expect(run.stderr).toBe('')
  })

  it('exits 1 when someone lacks 2FA, naming them (a terminal is private)', async () => {
    const run = await runCli(['--workspace', 'acme'], env())
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('NOT COMPLIANT: 1 without two-factor authentication, 1 unknown of 3 people')
    expect(run.stdout).toMatch(
      /Without two-factor authentication \(1\)\n {2}Name +Nickname +Account ID +Workspaces +Admin\n {2}Bob NoTwoFactor +bob +557058:00000002-0000-0000-0000-000000000000 +acme +–\n/
    )
    expect(run.stdout).toContain('Cy Unknown')
    expect(run.stdout).toContain('App users (1)')
  })

  it('exits 0 on the same verdict with --no-fail-on-violation, and withholds names with --redact', async () => {
    const run = await runCli(['--workspace', 'acme', '--no-fail-on-violation', '--redact'], env())
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain('(report only: `--no-fail-on-violation`)')
    expect(run.stdout).toContain('1 account; names withheld.')
    expect(run.stdout).not.toMatch(/Bob|Cy Unknown|Deploy Bot|557058:/)
    // The terminal's own way to see them, not an install of the action's repository.
    expect(run.stdout).toContain('To see them, run the same command without `--redact` where only you can read its output.')
    expect(run.stdout).not.toContain('git clone')
  })

  it('takes flags over the environment, repeated and comma-separated workspaces', async () => {
    const run = await runCli(['--workspace', 'beta,acme', '--workspace', 'beta', '--token', ADMIN_TOKEN, '--no-fail-on-unknown'], {
      ...env(),
      BITBUCKET_TOKEN: 'ATATT-wrong',
      BITBUCKET_WORKSPACE: 'nope'
    })
    expect(run.stdout).toMatch(/^beta .*\nacme /m)
    expect(run.exitCode).toBe(1)
  })

  it('reads exemptions from --exempt and --exempt-file, numbering the file after the flags', async () => {
    const first = await runCli(['--workspace', 'acme'], env())
    writeFileSync(join(first.cwd, 'exempt.txt'), '# on leave\n557058:00000003-0000-0000-0000-000000000000 until 2027-01-31 # on leave\n')
    const run = await runCli(
      ['--workspace', 'acme', '--exempt', '557058:00000002-0000-0000-0000-000000000000 # key on order', '--exempt-file', 'exempt.txt'],
      env(),
      { cwd: first.cwd }
    )
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain('Exempted (2)')
  })

  it('answers every run with the JSON report when --json stands on the line: a run without a verdict and a usage error too, exit 2', async () => {
    const broken = await runCli(['--workspace', 'ghost', '--json'], env())
    expect(broken.exitCode).toBe(2)
    const report = JSON.parse(broken.stdout) as Record<string, unknown>
    expect(report).toMatchObject({ verdict: null, compliant: false, requested_workspaces: ['ghost'] })
    expect(String(report.error)).toContain('Bitbucket answered 404 for workspace "ghost"')
    expect(schemaErrors(report)).toEqual([])
    expect(broken.stderr).toContain('bitbucket-2fa-gate: Bitbucket answered 404')
    const usage = await runCli(['--json', '--bogus'], env())
    expect(usage.exitCode).toBe(2)
    expect(JSON.parse(usage.stdout)).toMatchObject({ verdict: null, requested_workspaces: [] })
    expect(String((JSON.parse(usage.stdout) as { error: unknown }).error)).toContain('--bogus')
    expect((await runCli(['--', '--json'], env())).stdout).toBe('')
  })

  it('shows the verdict when --report-file cannot be written, names the file and the reason once, and exits 2', async () => {
    const run = await runCli(['--workspace', 'acme', '--report-file', '/proc/bb2fa-nope/report.json'], env())
    expect(run.exitCode).toBe(2)
    expect(run.stdout).toContain('Bob NoTwoFactor')
    expect(run.stderr).toBe(
      'bitbucket-2fa-gate: could not write the report: the folder /proc/bb2fa-nope could not be created (ENOENT), so /proc/bb2fa-nope/report.json ' +
        'cannot be written. Check `--report-file` and that you may write there.\n'
    )
  })

  it('prints the JSON report with --json, valid against the schema, and writes --report-file', async () => {
    const run = await runCli(['--workspace', 'acme', '--json', '--report-file', 'out/report.json'], env())
    expect(run.exitCode).toBe(1)
    const report = JSON.parse(run.stdout) as { verdict: string; people: { status: string }[] }
    expect(schemaErrors(report)).toEqual([])
    expect(report.verdict).toBe('not_compliant')
    expect(report.people.map((p) => p.status).sort()).toEqual(['app', 'disabled', 'enabled', 'unknown'])
    expect(readFileSync(join(run.cwd, 'out/report.json'), 'utf8')).toBe(run.stdout)
  })

  it('overwrites an old report with one that says there is no verdict, and exits 2', async () => {
    const first = await runCli(['--workspace', 'acme', '--report-file', 'report.json'], env())
    expect(JSON.parse(readFileSync(join(first.cwd, 'report.json'), 'utf8'))).toMatchObject({ verdict: 'not_compliant' })
    const run = await runCli(['--workspace', 'ghost', '--report-file', 'report.json'], env(), { cwd: first.cwd })
    expect(run.exitCode).toBe(2)
    const report = JSON.parse(readFileSync(join(first.cwd, 'report.json'), 'utf8')) as Record<string, unknown>
    expect(schemaErrors(report)).toEqual([])
    expect(report).toMatchObject({ verdict: null, compliant: false, error: expect.stringContaining('Bitbucket answered 404') as unknown })
    expect(report).not.toHaveProperty('people')
  })

  it.each([
    [['--workspace'], /Option '--workspace <value>' argument missing\. Run with --help for the options\./],
    [['--bogus'], /Unknown option '--bogus'.*Run with --help/],
    [['--workspace', 'a b'], /`--workspace` \(or `BITBUCKET_WORKSPACE`\): "a b" is not a workspace slug/],
    [['--workspace', 'acme', '--fail-on-unknown', '--no-fail-on-unknown'], /--fail-on-unknown and --no-fail-on-unknown were both given/],
    [['--workspace', 'acme', '--exempt-file', 'missing.txt'], /--exempt-file missing\.txt could not be read \(ENOENT\)/]
  ])('exits 2 on bad usage %j, saying what is wrong', async (argv, message) => {
    const run = await runCli(argv, env())
    expect(run.exitCode).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(message)
    expect(run.stderr).toMatch(/^bitbucket-2fa-gate: /)
  })

  it('names a missing token the way the command line spells it', async () => {
    const run = await runCli(['--workspace', 'acme'], { BITBUCKET_API_URL: sim.apiUrl })
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toContain("`--token` (or `BITBUCKET_TOKEN`) is required: pass a workspace admin's Atlassian API token (with `--email`)")
  })

  it('says the same sentence as the action, each naming inputs its own way', async () => {
    sim.faults.push({ times: Infinity, action: { status: 401, body: '{"type":"error","error":{"message":"Invalid credentials"}}' } })
    const cli = await runCli(['--workspace', 'acme'], env())
    const action = await runInProcess({ workspace: 'acme', email: ADMIN_EMAIL, token: ADMIN_TOKEN, 'api-url': sim.apiUrl })
    const actionError = action.stdout
      .split('\n')
      .find((line) => line.startsWith('::error::'))!
      .slice('::error::'.length)
    expect(cli.exitCode).toBe(2)
    expect(cli.stderr).toBe(`bitbucket-2fa-gate: ${actionError.replace(/`email`/g, '`--email`').replace(/`api-url`/g, '`--api-url`')}\n`)
  })

  it('prints no secret, even one a server echoes back', async () => {
    sim.faults.push({ times: Infinity, action: { status: 400, contentType: 'text/plain', body: `you sent Basic ${AUTH_BASE64} and ${ADMIN_TOKEN}` } })
    const run = await runCli(['--workspace', 'acme', '--token', ADMIN_TOKEN, '--email', ADMIN_EMAIL, '--api-url', sim.apiUrl], {})
    expect(run.exitCode).toBe(2)
    for (const secret of [ADMIN_TOKEN, AUTH_BASE64]) expect(run.stdout + run.stderr).not.toContain(secret)
    expect(run.stderr).toContain('you sent *** and ***')
  })

  it('shows progress on a terminal for a large listing, and never when stderr is not one', async () => {
    const tty = await runCli(['--workspace', 'beta'], env(), { isTTY: true })
    expect(tty.stderr).toContain('beta: page 5 of 5')
    expect(tty.stderr.endsWith('\r\u001b[2K')).toBe(true)
    const plain = await runCli(['--workspace', 'beta'], env())
    expect(plain.stderr).toBe('')
  })

  it('colours only when allowed', async () => {
    expect((await runCli(['--workspace', 'acme'], env(), { color: true })).stdout).toContain('\u001b[31m')
    expect((await runCli(['--workspace', 'acme'], env(), { color: false })).stdout).not.toContain('\u001b[')
  })

  it('prints help and version', async () => {
    const help = await runCli(['--help'], {})
    expect(help.exitCode).toBe(0)
    expect(help.stdout).toContain('Exit code: 0 compliant, 1 not compliant, 2 no verdict')
    expect((await runCli(['--version'], {})).stdout).toBe('9.9.9\n')
    expect(existsSync('never')).toBe(false)
  })
})
