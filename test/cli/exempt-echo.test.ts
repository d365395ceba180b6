import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../support/cli.js'
import { PipelinesProxy } from '../support/pipelines-proxy.js'

const proxy = new PipelinesProxy()
beforeAll(async () => {
  await proxy.start()
})
afterAll(async () => {
  await proxy.stop()
})
const COMMIT = '0123456789abcdef0123456789abcdef01234567'
// Bob has no 2FA and is exempted (kept in a repository variable, $EXEMPT); the line is pasted twice by mistake.
const BOB_ID = '557058:0b0b0b0b-0000-4000-8000-00000000b0b0'

describe('an exemption error in a public repository names the line, never the person', () => {
  it('pipe in a public repository: the id of an exempted person reaches none of stderr, JUnit and the Code Insights report', async () => {
    const env = {
      BITBUCKET_EMAIL: 'admin@example.com',
      BITBUCKET_TOKEN: 'ATATT-token',
      BITBUCKET_BUILD_NUMBER: '42',
      BITBUCKET_REPO_FULL_NAME: 'acme/app',
      BITBUCKET_COMMIT: COMMIT,
      BITBUCKET_REPO_IS_PRIVATE: 'false',
      BITBUCKET_WORKSPACE: 'acme',
      CODE_INSIGHTS_PROXY: proxy.url.origin,
      EXEMPT: `${BOB_ID} until 2099-01-01 # no phone\n${BOB_ID} # dup`
    }
    const run = await runCli(['pipe'], env)
    expect(run.exitCode).toBe(2)
    const public_ = [
      run.stdout,
      run.stderr,
      readFileSync(join(run.cwd, 'test-results/bitbucket-2fa-gate.xml'), 'utf8'),
      JSON.stringify(proxy.report('acme/app', COMMIT))
    ]
    expect(public_.map((t) => t.includes(BOB_ID))).toEqual([false, false, false, false])
  })
})
