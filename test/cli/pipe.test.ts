import { describe, expect, it } from 'vitest'
import { parseCommandLine, type CliRequest } from '../../src/cli/args.js'
import { parsePipeVariables, pipeJunitFile, pipeList, pipeReportFile, pipeSecrets } from '../../src/cli/pipe.js'
import { PIPE_SPELLING } from '../../src/config/spellings.js'
import { errorMessage, InputError } from '../../src/errors.js'

const noFile = (): string => {
  throw Object.assign(new Error('no'), { code: 'ENOENT' })
}

/** What Pipelines sets on every step, which the pipe's defaults (Code Insights) rely on. */
const STEP = { BITBUCKET_COMMIT: 'abc1234', BITBUCKET_REPO_FULL_NAME: 'acme/app', BITBUCKET_BUILD_NUMBER: '7' }
/** A pipe's variables with the least that checks: a workspace and an access token. */
const BASE = { ...STEP, WORKSPACE: 'acme', BITBUCKET_TOKEN: 'ATCTT-secret' }
/** The flags that give the CLI the pipe's own defaults (a JUnit file, Code Insights through the pipe's proxy). */
const PIPE_DEFAULT_FLAGS = [
  '--junit-file',
  'test-results/bitbucket-2fa-gate.xml',
  '--code-insights',
  '--code-insights-proxy',
  'http://host.docker.internal:29418'
]

function pipe(env: NodeJS.ProcessEnv, readFile: (path: string) => string = noFile): CliRequest & { kind: 'check' } {
  return parsePipeVariables(env, readFile)
}

function cli(argv: readonly string[], env: NodeJS.ProcessEnv, readFile: (path: string) => string = noFile): CliRequest {
  return parseCommandLine([...PIPE_DEFAULT_FLAGS, ...argv], env, readFile)
}

/** The pipe's message for a bad environment, as the pipe port spells it. */
function failure(env: NodeJS.ProcessEnv, readFile: (path: string) => string = noFile): string {
  let caught: unknown = null
  try {
    parsePipeVariables(env, readFile)
  } catch (error) {
    caught = error
  }
  expect(caught).toBeInstanceOf(InputError)
  return errorMessage(caught, false, PIPE_SPELLING)
}

describe('parsePipeVariables: the same options as the equivalent flags', () => {
  it('takes WORKSPACE as a comma separated string, as --workspace twice', () => {
    const request = pipe({ ...STEP, WORKSPACE: 'acme,beta', BITBUCKET_TOKEN: 'ATCTT-secret' })
    expect(request.options.workspaces).toEqual(['acme', 'beta'])
    expect(request).toEqual(cli(['--workspace', 'acme', '--workspace', 'beta'], { ...STEP, BITBUCKET_TOKEN: 'ATCTT-secret' }))
  })

  it('takes WORKSPACE as a newline separated string and as a pipe list, whose items may hold commas', () => {
    const expected = cli(['--workspace', 'acme', '--workspace', 'beta', '--workspace', 'gamma'], { ...STEP, BITBUCKET_TOKEN: 'ATCTT-secret' })
    expect(pipe({ ...STEP, WORKSPACE: 'acme\nbeta\ngamma', BITBUCKET_TOKEN: 'ATCTT-secret' })).toEqual(expected)
    const list = { ...STEP, WORKSPACE_COUNT: '2', WORKSPACE_0: 'acme', WORKSPACE_1: 'beta,gamma', BITBUCKET_TOKEN: 'ATCTT-secret' }
    expect(pipe(list).options.workspaces).toEqual(['acme', 'beta', 'gamma'])
    expect(pipe(list)).toEqual(expected)
  })

  it('takes REPOSITORY as a string and as a list, with its workspaces from the repositories', () => {
    const env = { ...STEP, BITBUCKET_TOKEN: 'ATCTT-secret' }
    const expected = cli(['--repository', 'acme/app', '--repository', 'beta/web'], env)
    const fromString = pipe({ ...env, REPOSITORY: 'acme/app,beta/web' })
    expect(fromString.options.workspaces).toEqual(['acme', 'beta'])
    expect(fromString.options.repositories).toEqual([
      { workspace: 'acme', slug: 'app', fullName: 'acme/app' },
      { workspace: 'beta', slug: 'web', fullName: 'beta/web' }
    ])
    expect(fromString).toEqual(expected)
    expect(pipe({ ...env, REPOSITORY_COUNT: '2', REPOSITORY_0: 'acme/app', REPOSITORY_1: 'beta/web' })).toEqual(expected)
  })

  it('resolves a bare repo_slug with BITBUCKET_WORKSPACE, as the CLI does', () => {
    const env = { ...STEP, BITBUCKET_WORKSPACE: 'acme', BITBUCKET_TOKEN: 'ATCTT-secret' }
    const request = pipe({ ...env, REPOSITORY: 'app' })
    expect(request.options.repositories).toEqual([{ workspace: 'acme', slug: 'app', fullName: 'acme/app' }])
    expect(request).toEqual(cli(['--repository', 'app'], env))
  })

  it('takes EXEMPT as newline separated lines whose reasons hold commas, as a string and as a list', () => {
    const lines = ['557058:aaaa until 2027-01-31 # on leave, back in January', '{0b6c2e7e-0000-4000-8000-000000000001} # bot, reviewed']
    const expected = cli(['--workspace', 'acme', '--exempt', lines[0] ?? '', '--exempt', lines[1] ?? ''], { ...STEP, BITBUCKET_TOKEN: 'ATCTT-secret' })
    const fromString = pipe({ ...BASE, EXEMPT: lines.join('\n') })
    expect(fromString.options.exemptions).toEqual([
      { id: '557058:aaaa', idKind: 'account_id', until: '2027-01-31', reason: 'on leave, back in January', line: 1 },
      { id: '{0b6c2e7e-0000-4000-8000-000000000001}', idKind: 'uuid', until: null, reason: 'bot, reviewed', line: 2 }
    ])
    expect(fromString).toEqual(expected)
    expect(pipe({ ...BASE, EXEMPT_COUNT: '2', EXEMPT_0: lines[0], EXEMPT_1: lines[1] })).toEqual(expected)
  })

  it('lets an EXEMPT list item hold several lines, numbered across the items', () => {
    const request = pipe({ ...BASE, EXEMPT_COUNT: '2', EXEMPT_0: 'aaa # one\nbbb # two, three', EXEMPT_1: 'ccc' })
    expect(request.options.exemptions.map((e) => [e.id, e.reason, e.line])).toEqual([
      ['aaa', 'one', 1],
      ['bbb', 'two, three', 2],
      ['ccc', '', 3]
    ])
  })

  it('reads EXEMPT_FILE after EXEMPT, as --exempt-file after --exempt', () => {
    const files = (path: string): string => {
      if (path === 'exempt.txt') return 'bbb # from the file\n'
      return noFile()
    }
    const expected = cli(
      ['--workspace', 'acme', '--exempt', 'aaa # inline', '--exempt-file', 'exempt.txt'],
      { ...STEP, BITBUCKET_TOKEN: 'ATCTT-secret' },
      files
    )
    const request = pipe({ ...BASE, EXEMPT: 'aaa # inline', EXEMPT_FILE: 'exempt.txt' }, files)
    expect(request.options.exemptions.map((e) => [e.id, e.line])).toEqual([
      ['aaa', 1],
      ['bbb', 2]
    ])
    expect(request).toEqual(expected)
  })

  it('takes the booleans as true and false, as their flags', () => {
    const on = pipe({ ...BASE, ALLOW_ADMIN_EXEMPTIONS: 'true', FAIL_ON_UNKNOWN: 'true', FAIL_ON_VIOLATION: 'true', DEBUG: 'true' })
    expect(on).toMatchObject({ options: { allowAdminExemptions: true, failOnUnknown: true }, failOnViolation: true, debug: true })
    expect(on).toEqual(
      cli(['--workspace', 'acme', '--allow-admin-exemptions', '--fail-on-unknown', '--fail-on-violation', '--debug'], {
        ...STEP,
        BITBUCKET_TOKEN: 'ATCTT-secret'
      })
    )
    const off = pipe({ ...BASE, ALLOW_ADMIN_EXEMPTIONS: 'false', FAIL_ON_UNKNOWN: 'false', FAIL_ON_VIOLATION: 'FALSE', DEBUG: 'False' })
    expect(off).toMatchObject({ options: { allowAdminExemptions: false, failOnUnknown: false }, failOnViolation: false, debug: false })
    expect(off).toEqual(cli(['--workspace', 'acme', '--no-fail-on-unknown', '--no-fail-on-violation'], { ...STEP, BITBUCKET_TOKEN: 'ATCTT-secret' }))
  })

  it('takes email and token, as the CLI reads them from the environment', () => {
    const env = { ...STEP, WORKSPACE: 'acme', BITBUCKET_EMAIL: 'admin@example.com', BITBUCKET_TOKEN: 'ATATT-secret' }
    const request = pipe(env)
    expect(request.options.credentials).toEqual({ kind: 'api-token', email: 'admin@example.com', token: 'ATATT-secret' })
    expect(request).toEqual(cli(['--workspace', 'acme'], env))
  })

  it('takes the OAuth pair and its token URL', () => {
    const env = {
      ...STEP,
      WORKSPACE: 'acme',
      BITBUCKET_OAUTH_CLIENT_ID: 'key123',
      BITBUCKET_OAUTH_CLIENT_SECRET: 'secret456',
      BITBUCKET_OAUTH_TOKEN_URL: 'https://auth.example/token'
    }
    const request = pipe(env)
    expect(request.options.credentials).toEqual({
      kind: 'oauth',
      clientId: 'key123',
      clientSecret: 'secret456',
      tokenUrl: new URL('https://auth.example/token')
    })
    expect(request).toEqual(cli(['--workspace', 'acme'], env))
  })

  it('takes the Atlassian organization', () => {
    const env = { ...BASE, ATLASSIAN_ORG_ID: 'org-1', ATLASSIAN_API_KEY: 'orgkey', ATLASSIAN_API_URL: 'https://atl.example', ACCEPT_ATLASSIAN_2SV: 'true' }
    const request = pipe(env)
    expect(request.options.atlassian).toEqual({ orgId: 'org-1', apiKey: 'orgkey', apiUrl: new URL('https://atl.example'), accept: true })
    expect(request).toEqual(cli(['--workspace', 'acme', '--accept-atlassian-2sv'], env))
  })

  it('takes BITBUCKET_API_URL', () => {
    const env = { ...BASE, BITBUCKET_API_URL: 'https://bb.example/2.0/' }
    const request = pipe(env)
    expect(request.options.apiUrl.href).toBe('https://bb.example/2.0')
    expect(request).toEqual(cli(['--workspace', 'acme'], env))
  })

  it('takes REPORT_FILE, JUNIT_FILE and CODE_INSIGHTS_PROXY', () => {
    const env = { ...BASE, REPORT_FILE: 'out/report.json', JUNIT_FILE: 'reports/2fa.xml', CODE_INSIGHTS_PROXY: 'http://proxy.local:8080' }
    const request = pipe(env)
    expect(request).toMatchObject({ reportFile: 'out/report.json', junitFile: 'reports/2fa.xml' })
    expect(request.codeInsights?.proxy.href).toBe('http://proxy.local:8080/')
    expect(request).toEqual(
      parseCommandLine(
        [
          '--workspace',
          'acme',
          '--report-file',
          'out/report.json',
          '--junit-file',
          'reports/2fa.xml',
          '--code-insights',
          '--code-insights-proxy',
          'http://proxy.local:8080'
        ],
        env,
        noFile
      )
    )
  })
})

describe('parsePipeVariables: defaults', () => {
  it('writes the JUnit file, posts to Code Insights through the pipe proxy, and fails by default', () => {
    const request = pipe(BASE)
    expect(request).toMatchObject({
      kind: 'check',
      options: {
        workspaces: ['acme'],
        repositories: [],
        credentials: { kind: 'access-token', token: 'ATCTT-secret' },
        exemptions: [],
        failOnUnknown: true,
        allowAdminExemptions: false,
        atlassian: null
      },
      failOnViolation: true,
      reportFile: '',
      json: false,
      redact: null,
      junitFile: 'test-results/bitbucket-2fa-gate.xml',
      attestationPredicateFile: '',
      debug: false
    })
    expect(request.options.apiUrl.href).toBe('https://api.bitbucket.org/2.0')
    expect(request.codeInsights?.proxy.href).toBe('http://host.docker.internal:29418/')
    expect(request.codeInsights?.target).toEqual({ repository: 'acme/app', commit: 'abc1234' })
  })

  it('takes the workspace from BITBUCKET_WORKSPACE when WORKSPACE is not given', () => {
    expect(pipe({ ...STEP, BITBUCKET_WORKSPACE: 'home', BITBUCKET_TOKEN: 'ATCTT-secret' }).options.workspaces).toEqual(['home'])
    expect(pipe({ ...STEP, BITBUCKET_WORKSPACE: 'home', WORKSPACE: 'acme', BITBUCKET_TOKEN: 'ATCTT-secret' }).options.workspaces).toEqual(['acme'])
  })

  it("counts a variable set to '' as not given, as Pipelines passes an unset repository variable", () => {
    const request = pipe({
      ...STEP,
      BITBUCKET_WORKSPACE: 'home',
      WORKSPACE: '',
      WORKSPACE_COUNT: '',
      REPOSITORY: '',
      BITBUCKET_EMAIL: '',
      BITBUCKET_TOKEN: 'ATCTT-secret',
      BITBUCKET_OAUTH_CLIENT_ID: '',
      BITBUCKET_OAUTH_CLIENT_SECRET: '',
      BITBUCKET_OAUTH_TOKEN_URL: '',
      BITBUCKET_API_URL: '',
      EXEMPT: '',
      EXEMPT_FILE: '',
      FAIL_ON_UNKNOWN: '',
      FAIL_ON_VIOLATION: '',
      REDACT: '',
      REPORT_FILE: '',
      JUNIT_FILE: '',
      CODE_INSIGHTS: '',
      CODE_INSIGHTS_PROXY: '',
      ATLASSIAN_ORG_ID: '',
      ATLASSIAN_API_KEY: '',
      ATLASSIAN_API_URL: '',
      ACCEPT_ATLASSIAN_2SV: '',
      ALLOW_ADMIN_EXEMPTIONS: '',
      DEBUG: ''
    })
    expect(request).toMatchObject({
      options: { workspaces: ['home'], repositories: [], credentials: { kind: 'access-token' }, exemptions: [], failOnUnknown: true, atlassian: null },
      failOnViolation: true,
      reportFile: '',
      redact: null,
      junitFile: 'test-results/bitbucket-2fa-gate.xml',
      debug: false
    })
    expect(request.codeInsights?.proxy.href).toBe('http://host.docker.internal:29418/')
  })

  it("turns Code Insights off with CODE_INSIGHTS: 'false', and then needs no Pipelines step", () => {
    const request = pipe({ WORKSPACE: 'acme', BITBUCKET_TOKEN: 'ATCTT-secret', CODE_INSIGHTS: 'false' })
    expect(request.codeInsights).toBeNull()
  })

  it('needs the step outside Pipelines when Code Insights is on (its default)', () => {
    const text = failure({ WORKSPACE: 'acme', BITBUCKET_TOKEN: 'ATCTT-secret' })
    expect(text).toContain('`CODE_INSIGHTS`')
    expect(text).toContain('BITBUCKET_COMMIT and BITBUCKET_REPO_FULL_NAME are not set')
  })
})

describe('parsePipeVariables: REDACT', () => {
  it('is auto (null, the door decides) by default and as auto; true and false as given', () => {
    expect(pipe(BASE).redact).toBeNull()
    expect(pipe({ ...BASE, REDACT: 'auto' }).redact).toBeNull()
    expect(pipe({ ...BASE, REDACT: 'true' }).redact).toBe(true)
    expect(pipe({ ...BASE, REDACT: 'false' }).redact).toBe(false)
    expect(pipe({ ...BASE, REDACT: 'True' }).redact).toBe(true)
  })

  it('matches --redact and --no-redact', () => {
    expect(pipe({ ...BASE, REDACT: 'true' })).toEqual(cli(['--workspace', 'acme', '--redact'], BASE))
    expect(pipe({ ...BASE, REDACT: 'false' })).toEqual(cli(['--workspace', 'acme', '--no-redact'], BASE))
  })

  it('refuses any other value, naming the variable', () => {
    const text = failure({ ...BASE, REDACT: 'yes' })
    expect(text).toBe('Variable `REDACT` must be `auto`, `true` or `false` (got "yes").')
  })
})

describe('pipeList', () => {
  it('is null when neither form is given, and the string as given', () => {
    expect(pipeList({}, 'workspace')).toBeNull()
    expect(pipeList({ WORKSPACE: '', WORKSPACE_COUNT: '' }, 'workspace')).toBeNull()
    expect(pipeList({ WORKSPACE: 'a, b' }, 'workspace')).toBe('a, b')
  })

  it('joins scope items with commas and exemption items with newlines', () => {
    expect(pipeList({ REPOSITORY_COUNT: '3', REPOSITORY_0: 'a/x', REPOSITORY_1: 'b/y', REPOSITORY_2: 'c/z' }, 'repository')).toBe('a/x,b/y,c/z')
    expect(pipeList({ EXEMPT_COUNT: '2', EXEMPT_0: 'aaa # x, y', EXEMPT_1: 'bbb' }, 'exempt')).toBe('aaa # x, y\nbbb')
  })

  it('takes an empty list, and ignores items beyond the count', () => {
    expect(pipeList({ EXEMPT_COUNT: '0', EXEMPT_0: 'stale' }, 'exempt')).toBe('')
    expect(pipeList({ WORKSPACE_COUNT: '1', WORKSPACE_0: 'acme', WORKSPACE_1: 'stale' }, 'workspace')).toBe('acme')
  })

  it('refuses a string and a list at once', () => {
    expect(() => pipeList({ EXEMPT: 'aaa', EXEMPT_COUNT: '1', EXEMPT_0: 'bbb' }, 'exempt')).toThrow(InputError)
    const text = failure({ ...BASE, EXEMPT: 'aaa', EXEMPT_COUNT: '1', EXEMPT_0: 'bbb' })
    expect(text).toBe('Variable `EXEMPT`: give it as a string or as a list, not both (EXEMPT and EXEMPT_COUNT are both set).')
    expect(failure({ ...BASE, WORKSPACE_COUNT: '1', WORKSPACE_0: 'beta' })).toContain('Variable `WORKSPACE`: give it as a string or as a list, not both')
  })

  it('refuses a count that is not a whole number', () => {
    for (const count of ['two', '-1', '1.5', '1e3', '0x2']) {
      const text = failure({ ...STEP, BITBUCKET_TOKEN: 'ATCTT-secret', WORKSPACE_COUNT: count, WORKSPACE_0: 'acme' })
      expect(text).toContain(`Variable \`WORKSPACE\` is a list, but WORKSPACE_COUNT is not a whole number (got "${count}")`)
    }
  })

  it('refuses a list with a missing item', () => {
    const text = failure({ ...STEP, BITBUCKET_TOKEN: 'ATCTT-secret', REPOSITORY_COUNT: '3', REPOSITORY_0: 'acme/app', REPOSITORY_2: 'acme/web' })
    expect(text).toBe(
      'Variable `REPOSITORY` is a list of 3 (REPOSITORY_COUNT), but REPOSITORY_1 is not set: every item from REPOSITORY_0 to REPOSITORY_2 must be. Give `REPOSITORY` as a YAML list or as one string.'
    )
  })
})

describe('parsePipeVariables: errors name the variables', () => {
  it('spells a bad boolean as its variable, never as a flag', () => {
    const text = failure({ ...BASE, FAIL_ON_UNKNOWN: 'maybe' })
    expect(text).toBe('Variable `FAIL_ON_UNKNOWN` must be `true` or `false` (got "maybe").')
    expect(text).not.toContain('--fail-on-unknown')
    expect(failure({ ...BASE, CODE_INSIGHTS: 'on' })).toContain('Variable `CODE_INSIGHTS` must be')
    expect(failure({ ...BASE, DEBUG: '1' })).toContain('Variable `DEBUG` must be')
  })

  it('spells a missing workspace and a missing token as variables', () => {
    const workspace = failure({ ...STEP, BITBUCKET_TOKEN: 'ATCTT-secret' })
    expect(workspace).toContain('Variable `WORKSPACE` is required, unless `REPOSITORY` is given')
    expect(workspace).toContain("`WORKSPACE: 'acme'`")
    expect(workspace).not.toContain('--workspace')
    const token = failure({ ...STEP, WORKSPACE: 'acme' })
    expect(token).toContain('Variable `BITBUCKET_TOKEN` is required')
    expect(token).toContain('`BITBUCKET_OAUTH_CLIENT_ID`')
    expect(token).not.toContain('--token')
  })

  it('spells a bad API URL and a half organization as variables', () => {
    expect(failure({ ...BASE, BITBUCKET_API_URL: 'http://bb.example/2.0' })).toContain('Variable `BITBUCKET_API_URL` uses plain http://')
    const org = failure({ ...BASE, ACCEPT_ATLASSIAN_2SV: 'true' })
    expect(org).toContain("`ACCEPT_ATLASSIAN_2SV: 'true'` needs the organization: set `ATLASSIAN_ORG_ID`")
    expect(org).toContain("set `ACCEPT_ATLASSIAN_2SV: 'false'`")
  })

  it('names EXEMPT for a bad exemption line and EXEMPT_FILE with the code for an unreadable file', () => {
    expect(failure({ ...BASE, EXEMPT: 'aaa\nnot an id!' })).toContain('`EXEMPT` line 2')
    const text = failure({ ...BASE, EXEMPT_FILE: 'missing.txt' })
    expect(text).toBe('Variable `EXEMPT_FILE` (missing.txt) could not be read (ENOENT). Give the path of a file in the clone with one exemption a line.')
    expect(text).not.toContain('--exempt-file')
  })

  it('refuses CODE_INSIGHTS_PROXY with Code Insights off, as the flags refuse the proxy alone', () => {
    const text = failure({ ...BASE, CODE_INSIGHTS: 'false', CODE_INSIGHTS_PROXY: 'http://proxy.local:8080' })
    expect(text).toBe(
      "Variable `CODE_INSIGHTS_PROXY` is set, but `CODE_INSIGHTS: 'false'` turns Code Insights off: leave the proxy out, or set `CODE_INSIGHTS: 'true'`."
    )
    expect(() => parseCommandLine(['--workspace', 'acme', '--code-insights-proxy', 'http://proxy.local:8080'], BASE, noFile)).toThrow(InputError)
  })

  it('spells a bad proxy as its variable', () => {
    expect(failure({ ...BASE, CODE_INSIGHTS_PROXY: 'https://proxy.local:8080' })).toContain(
      'Variable `CODE_INSIGHTS_PROXY` (https://proxy.local:8080) must be a plain http://host:port'
    )
  })
})

describe('parsePipeVariables: secrets', () => {
  const cases: [string, NodeJS.ProcessEnv, string][] = [
    ['an app password', { ...STEP, WORKSPACE: 'acme', BITBUCKET_TOKEN: 'ATBB-hidden-1' }, 'ATBB-hidden-1'],
    ['a token with a space', { ...STEP, WORKSPACE: 'acme', BITBUCKET_TOKEN: 'ATCTT hidden-2' }, 'hidden-2'],
    ['a token with OAuth', { ...STEP, WORKSPACE: 'acme', BITBUCKET_TOKEN: 'ATCTT-hidden-3', BITBUCKET_OAUTH_CLIENT_ID: 'key' }, 'hidden-3'],
    ['an OAuth secret alone', { ...STEP, WORKSPACE: 'acme', BITBUCKET_OAUTH_CLIENT_SECRET: 'hidden-4' }, 'hidden-4'],
    ['an OAuth secret with a space', { ...STEP, WORKSPACE: 'acme', BITBUCKET_OAUTH_CLIENT_ID: 'key', BITBUCKET_OAUTH_CLIENT_SECRET: 'hid den-5' }, 'den-5'],
    ['an API key without the org', { ...BASE, ATLASSIAN_API_KEY: 'hidden-6' }, 'hidden-6'],
    ['an API key with a space', { ...BASE, ATLASSIAN_ORG_ID: 'org', ATLASSIAN_API_KEY: 'hid den-7' }, 'den-7'],
    ['a bad variable beside them', { ...BASE, BITBUCKET_TOKEN: 'ATCTT-hidden-8', FAIL_ON_UNKNOWN: 'x' }, 'hidden-8']
  ]
  for (const [what, env, secret] of cases) {
    it(`never quotes ${what}`, () => {
      const text = failure(env)
      expect(text).not.toContain(secret)
    })
  }

  it('pipeSecrets gives the secret variables, as given and trimmed, and nothing else', () => {
    expect(
      pipeSecrets({
        BITBUCKET_TOKEN: ' tok ',
        BITBUCKET_OAUTH_CLIENT_SECRET: 'sec',
        ATLASSIAN_API_KEY: 'key',
        BITBUCKET_EMAIL: 'a@b.co',
        BITBUCKET_OAUTH_CLIENT_ID: 'id',
        WORKSPACE: 'acme'
      })
    ).toEqual([' tok ', 'tok', 'sec', 'key'])
    // A blank value is no secret: scrubbing it would blank every run of spaces in the log.
    expect(pipeSecrets({ BITBUCKET_TOKEN: '', ATLASSIAN_API_KEY: '   ' })).toEqual([])
    expect(pipeSecrets({})).toEqual([])
  })
})

describe('pipeReportFile and pipeJunitFile', () => {
  it('read their variables before anything is checked, with the JUnit default', () => {
    const broken = { REPORT_FILE: 'out/r.json', JUNIT_FILE: 'out/j.xml', FAIL_ON_UNKNOWN: 'bad' }
    expect(pipeReportFile(broken)).toBe('out/r.json')
    expect(pipeJunitFile(broken)).toBe('out/j.xml')
    expect(pipeReportFile({})).toBe('')
    expect(pipeJunitFile({})).toBe('test-results/bitbucket-2fa-gate.xml')
    expect(pipeJunitFile({ JUNIT_FILE: '' })).toBe('test-results/bitbucket-2fa-gate.xml')
  })
})

describe('the CLI does not read the pipe-only names', () => {
  it('ignores WORKSPACE and REPOSITORY', () => {
    expect(() => parseCommandLine([], { WORKSPACE: 'acme', BITBUCKET_TOKEN: 'ATCTT-secret' }, noFile)).toThrow(/workspace.* is required/)
    const request = parseCommandLine([], { BITBUCKET_WORKSPACE: 'home', REPOSITORY: 'acme/app', WORKSPACE: 'acme', BITBUCKET_TOKEN: 'ATCTT-secret' }, noFile)
    expect(request).toMatchObject({ kind: 'check', options: { workspaces: ['home'], repositories: [] } })
  })

  it('ignores REDACT and DEBUG', () => {
    const request = parseCommandLine(['--workspace', 'acme'], { REDACT: 'true', DEBUG: 'true', BITBUCKET_TOKEN: 'ATCTT-secret' }, noFile)
    expect(request).toMatchObject({ kind: 'check', redact: null, debug: false })
  })
})
