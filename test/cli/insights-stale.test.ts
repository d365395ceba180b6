import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ADMIN_EMAIL, ADMIN_TOKEN, adminCredential, person } from '../simulator/fixtures.js'
import { BitbucketSimulator } from '../simulator/server.js'
import { runCli } from '../support/cli.js'
import { PipelinesProxy } from '../support/pipelines-proxy.js'

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
  sim.workspaces.push({ slug: 'acme', uuid: '{aaaaaaaa-1111-4111-8111-111111111111}', members: [person(1, true)] })
  proxy.requests.length = 0
  proxy.reports.clear()
  proxy.faults.length = 0
})
const step = () => ({
  BITBUCKET_EMAIL: ADMIN_EMAIL,
  BITBUCKET_TOKEN: ADMIN_TOKEN,
  BITBUCKET_API_URL: sim.apiUrl,
  BITBUCKET_BUILD_NUMBER: '42',
  BITBUCKET_REPO_FULL_NAME: 'acme/app',
  BITBUCKET_COMMIT: COMMIT,
  BITBUCKET_REPO_IS_PRIVATE: 'true'
})
const args = () => ['--workspace', 'acme', '--code-insights', '--code-insights-proxy', proxy.url.origin]

describe("a failed DELETE still replaces the commit's report", () => {
  it('a re-run that finds someone without 2FA leaves FAILED when only the DELETE fails', async () => {
    const first = await runCli(args(), step())
    expect(first.exitCode).toBe(0)
    expect(proxy.report('acme/app', COMMIT)?.report).toMatchObject({ result: 'PASSED' })
    // Bob loses 2FA; the re-run's DELETE fails (the proxy has a bad moment), the PUT would have worked.
    sim.workspaces[0]?.members.push(BOB)
    proxy.fail('DELETE', 503)
    const again = await runCli(args(), step())
    expect(again.exitCode).toBe(1)
    // The merge check still reads the old report.
    expect(proxy.report('acme/app', COMMIT)?.report).toMatchObject({ result: 'FAILED' })
  })
})
