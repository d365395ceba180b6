import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../support/cli.js'

const COMMIT = '0123456789abcdef0123456789abcdef01234567'
const step = (extra: Record<string, string> = {}) => ({
  BITBUCKET_EMAIL: 'admin@example.com',
  BITBUCKET_TOKEN: 'ATATT-the-real-token',
  BITBUCKET_BUILD_NUMBER: '42',
  BITBUCKET_REPO_FULL_NAME: 'acme/app',
  BITBUCKET_COMMIT: COMMIT,
  BITBUCKET_REPO_IS_PRIVATE: 'false',
  ...extra
})

describe('a proxy URL with a password is refused without printing the password', () => {
  it('CLI: --code-insights-proxy http://user:secret@host is refused, its password never printed', async () => {
    const run = await runCli(
      ['--workspace', 'acme', '--code-insights', '--code-insights-proxy', 'http://ci:Pr0xyPa55@localhost:29418', '--junit-file', 'r.xml'],
      step()
    )
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toContain('must be a plain http://host:port')
    expect(run.stderr).not.toContain('Pr0xyPa55')
    expect(readFileSync(join(run.cwd, 'r.xml'), 'utf8')).not.toContain('Pr0xyPa55')
  })

  it('pipe: CODE_INSIGHTS_PROXY with a password, likewise', async () => {
    const run = await runCli(['pipe'], step({ WORKSPACE: 'acme', CODE_INSIGHTS_PROXY: 'http://ci:Pr0xyPa55@host.docker.internal:29418' }))
    expect(run.exitCode).toBe(2)
    expect(run.stderr).not.toContain('Pr0xyPa55')
    expect(readFileSync(join(run.cwd, 'test-results/bitbucket-2fa-gate.xml'), 'utf8')).not.toContain('Pr0xyPa55')
  })
})
