import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { CONSUMER_KEY, CONSUMER_SECRET, adminCredential, compliantWorkspace, consumerCredential, person } from '../simulator/fixtures.js'
import { BitbucketSimulator } from '../simulator/server.js'
import { runCli } from '../support/cli.js'
import { runInProcess } from '../support/io.js'

/** Both doors with an OAuth consumer: the same grant, the same masking, the same advice. */
const sim = new BitbucketSimulator({
  workspaces: [],
  credentials: [adminCredential, consumerCredential, { kind: 'oauth-consumer', key: 'NotAdminKey', secret: 'not-admin-secret-77', adminOf: [] }]
})
beforeAll(async () => {
  await sim.start()
})
afterAll(async () => {
  await sim.stop()
})
beforeEach(() => {
  sim.workspaces.length = 0
  sim.workspaces.push({ ...compliantWorkspace('acme', 3), members: [person(1, true), person(2, false, { display_name: 'Bob NoTwoFactor' }), person(3, true)] })
  sim.faults.length = 0
  sim.resetStats()
})

const inputs = () => ({
  workspace: 'acme',
  'oauth-client-id': CONSUMER_KEY,
  'oauth-client-secret': CONSUMER_SECRET,
  'oauth-token-url': sim.tokenUrl,
  'api-url': sim.apiUrl
})
/** The access tokens the simulator handed out, read from its log (the Bearer values it was sent). */
const issuedTokens = () => [...new Set(sim.log.filter((e) => e.authorization.startsWith('Bearer ')).map((e) => e.authorization.slice(7)))]

describe('the action with an OAuth consumer', () => {
  it('reaches the same verdict, masks the secret at once and the token the moment it exists', async () => {
    const run = await runInProcess(inputs())
    expect(run.exitCode).toBe(1)
    expect(run.outputs['non-compliant-count']).toBe('1')
    expect(run.outputs.compliant).toBe('false')
    const [token] = issuedTokens()
    expect(token).toMatch(/^sim-oauth-\d+-/)
    expect(run.masked).toContain(CONSUMER_SECRET)
    expect(run.masked).toContain(token)
    // The secret is masked before anything is printed; the token before the first page is read.
    expect(run.stdout.indexOf(`::add-mask::${CONSUMER_SECRET}`)).toBeLessThan(run.stdout.indexOf('Reading the members'))
    expect(run.artefacts).not.toContain(CONSUMER_SECRET)
    expect(run.artefacts).not.toContain(token)
    expect(sim.tokenRequests).toBe(1)
  })

  it('refuses a token next to a consumer before any request, naming both', async () => {
    const run = await runInProcess({ ...inputs(), token: 'ATATT-some-token-1234' })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('Input `token` and input `oauth-client-id` were both given')
    expect(run.outputs.compliant).toBe('false')
    expect(sim.tokenRequests + sim.requests).toBe(0)
  })

  it('refuses an http:// token URL that is not loopback before any request', async () => {
    const run = await runInProcess({ ...inputs(), 'oauth-token-url': 'http://bitbucket.example/site/oauth2/access_token' })
    expect(run.stdout).toContain('Input `oauth-token-url` uses plain http:// to bitbucket.example')
    expect(sim.tokenRequests + sim.requests).toBe(0)
  })

  it('explains every unknown flag as a consumer whose owner is not a workspace admin, with no verdict', async () => {
    const run = await runInProcess({ ...inputs(), 'oauth-client-id': 'NotAdminKey', 'oauth-client-secret': 'not-admin-secret-77', 'fail-on-unknown': 'false' })
    expect(run.exitCode).toBe(1)
    expect(run.outputs.compliant).toBe('false')
    expect(run.outputs['unknown-count']).toBe('')
    expect(run.stdout).toContain('An OAuth consumer\'s token acts as the consumer\'s owner: the owner must be an admin of workspace "acme".')
  })

  it('says a wrong secret in the admin words, as a broken run', async () => {
    const run = await runInProcess({ ...inputs(), 'oauth-client-secret': 'wrong-secret-value-1' })
    expect(run.exitCode).toBe(1)
    expect(run.outputs['member-count']).toBe('')
    expect(run.stdout).toContain('invalid_client')
    expect(run.artefacts).not.toContain('wrong-secret-value-1')
    expect(sim.requests).toBe(0)
  })

  it('scrubs a token that a proxy echoes back in an error body', async () => {
    sim.faults.push({ times: 6, action: { status: 502, contentType: 'text/plain', body: (r) => `bad gateway for ${r.headers.authorization ?? ''}` } })
    const run = await runInProcess({ ...inputs(), redact: 'false' })
    const [token] = issuedTokens()
    expect(token).toMatch(/^sim-oauth-\d+-/)
    expect(run.stdout).toMatch(/Bitbucket's answer \(text\/plain, \d+ bytes\) starts: `bad gateway for \*\*\*`/)
    expect(run.artefacts).not.toContain(token)
  })
})

describe('the CLI with an OAuth consumer', () => {
  it('reads the id from a flag and the secret only from the environment', async () => {
    const run = await runCli(['--workspace', 'acme', '--oauth-client-id', CONSUMER_KEY, '--oauth-token-url', sim.tokenUrl, '--api-url', sim.apiUrl], {
      BITBUCKET_OAUTH_CLIENT_SECRET: CONSUMER_SECRET
    })
    expect(run.stderr).toBe('')
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('Bob NoTwoFactor')
    expect(sim.tokenRequests).toBe(1)
  })

  it('reads the id and the token URL from the environment too', async () => {
    const run = await runCli(['--workspace', 'acme', '--api-url', sim.apiUrl], {
      BITBUCKET_OAUTH_CLIENT_ID: CONSUMER_KEY,
      BITBUCKET_OAUTH_CLIENT_SECRET: CONSUMER_SECRET,
      BITBUCKET_OAUTH_TOKEN_URL: sim.tokenUrl
    })
    expect(run.exitCode).toBe(1)
  })

  it('has no flag for the secret, and names the mix of kinds the command line way', async () => {
    const flag = await runCli(['--workspace', 'acme', '--oauth-client-secret', 'x'])
    expect(flag.exitCode).toBe(2)
    expect(flag.stderr).toMatch(/Unknown option '--oauth-client-secret'/)
    const mix = await runCli(['--workspace', 'acme', '--oauth-client-id', CONSUMER_KEY], {
      BITBUCKET_TOKEN: 'ATCTT-token-123',
      BITBUCKET_OAUTH_CLIENT_SECRET: CONSUMER_SECRET
    })
    expect(mix.exitCode).toBe(2)
    expect(mix.stderr).toContain('`--token` (or `BITBUCKET_TOKEN`) and `--oauth-client-id` (or `BITBUCKET_OAUTH_CLIENT_ID`) were both given')
    const half = await runCli(['--workspace', 'acme', '--oauth-client-id', CONSUMER_KEY])
    expect(half.stderr).toContain('`--oauth-client-id` (or `BITBUCKET_OAUTH_CLIENT_ID`) needs `BITBUCKET_OAUTH_CLIENT_SECRET`: pass the OAuth consumer')
  })
})
