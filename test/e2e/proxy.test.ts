import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_EMAIL, ADMIN_TOKEN, adminCredential, compliantWorkspace } from '../simulator/fixtures.js'
import { BitbucketSimulator } from '../simulator/server.js'
import { runAction } from '../support/action.js'
import { GitHubFake } from '../simulator/github.js'
import { TestProxy } from '../support/proxy.js'
import { makeCertificate } from '../support/tls.js'

const certificate = makeCertificate('bitbucket.test')
const sim = new BitbucketSimulator({ workspaces: [compliantWorkspace('acme', 150)], credentials: [adminCredential], tls: certificate })
const proxy = new TestProxy()
const github = new GitHubFake({ owner: 'acme', name: 'app', private: true, visibility: 'private', issuesEnabled: true })

beforeAll(async () => {
  await sim.start()
  await proxy.start()
  await github.start()
})
afterAll(async () => {
  await github.stop()
  await proxy.stop()
  await sim.stop()
  certificate.cleanup()
})

describe('behind a proxy, like a self-hosted runner', () => {
  const inputs = () => ({ workspace: 'acme', email: ADMIN_EMAIL, token: ADMIN_TOKEN, 'api-url': `https://bitbucket.test:${sim.port}/2.0` })
  const env = (extra: Record<string, string>) => ({ NODE_EXTRA_CA_CERTS: certificate.certFile, ...extra })

  it('reaches Bitbucket over https through HTTPS_PROXY, for every page', async () => {
    const run = await runAction(inputs(), { env: env({ HTTPS_PROXY: proxy.url }) })
    expect(run.stderr).toBe('')
    expect(run.exitCode).toBe(0)
    expect(run.outputs['member-count']).toBe('150')
    expect(proxy.connects.length).toBeGreaterThan(0)
    expect(proxy.connects.every((target) => target === `bitbucket.test:${sim.port}`)).toBe(true)
  })

  it('goes direct for hosts in NO_PROXY', async () => {
    const before = proxy.connects.length
    const run = await runAction(inputs(), { env: env({ HTTPS_PROXY: proxy.url, NO_PROXY: 'bitbucket.test' }) })
    expect(run.exitCode).toBe(1)
    // The member listing and the admin listing go at once: whichever fails first is named.
    expect(run.stdout).toMatch(
      /Could not get an answer from Bitbucket at https:\/\/bitbucket\.test:\d+ for page 1 of (the admin listing of )?workspace "acme": ENOTFOUND/
    )
    expect(proxy.connects.length).toBe(before)
  })

  it('refuses plain http to a host that is not this machine, before any request', async () => {
    const before = proxy.connects.length
    const run = await runAction({ ...inputs(), 'api-url': `http://bitbucket.test:${sim.port}/2.0` }, { env: env({ HTTP_PROXY: proxy.url }) })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('::error::Input `api-url` uses plain http:// to bitbucket.test')
    expect(proxy.connects.length).toBe(before)
  })

  it('reaches GitHub for the tracking issue through the proxy too (the bundled Octokit, no undici)', async () => {
    github.tokens.set('ghs_proxyTestToken000000000000', 'write')
    sim.workspaces[0]!.members[0] = { ...sim.workspaces[0]!.members[0]!, has_2fa_enabled: false }
    const githubHost = `github.test:${new URL(github.apiUrl).port}`
    const run = await runAction(
      { ...inputs(), 'tracking-issue': 'true', 'github-token': 'ghs_proxyTestToken000000000000' },
      { env: env({ HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, GITHUB_API_URL: `http://${githubHost}`, GITHUB_REPOSITORY: 'acme/app' }) }
    )
    expect(run.stderr).toBe('')
    expect(run.stdout).toContain('Tracking issue: opened #1.')
    expect(github.issues).toHaveLength(1)
    expect(proxy.connects).toContain(githubHost)
  })
})
