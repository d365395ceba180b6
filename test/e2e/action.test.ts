import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  ACCESS_TOKEN,
  ADMIN_EMAIL,
  ADMIN_TOKEN,
  CONSUMER_KEY,
  CONSUMER_SECRET,
  adminCredential,
  bot,
  compliantWorkspace,
  consumerCredential,
  person
} from '../simulator/fixtures.js'
import { GitHubFake } from '../simulator/github.js'
import { AtlassianOrgSimulator } from '../simulator/atlassian.js'
import { BitbucketSimulator, type SimWorkspace } from '../simulator/server.js'
import { BROKEN_RUN_OUTPUTS } from '../../src/present/outputs.js'
import { DIST, PUBLIC_REPO_EVENT, runAction, spawnNode, workflowCommands } from '../support/action.js'

const sim = new BitbucketSimulator({
  workspaces: [],
  credentials: [
    adminCredential,
    { kind: 'api-token', email: 'member@example.com', token: 'ATATT-member-token', adminOf: [] },
    { kind: 'access-token', token: ACCESS_TOKEN, workspace: 'acme' },
    consumerCredential
  ]
})

function mixedWorkspace(): SimWorkspace {
  return {
    slug: 'acme',
    uuid: '{aaaaaaaa-1111-4111-8111-111111111111}',
    members: [
      person(1, true, { display_name: 'Ada Admin' }),
      person(2, false, { display_name: 'Bob NoTwoFactor', nickname: 'bob' }),
      person(3, null, { display_name: 'Cy Unknown' }),
      person(4, false, { display_name: 'Dee Exempt' }),
      bot(1, 'Deploy Bot')
    ]
  }
}

/** The values a log asked the runner to mask. */
const masksIn = (log: string) =>
  workflowCommands(log)
    .filter((line) => line.startsWith('::add-mask::'))
    .map((line) => line.slice('::add-mask::'.length))

const base = () => ({ workspace: 'acme', email: ADMIN_EMAIL, token: ADMIN_TOKEN, 'api-url': sim.apiUrl })

beforeAll(async () => {
  await sim.start()
})
afterAll(async () => {
  await sim.stop()
})
beforeEach(() => {
  sim.workspaces.length = 0
  sim.workspaces.push(mixedWorkspace(), compliantWorkspace('beta', 120, 100))
  sim.faults.length = 0
  sim.includeSize = true
  sim.resetStats()
})

/**
 * The committed bundle, run as a runner runs it: a few paths end to end. Every behaviour is tested in
 * process in test/action/; here the point is that dist/index.js is that code, on Node 24, with the
 * runner's files and environment.
 */
describe('the bundled action, run as a runner does', () => {
  it('runs under Node 24, the runtime action.yml names', async () => {
    const { stdout } = await spawnNode(['-p', 'process.versions.node'], { PATH: process.env.PATH ?? '' })
    expect(stdout.trim()).toMatch(/^24\./)
  })

  it('passes a compliant workspace: exit 0, outputs, summary', async () => {
    const run = await runAction({ ...base(), workspace: 'beta' })
    expect(run.exitCode).toBe(0)
    expect(run.outputs).toEqual({
      compliant: 'true',
      'member-count': '120',
      'in-scope-count': '120',
      'out-of-scope-count': '0',
      'not-a-member-count': '0',
      'non-compliant-count': '0',
      'unknown-count': '0',
      'exempt-count': '0',
      'atlassian-2sv-count': '0',
      'non-compliant': '[]',
      unknown: '[]'
    })
    expect(run.summary).toContain('## ✅ Bitbucket 2FA gate: all 120 people have two-factor authentication')
    expect(run.stderr).toBe('')
    expect(run.stdout).toContain('3 API requests used (Bitbucket allows 1,000 an hour per user).')
    expect(sim.requests).toBe(2)
    expect(sim.adminRequests).toBe(1)
  })

  it('fails on a member without 2FA and on an unknown flag, with one annotation and the full summary', async () => {
    const dee = person(4, false)
    const run = await runAction({ ...base(), exempt: `${dee.account_id!} until 2999-12-31 # hardware key on order` })
    expect(run.exitCode).toBe(1)
    expect(run.outputs).toMatchObject({ compliant: 'false', 'member-count': '5', 'non-compliant-count': '1', 'unknown-count': '1', 'exempt-count': '1' })
    expect(JSON.parse(run.outputs['non-compliant']!)).toEqual([
      {
        uuid: person(2, false).uuid,
        account_id: person(2, false).account_id,
        display_name: 'Bob NoTwoFactor',
        nickname: 'bob',
        workspaces: ['acme'],
        status: 'disabled',
        admin: false
      }
    ])
    expect(JSON.parse(run.outputs.unknown!)).toHaveLength(1)
    const errors = workflowCommands(run.stdout).filter((line) => line.startsWith('::error'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain('Bitbucket 2FA gate: 1 without two-factor authentication, 1 with an unknown 2FA flag.')
    expect(errors[0]).toContain('Bob NoTwoFactor (bob)')
    expect(run.summary).toContain('❌ Bitbucket 2FA gate: 1 without two-factor authentication, 1 unknown of 4 people')
    expect(run.summary).toContain('| `Bob NoTwoFactor` | `bob` |')
    expect(run.summary).toContain('| `Dee Exempt` |')
    expect(run.summary).toContain('hardware key on order')
    expect(run.summary).toContain('### App users (1)')
    expect(run.summary).toContain('### How to fix')
  })

  it('reads several workspaces at once under one cap of 8 requests in flight, and shows the cost', async () => {
    sim.workspaces.push(compliantWorkspace('gamma', 900, 1000), compliantWorkspace('delta', 900, 2000), compliantWorkspace('eps', 900, 3000))
    sim.latencyMs = 3
    try {
      const run = await runAction({ ...base(), workspace: 'gamma,delta,eps' })
      expect(run.exitCode).toBe(0)
      expect(run.outputs['member-count']).toBe('2700')
      expect(sim.requests).toBe(27)
      expect(sim.maxInFlight).toBeLessThanOrEqual(8)
      expect(sim.maxInFlight).toBeGreaterThan(3)
      // 27 member pages and one admin listing for each of the three workspaces.
      expect(run.stdout).toContain('30 API requests used (Bitbucket allows 1,000 an hour per user).')
      expect(run.summary).toContain('30 API requests used (Bitbucket allows 1,000 an hour per user).')
      expect(run.summary).toMatch(/\| `gamma` \| 900 \| 900 \| 0 \| 0 \| 0 \| 0 \| 10 \|/)
    } finally {
      sim.latencyMs = 0
    }
  })

  it('refuses bad input before any request, as a broken run', async () => {
    for (const [inputs, message] of [
      [{ ...base(), workspace: '../x' }, 'Input `workspace`: "../x" is not a workspace slug'],
      [{ ...base(), workspace: '' }, 'Input `workspace` is required'],
      [{ ...base(), email: '' }, 'API tokens need `email`'],
      [{ ...base(), token: 'ATBB-app-password' }, 'App passwords were removed on 28 Jul 2026'],
      [{ ...base(), 'fail-on-unknown': 'maybe' }, 'Input `fail-on-unknown` must be `true` or `false`'],
      [{ ...base(), exempt: 'bob the builder' }, '`exempt` line 1']
    ] as const) {
      const run = await runAction(inputs)
      expect(run.exitCode, message).toBe(1)
      expect(
        workflowCommands(run.stdout).filter((line) => line.startsWith('::error::') && line.includes(message)),
        message
      ).toHaveLength(1)
      expect(run.outputs).toEqual(BROKEN_RUN_OUTPUTS)
      expect(run.summary).toContain('no verdict, the check itself failed')
    }
    expect(sim.requests).toBe(0)
  })

  it('fails a 401 as a broken run, never as a verdict, and prints no secret', async () => {
    const run = await runAction({ ...base(), token: 'ATATT-wrong-secret-value' })
    expect(run.exitCode).toBe(1)
    expect(run.outputs).toEqual(BROKEN_RUN_OUTPUTS)
    expect(run.stdout).toContain('::error::Bitbucket answered 401 Unauthorized for workspace "acme"')
    expect(run.summary).toContain('no verdict')
    expect(run.summary).not.toContain('without two-factor')
    expect(run.artefacts).not.toContain('ATATT-wrong-secret-value')
    expect(run.masked).toContain('ATATT-wrong-secret-value')
  })

  it('skips the summary with summary: false, and only warns when the summary file is missing', async () => {
    const off = await runAction({ ...base(), workspace: 'beta', summary: 'false' })
    expect(off.exitCode).toBe(0)
    expect(off.summary).toBe('')
    const missing = await runAction({ ...base(), workspace: 'beta' }, { summaryFile: false })
    expect(missing.exitCode).toBe(0)
    expect(missing.stdout).toContain('::warning::Could not write the job summary')
  })

  it.each([
    ['a public repository', PUBLIC_REPO_EVENT],
    ['no event payload', null],
    ['a payload that does not say', { repository: { full_name: 'acme/app' } }]
  ])('withholds names with %s by default, but keeps them in the outputs', async (_, event) => {
    const run = await runAction(base(), { event })
    expect(run.exitCode).toBe(1)
    const shown = [run.stdout, run.stderr, run.summary].join('\n')
    for (const secret of ['Bob NoTwoFactor', 'bob', 'Cy Unknown', person(2, false).account_id!]) expect(shown).not.toContain(secret)
    expect(run.summary).toContain('**Names withheld.** Names, nicknames and account ids are not shown')
    expect(run.outputs['non-compliant']).toContain('Bob NoTwoFactor')
  })

  it('signs in with an OAuth consumer and masks the token it obtained before printing anything with it', async () => {
    const run = await runAction({
      workspace: 'beta',
      'oauth-client-id': CONSUMER_KEY,
      'oauth-client-secret': CONSUMER_SECRET,
      'oauth-token-url': sim.tokenUrl,
      'api-url': sim.apiUrl
    })
    expect(run.stderr).toBe('')
    expect(run.exitCode).toBe(0)
    expect(run.outputs['member-count']).toBe('120')
    const masks = masksIn(run.stdout)
    expect(masks).toContain(CONSUMER_SECRET)
    expect(masks.some((mask) => mask.startsWith('sim-oauth-'))).toBe(true)
  })

  it('loads the GitHub client only for the tracking issue, and opens it', async () => {
    const github = await new GitHubFake({ owner: 'acme', name: 'app', private: true, visibility: 'private', issuesEnabled: true }).start()
    try {
      github.tokens.set('ghs_e2eToken0000000000000000000', 'write')
      const env = { GITHUB_API_URL: github.apiUrl, GITHUB_REPOSITORY: 'acme/app' }
      const off = await runAction(base(), { env })
      expect(off.exitCode).toBe(1)
      expect(github.log).toEqual([])
      const on = await runAction({ ...base(), 'tracking-issue': 'true', 'github-token': 'ghs_e2eToken0000000000000000000' }, { env })
      expect(on.stderr).toBe('')
      expect(on.stdout).toContain('Tracking issue: opened #1.')
      expect(github.issues[0]!.body).toContain('Bob NoTwoFactor')
      expect(masksIn(on.stdout)).toContain('ghs_e2eToken0000000000000000000')
    } finally {
      await github.stop()
    }
  })

  it('runs without its GitHub chunk unless the tracking issue is on: the chunk is loaded only then', async () => {
    const alone = mkdtempSync(join(tmpdir(), 'bb2fa-alone-'))
    try {
      copyFileSync(DIST, join(alone, 'index.js'))
      copyFileSync(join(dirname(DIST), 'package.json'), join(alone, 'package.json'))
      expect(readdirSync(dirname(DIST)).some((name) => /^\d+\.index\.js$/.test(name))).toBe(true)
      const run = await runAction(base(), { entry: join(alone, 'index.js') })
      expect(run.stderr).toBe('')
      expect(run.exitCode).toBe(1)
      expect(run.outputs['non-compliant-count']).toBe('2')
      const tracking = await runAction(
        { ...base(), 'tracking-issue': 'true', 'github-token': 'ghs_x1234567' },
        { entry: join(alone, 'index.js'), env: { GITHUB_REPOSITORY: 'acme/app' } }
      )
      expect(tracking.stdout).toMatch(/::error::Unexpected error: Cannot find module/)
    } finally {
      rmSync(alone, { recursive: true, force: true })
    }
  })

  it('accepts Atlassian-account 2SV from the organization, keeping each credential with its own server', async () => {
    const org = await new AtlassianOrgSimulator('org-e2e', 'org-e2e-key-0a1b2c3d', [
      { accountId: person(2, false).account_id ?? '', mfaEnabled: true },
      { accountId: person(3, null).account_id ?? '', mfaEnabled: true }
    ]).start()
    try {
      const run = await runAction({
        ...base(),
        'atlassian-org-id': 'org-e2e',
        'atlassian-api-key': 'org-e2e-key-0a1b2c3d',
        'atlassian-api-url': org.apiUrl,
        'accept-atlassian-2sv': 'true',
        exempt: `${person(4, false).account_id ?? ''} # key on order`
      })
      expect(run.stderr).toBe('')
      expect(run.exitCode).toBe(0)
      expect(run.outputs.compliant).toBe('true')
      expect(run.outputs['atlassian-2sv-count']).toBe('2')
      expect(masksIn(run.stdout)).toContain('org-e2e-key-0a1b2c3d')
      expect(org.log.every((entry) => entry.authorization === 'Bearer org-e2e-key-0a1b2c3d')).toBe(true)
      expect(sim.log.every((entry) => !entry.authorization.includes('org-e2e-key'))).toBe(true)
    } finally {
      await org.stop()
    }
  })
})
