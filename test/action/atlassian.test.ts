import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ADMIN_EMAIL, ADMIN_TOKEN, adminCredential, person } from '../simulator/fixtures.js'
import { AtlassianOrgSimulator } from '../simulator/atlassian.js'
import { BitbucketSimulator } from '../simulator/server.js'
import { PUBLIC_REPO_EVENT } from '../support/action.js'
import { runCli } from '../support/cli.js'
import { runInProcess } from '../support/io.js'

/** Both doors with the organization as a second source, against both simulators. */
const ORG_ID = 'org-5f2c9a1e'
const ORG_KEY = 'ATCTT-org-api-key-7c41d09e'
const sim = new BitbucketSimulator({ workspaces: [], credentials: [adminCredential] })
const org = new AtlassianOrgSimulator(ORG_ID, ORG_KEY, [], { pageSize: 50 })

const ada = person(1, true, { display_name: 'Ada Bitbucket2FA' })
const bob = person(2, false, { display_name: 'Bob Atlassian2SV' })
const cy = person(3, null, { display_name: 'Cy Atlassian2SV' })
const dee = person(4, false, { display_name: 'Dee Nothing' })
const eve = person(5, false, { display_name: 'Eve Unmanaged' })
const idOf = (p: { account_id?: string }) => p.account_id ?? ''

beforeAll(async () => {
  await sim.start()
  await org.start()
})
afterAll(async () => {
  await sim.stop()
  await org.stop()
})
beforeEach(() => {
  sim.workspaces.length = 0
  sim.workspaces.push({ slug: 'acme', uuid: '{aaaaaaaa-1111-4111-8111-111111111111}', members: [ada, bob, cy, dee, eve] })
  sim.resetStats()
  org.users.length = 0
  org.users.push(
    { accountId: idOf(ada), mfaEnabled: false },
    { accountId: idOf(bob), mfaEnabled: true },
    { accountId: idOf(cy), mfaEnabled: true, claimStatus: 'managed' },
    { accountId: idOf(dee), mfaEnabled: false },
    { accountId: idOf(eve), mfaEnabled: true, claimStatus: 'unmanaged' }
  )
  org.log.length = 0
  org.faults.length = 0
  org.rewrite = null
  org.pageSize = 50
})

const inputs = (extra: Record<string, string> = {}) => ({
  workspace: 'acme',
  email: ADMIN_EMAIL,
  token: ADMIN_TOKEN,
  'api-url': sim.apiUrl,
  'atlassian-org-id': ORG_ID,
  'atlassian-api-key': ORG_KEY,
  'atlassian-api-url': org.apiUrl,
  ...extra
})

describe('the organization as a second source', () => {
  it('with accept-atlassian-2sv: true, people with Atlassian 2SV on pass; nobody else does', async () => {
    const run = await runInProcess(inputs({ 'accept-atlassian-2sv': 'true' }))
    expect(run.outputs['atlassian-2sv-count']).toBe('2')
    expect(run.outputs['non-compliant-count']).toBe('2')
    expect(run.outputs['unknown-count']).toBe('0')
    expect(JSON.parse(run.outputs['non-compliant'] ?? '[]')).toEqual([
      expect.objectContaining({ display_name: 'Dee Nothing', second_factor: 'off' }),
      expect.objectContaining({ display_name: 'Eve Unmanaged', second_factor: 'unknown' })
    ])
    expect(run.summary).toContain('### Protected by Atlassian-account two-step verification (2)')
    expect(run.summary).toContain('| Workspace | Members | 2FA on | Atlassian 2SV | Without 2FA |')
    expect(run.stdout).toContain('Plus 1 request to the Atlassian organization API.')
    expect(run.exitCode).toBe(1)
  })

  it('asks only about the people Bitbucket does not prove, with the key as Bearer', async () => {
    await runInProcess(inputs({ 'accept-atlassian-2sv': 'true' }))
    expect(org.log).toHaveLength(1)
    expect(org.log[0]!.path).toBe(`/admin/v2/orgs/${ORG_ID}/directories/-/users/search`)
    expect(org.log[0]!.authorization).toBe(`Bearer ${ORG_KEY}`)
    expect((org.log[0]!.body as { accountIds: string[] }).accountIds.sort()).toEqual([bob, cy, dee, eve].map(idOf).sort())
    expect((org.log[0]!.body as { limit: number }).limit).toBe(100)
  })

  it('turns the gate green when everyone unproven has Atlassian 2SV, and reports an exemption as no longer needed', async () => {
    sim.workspaces[0]!.members = [ada, bob, cy]
    const run = await runInProcess(inputs({ 'accept-atlassian-2sv': 'true', exempt: `${idOf(bob)} # key on order` }))
    expect(run.exitCode).toBe(0)
    expect(run.outputs.compliant).toBe('true')
    expect(run.outputs['exempt-count']).toBe('0')
    expect(run.outputs['atlassian-2sv-count']).toBe('2')
    expect(run.summary).toContain('(2 through Atlassian-account 2SV)')
    expect(run.summary).toContain('is not needed: that account has 2FA on, is an app user, or passes by accepted Atlassian-account 2SV.')
  })

  it('with accept-atlassian-2sv: false, shows the organization as information; the verdict is Bitbucket alone', async () => {
    const run = await runInProcess(inputs())
    expect(run.outputs['atlassian-2sv-count']).toBe('0')
    expect(run.outputs['non-compliant-count']).toBe('3')
    expect(run.outputs['unknown-count']).toBe('1')
    expect(JSON.parse(run.outputs['non-compliant'] ?? '[]')).toContainEqual(expect.objectContaining({ display_name: 'Bob Atlassian2SV', second_factor: 'on' }))
    expect(run.summary).toContain('| Name | Nickname | Account ID | Workspaces | Admin | Atlassian 2SV |')
    expect(run.summary).toContain(
      "The organization's Atlassian 2SV answers are information only: with `accept-atlassian-2sv: false` the verdict is Bitbucket's alone. " +
        '2 people listed have Atlassian-account 2SV on: `accept-atlassian-2sv: true` would let them pass.'
    )
    expect(run.exitCode).toBe(1)
  })

  it('sends the organization nothing when no organization is given', async () => {
    const run = await runInProcess({ workspace: 'acme', email: ADMIN_EMAIL, token: ADMIN_TOKEN, 'api-url': sim.apiUrl })
    expect(org.log).toEqual([])
    expect(run.outputs['atlassian-2sv-count']).toBe('0')
    expect(run.outputs['non-compliant']).not.toContain('second_factor')
  })

  it('refuses accept-atlassian-2sv: true without the organization, and half an organization, before any request', async () => {
    const alone = await runInProcess({ workspace: 'acme', email: ADMIN_EMAIL, token: ADMIN_TOKEN, 'api-url': sim.apiUrl, 'accept-atlassian-2sv': 'true' })
    expect(alone.stdout).toContain('`accept-atlassian-2sv: true` needs the organization')
    const half = await runInProcess(inputs({ 'atlassian-api-key': '' }))
    expect(half.stdout).toContain('Input `atlassian-org-id` needs `atlassian-api-key`')
    const http = await runInProcess(inputs({ 'atlassian-api-url': 'http://api.atlassian.example' }))
    expect(http.stdout).toContain('Input `atlassian-api-url` uses plain http:// to api.atlassian.example')
    expect(sim.requests + org.requests).toBe(0)
  })

  it('keeps the credentials apart: each server sees only its own', async () => {
    await runInProcess(inputs({ 'accept-atlassian-2sv': 'true' }))
    expect(sim.log.length).toBeGreaterThan(0)
    expect(org.log.length).toBeGreaterThan(0)
    const basic = `Basic ${Buffer.from(`${ADMIN_EMAIL}:${ADMIN_TOKEN}`).toString('base64')}`
    for (const entry of sim.log) {
      expect(entry.authorization).toBe(basic)
      expect(JSON.stringify(entry)).not.toContain(ORG_KEY)
    }
    for (const entry of org.log) {
      expect(entry.authorization).toBe(`Bearer ${ORG_KEY}`)
      expect(JSON.stringify(entry)).not.toContain(ADMIN_TOKEN)
      expect(JSON.stringify(entry)).not.toContain(basic.slice(6))
    }
  })

  it('masks the key and never prints it', async () => {
    org.faults.push({ times: 1, status: 401, body: JSON.stringify({ code: 401, message: `bad key ${ORG_KEY}` }) })
    const run = await runInProcess(inputs({ 'accept-atlassian-2sv': 'true' }))
    expect(run.masked).toContain(ORG_KEY)
    expect(run.artefacts).not.toContain(ORG_KEY)
  })

  it.each([
    [401, /answered 401 for organization `org-5f2c9a1e`\. Check `atlassian-api-key`.* no verdict\. The organization API says: `Scripted failure`\./],
    [403, /answered 403 .* Check `atlassian-api-key`/],
    [404, /answered 404 .* Check `atlassian-org-id`/]
  ])('with accept: true, a %i is no verdict, naming the input to check', async (status, message) => {
    org.faults.push({ times: 1, status })
    const run = await runInProcess(inputs({ 'accept-atlassian-2sv': 'true' }))
    expect(run.exitCode).toBe(1)
    expect(run.outputs.compliant).toBe('false')
    expect(run.outputs['member-count']).toBe('')
    expect(run.outputs['atlassian-2sv-count']).toBe('')
    expect(run.stdout).toMatch(message)
    expect(run.stdout).toContain('so there is no verdict')
  })

  it('with accept: true, an outage after the retries or a malformed page is no verdict too', async () => {
    org.faults.push({ times: 6, status: 503, body: 'down', contentType: 'text/plain' })
    const outage = await runInProcess(inputs({ 'accept-atlassian-2sv': 'true' }))
    expect(outage.stdout).toMatch(/answered 503 for organization `org-5f2c9a1e` after 6 attempts\. The organization API is busy or down/)
    expect(outage.stdout).toContain('The Atlassian organization API answered HTTP 503; retrying')
    expect(outage.outputs['member-count']).toBe('')
    org.rewrite = () => ({ data: 'nope' })
    const malformed = await runInProcess(inputs({ 'accept-atlassian-2sv': 'true' }))
    expect(malformed.stdout).toContain('is not the users search it asked for: `data` is not a list')
    expect(malformed.outputs['member-count']).toBe('')
  })

  it('with accept: false, a failing organization is a warning and the Bitbucket verdict stands', async () => {
    org.faults.push({ times: 1, status: 401 })
    const run = await runInProcess(inputs())
    expect(run.outputs['member-count']).toBe('5')
    expect(run.outputs['non-compliant-count']).toBe('3')
    expect(run.stdout).toMatch(/::warning::The Atlassian organization API answered 401 .* Bitbucket's flag alone decides this run\./)
    expect(run.summary).toContain('The Atlassian organization could not be asked')
    expect(run.outputs['non-compliant']).not.toContain('second_factor')
  })

  it('follows the cursor and sends at most 100 account ids a search', async () => {
    const many = Array.from({ length: 230 }, (_, i) => person(100 + i, false))
    sim.workspaces[0]!.members = [ada, ...many]
    org.users.length = 0
    org.users.push(...many.map((p, i) => ({ accountId: idOf(p), mfaEnabled: i % 2 === 0 })))
    org.pageSize = 30
    const run = await runInProcess(inputs({ 'accept-atlassian-2sv': 'true' }))
    expect(run.outputs['atlassian-2sv-count']).toBe('115')
    expect(run.outputs['non-compliant-count']).toBe('115')
    const sizes = org.log.map((entry) => (entry.body as { accountIds: string[] }).accountIds.length)
    expect(Math.max(...sizes)).toBe(100)
    // 3 batches (100, 100, 30 ids), each read in pages of 30: 4 + 4 + 1 requests.
    expect(org.log).toHaveLength(9)
    expect(org.log.filter((entry) => (entry.body as { cursor?: string }).cursor !== undefined)).toHaveLength(6)
    expect(run.stdout).toContain('Plus 9 requests to the Atlassian organization API.')
  })

  it('quotes no word of the organization in a public repository: an echo of the account ids asked about stays out of every log', async () => {
    const asked = [bob, cy, dee, eve].map(idOf)
    const echo = JSON.stringify({ code: 400, message: `No access to accounts ${asked.join(', ')}` })
    for (const accept of ['true', 'false']) {
      org.faults.push({ times: 1, status: 400, body: echo })
      const run = await runInProcess(inputs({ 'accept-atlassian-2sv': accept }), { event: PUBLIC_REPO_EVENT })
      // The log and the summary (the step outputs carry ids by design, documented).
      const printed = [...run.recorder.lines, run.summary].join('\n')
      for (const id of asked) expect(printed, `accept: ${accept}`).not.toContain(id)
      expect(run.artefacts).not.toContain('No access to accounts')
      expect(run.stdout).toMatch(/The organization API's answer \(application\/json, \d+ bytes\) is not quoted in redact mode\./)
      expect(run.stdout).toContain('answered 400 for organization `org-5f2c9a1e`')
    }
    // In a private repository the same answer is quoted, scrubbed, for the admin to read.
    org.faults.push({ times: 1, status: 400, body: echo })
    const run = await runInProcess(inputs({ 'accept-atlassian-2sv': 'true' }))
    expect(run.stdout).toContain(`The organization API says: \`No access to accounts ${asked[0] ?? ''}`)
  })

  it('withholds names in a public repository, for the new group too', async () => {
    const run = await runInProcess(inputs({ 'accept-atlassian-2sv': 'true' }), { event: PUBLIC_REPO_EVENT })
    expect(run.summary).toContain('### Protected by Atlassian-account two-step verification (2)')
    expect(run.summary).not.toContain('Bob')
    expect(run.stdout).not.toContain('Bob')
  })
})

describe('the CLI with an organization', () => {
  it('takes the flags, and the key and id from the environment', async () => {
    const run = await runCli(['--workspace', 'acme', '--api-url', sim.apiUrl, '--atlassian-api-url', org.apiUrl, '--accept-atlassian-2sv'], {
      BITBUCKET_EMAIL: ADMIN_EMAIL,
      BITBUCKET_TOKEN: ADMIN_TOKEN,
      ATLASSIAN_ORG_ID: ORG_ID,
      ATLASSIAN_API_KEY: ORG_KEY
    })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('Protected by Atlassian-account two-step verification (2)')
    expect(run.stdout).toMatch(/Workspace\s+Members\s+2FA on\s+Atlassian 2SV\s+Without 2FA/)
    const info = await runCli(['--workspace', 'acme', '--api-url', sim.apiUrl, '--atlassian-api-url', org.apiUrl], {
      BITBUCKET_EMAIL: ADMIN_EMAIL,
      BITBUCKET_TOKEN: ADMIN_TOKEN,
      ATLASSIAN_ORG_ID: ORG_ID,
      ATLASSIAN_API_KEY: ORG_KEY
    })
    expect(info.stdout).toContain('2 people listed have Atlassian-account 2SV on: `--accept-atlassian-2sv` would let them pass.')
    expect(info.stdout).not.toMatch(/2FA on\s+Atlassian 2SV/)
    expect(run.stdout).toContain('Atlassian 2SV')
    expect(run.stdout).not.toContain(ORG_KEY)
    const json = await runCli(['--workspace', 'acme', '--api-url', sim.apiUrl, '--atlassian-api-url', org.apiUrl, '--accept-atlassian-2sv', '--json'], {
      BITBUCKET_EMAIL: ADMIN_EMAIL,
      BITBUCKET_TOKEN: ADMIN_TOKEN,
      ATLASSIAN_ORG_ID: ORG_ID,
      ATLASSIAN_API_KEY: ORG_KEY
    })
    const report = JSON.parse(json.stdout) as { people: { status: string; second_factor?: string }[]; counts: { atlassian_2sv: number } }
    expect(report.counts.atlassian_2sv).toBe(2)
    expect(report.people.filter((p) => p.status === 'atlassian-2sv')).toHaveLength(2)
  })

  it('names the flag when --accept-atlassian-2sv comes without an organization', async () => {
    const run = await runCli(['--workspace', 'acme', '--accept-atlassian-2sv'], { BITBUCKET_EMAIL: ADMIN_EMAIL, BITBUCKET_TOKEN: ADMIN_TOKEN })
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toContain('`--accept-atlassian-2sv` needs the organization: set `--atlassian-org-id` (admin.atlassian.com/o/<id>/…)')
    expect(run.stderr).toContain('or leave out `--accept-atlassian-2sv`.')
  })

  it('says once, next to the verdict, when the organization fails and it is not accepted', async () => {
    org.faults.push({ times: 1, status: 404 })
    const run = await runCli(['--workspace', 'acme', '--api-url', sim.apiUrl, '--atlassian-org-id', ORG_ID, '--atlassian-api-url', org.apiUrl], {
      BITBUCKET_EMAIL: ADMIN_EMAIL,
      BITBUCKET_TOKEN: ADMIN_TOKEN,
      ATLASSIAN_API_KEY: ORG_KEY
    })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(/The Atlassian organization could not be asked\. The Atlassian organization API answered 404 .*Check `--atlassian-org-id`/)
    expect(run.stderr).not.toContain('organization API answered 404')
    expect(run.stdout).not.toContain('`--accept-atlassian-2sv` would let')
  })
})
