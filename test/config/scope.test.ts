import { describe, expect, it } from 'vitest'
import { parseCommandLine } from '../../src/cli/args.js'
import { parseScope } from '../../src/config/inputs.js'
import { InputError } from '../../src/errors.js'
import { readActionSettings } from '../../src/action/inputs.js'

const repo = (workspace: string, slug: string) => ({ workspace, slug, fullName: `${workspace}/${slug}` })

describe('parseScope: `workspace` and `repository` together', () => {
  it('without repository, is the workspaces as given, or the default', () => {
    expect(parseScope({ workspace: 'acme, beta', repository: '' })).toEqual({ workspaces: ['acme', 'beta'], repositories: [] })
    expect(parseScope({ workspace: '', repository: '', defaultWorkspace: 'gamma' })).toEqual({ workspaces: ['gamma'], repositories: [] })
    expect(parseScope({ workspace: 'acme', repository: ' , ', defaultWorkspace: 'gamma' })).toEqual({ workspaces: ['acme'], repositories: [] })
  })

  it('needs a workspace or a repository, and says both', () => {
    expect(() => parseScope({ workspace: '', repository: '' })).toThrow(InputError)
    expect(() => parseScope({ workspace: ' ', repository: '\n' })).toThrow(/`workspace` is required, unless `repository` is given/)
  })

  it('takes the workspaces of the repositories, in order, once each, the first spelling kept', () => {
    expect(parseScope({ workspace: '', repository: 'acme/app, beta/infra\nACME/web, acme/app' })).toEqual({
      workspaces: ['acme', 'beta'],
      repositories: [repo('acme', 'app'), repo('beta', 'infra'), repo('acme', 'web')]
    })
  })

  it('lower-cases a braced workspace uuid, as `workspace` does', () => {
    const { workspaces, repositories } = parseScope({ workspace: '', repository: '{AAAAAAAA-1111-4111-8111-111111111111}/app' })
    expect(workspaces).toEqual(['{aaaaaaaa-1111-4111-8111-111111111111}'])
    expect(repositories[0]?.fullName).toBe('{aaaaaaaa-1111-4111-8111-111111111111}/app')
  })

  it('accepts an explicit workspace that names the same set, in any case and order', () => {
    expect(parseScope({ workspace: 'BETA,acme', repository: 'acme/app,beta/infra' }).workspaces).toEqual(['acme', 'beta'])
  })

  it('takes a blank default as no default', () => {
    expect(() => parseScope({ workspace: '', repository: '', defaultWorkspace: '  ' })).toThrow(/`workspace` is required, unless `repository` is given/)
    expect(() => parseScope({ workspace: '', repository: 'app', defaultWorkspace: '  ' })).toThrow(/\(none is given\)/)
  })

  it('refuses an explicit workspace that names fewer, more or other workspaces than the repositories', () => {
    expect(() => parseScope({ workspace: 'acme', repository: 'acme/app,beta/lib' })).toThrow(/names acme, but the repositories/)
    expect(() => parseScope({ workspace: 'acme,gamma', repository: 'acme/app,beta/lib' })).toThrow(/names acme, gamma, but the repositories/)
  })

  it('refuses an explicit workspace that names another set', () => {
    expect(() => parseScope({ workspace: 'acme,beta', repository: 'acme/app' })).toThrow(
      /Input `workspace` names acme, beta, but the repositories in `repository` are in acme/
    )
    expect(() => parseScope({ workspace: 'beta', repository: 'acme/app' })).toThrow(InputError)
  })

  it('never compares the default workspace: it only resolves a bare repo_slug', () => {
    expect(parseScope({ workspace: '', repository: 'beta/infra', defaultWorkspace: 'acme' })).toEqual({
      workspaces: ['beta'],
      repositories: [repo('beta', 'infra')]
    })
    expect(parseScope({ workspace: '', repository: 'app', defaultWorkspace: 'acme' }).repositories).toEqual([repo('acme', 'app')])
  })

  it('resolves a bare repo_slug with exactly one workspace, and refuses it otherwise', () => {
    expect(parseScope({ workspace: 'acme', repository: 'app' }).repositories).toEqual([repo('acme', 'app')])
    expect(() => parseScope({ workspace: '', repository: 'app' })).toThrow(/"app" has no workspace.*\(none is given\)/)
    expect(() => parseScope({ workspace: 'acme,beta', repository: 'app' })).toThrow(/\(2 are given\)/)
  })

  it.each([
    ['acme/app/extra', /is not workspace\/repo_slug/],
    ['acme/', /has no valid repo_slug/],
    ['acme/ap p', /has no valid repo_slug/],
    ['acme/../x', /is not workspace\/repo_slug/],
    ['../app', /has no valid workspace before the \//],
    ['acme/app\u200b', /U\+200B/]
  ])('refuses %j, naming the input', (value, message) => {
    expect(() => parseScope({ workspace: '', repository: value })).toThrow(InputError)
    expect(() => parseScope({ workspace: '', repository: value })).toThrow(message)
  })
})

describe('both doors take the scope the same way', () => {
  const env = { BITBUCKET_EMAIL: 'a@b.co', BITBUCKET_TOKEN: 'ATATT-x' }
  const none = (): string => ''

  it('the CLI: --repository repeatable or comma-separated, BITBUCKET_WORKSPACE only for bare slugs', () => {
    const request = parseCommandLine(['--repository', 'acme/app,acme/web', '--repository=infra'], { ...env, BITBUCKET_WORKSPACE: 'acme' }, none)
    expect(request).toMatchObject({
      kind: 'check',
      options: { workspaces: ['acme'], repositories: [repo('acme', 'app'), repo('acme', 'web'), repo('acme', 'infra')], allowAdminExemptions: false }
    })
    const other = parseCommandLine(['--repository', 'beta/app'], { ...env, BITBUCKET_WORKSPACE: 'acme' }, none)
    expect(other).toMatchObject({ options: { workspaces: ['beta'] } })
    expect(() => parseCommandLine(['--repository', 'beta/app', '--workspace', 'acme'], env, none)).toThrow(/names acme, but the repositories/)
  })

  it('the CLI: --allow-admin-exemptions', () => {
    expect(parseCommandLine(['--workspace', 'acme', '--allow-admin-exemptions'], env, none)).toMatchObject({ options: { allowAdminExemptions: true } })
  })

  it('the action: repository, workspace optional, allow-admin-exemptions a boolean', () => {
    const inputs: Record<string, string> = { token: 'ATATT-x', email: 'a@b.co', repository: 'acme/app', 'allow-admin-exemptions': 'true' }
    const settings = readActionSettings(
      (name) => inputs[name] ?? '',
      () => undefined
    )
    expect(settings.options).toMatchObject({ workspaces: ['acme'], repositories: [repo('acme', 'app')], allowAdminExemptions: true })
    const byDefault = readActionSettings(
      (name) => (name === 'allow-admin-exemptions' ? '' : (inputs[name] ?? '')),
      () => undefined
    )
    expect(byDefault.options.allowAdminExemptions).toBe(false)
    inputs['allow-admin-exemptions'] = 'yes'
    expect(() =>
      readActionSettings(
        (name) => inputs[name] ?? '',
        () => undefined
      )
    ).toThrow(/Input `allow-admin-exemptions` must be `true` or `false`/)
  })
})
