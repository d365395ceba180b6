import { describe, expect, it } from 'vitest'
import { flagValueOf, parseCommandLine, secretsOnLine } from '../../src/cli/args.js'
import { InputError } from '../../src/errors.js'

const noFile = (): string => {
  throw Object.assign(new Error('no'), { code: 'ENOENT' })
}

describe('parseCommandLine', () => {
  it('builds the same options the action does, with the defaults', () => {
    const request = parseCommandLine(['--workspace', 'acme'], { BITBUCKET_EMAIL: 'a@b.co', BITBUCKET_TOKEN: 'ATATT-x' }, noFile)
    expect(request).toMatchObject({
      kind: 'check',
      options: {
        workspaces: ['acme'],
        credentials: { kind: 'api-token', email: 'a@b.co', token: 'ATATT-x' },
        exemptions: [],
        failOnUnknown: true
      },
      failOnViolation: true,
      reportFile: '',
      json: false,
      // Neither --redact nor --no-redact: the door decides (a terminal shows, Pipelines withholds unless private).
      redact: null,
      junitFile: '',
      attestationPredicateFile: '',
      codeInsights: null,
      debug: false
    })
    if (request.kind === 'check') expect(request.options).not.toHaveProperty('redact')
    if (request.kind === 'check') expect(request.options.apiUrl.href).toBe('https://api.bitbucket.org/2.0')
  })

  it('takes every flag, and flags over the environment', () => {
    const request = parseCommandLine(
      [
        '--workspace=acme',
        '--workspace',
        'beta,gamma',
        '--email',
        'x@y.z',
        '--token',
        'ATATT-flag',
        '--api-url',
        'https://bb.example/2.0',
        '--exempt',
        'abc',
        '--no-fail-on-unknown',
        '--no-fail-on-violation',
        '--redact',
        '--report-file',
        'r.json',
        '--json'
      ],
      { BITBUCKET_EMAIL: 'a@b.co', BITBUCKET_TOKEN: 'ATATT-env', BITBUCKET_WORKSPACE: 'env', BITBUCKET_API_URL: 'https://env.example/2.0' },
      noFile
    )
    expect(request).toMatchObject({
      options: {
        workspaces: ['acme', 'beta', 'gamma'],
        credentials: { email: 'x@y.z', token: 'ATATT-flag' },
        exemptions: [{ id: 'abc' }],
        failOnUnknown: false
      },
      failOnViolation: false,
      reportFile: 'r.json',
      json: true,
      redact: true
    })
    if (request.kind === 'check') expect(request.options.apiUrl.href).toBe('https://bb.example/2.0')
  })

  it('reads the workspace and api-url from the environment', () => {
    const request = parseCommandLine([], { BITBUCKET_WORKSPACE: 'acme', BITBUCKET_TOKEN: 'ATCTT-x', BITBUCKET_API_URL: 'https://env.example/2.0' }, noFile)
    expect(request).toMatchObject({ options: { workspaces: ['acme'], credentials: { kind: 'access-token' } } })
  })

  it('answers --help and --version before checking anything else', () => {
    expect(parseCommandLine(['--help'], {}, noFile)).toEqual({ kind: 'help' })
    expect(parseCommandLine(['-V'], {}, noFile)).toEqual({ kind: 'version' })
  })

  it('lets --fail-on-violation stand, and refuses it with its negation', () => {
    expect(parseCommandLine(['--workspace', 'a', '--token', 'ATCTT-x', '--fail-on-violation'], {}, noFile)).toMatchObject({ failOnViolation: true })
    expect(() => parseCommandLine(['--workspace', 'a', '--token', 'ATCTT-x', '--fail-on-violation', '--no-fail-on-violation'], {}, noFile)).toThrow(
      '--fail-on-violation and --no-fail-on-violation were both given; keep one.'
    )
  })
})

describe('flagValueOf', () => {
  it('finds --report-file in either form, or nothing', () => {
    expect(flagValueOf(['--x', '--report-file', 'a.json'], '--report-file')).toBe('a.json')
    expect(flagValueOf(['--report-file=b.json'], '--report-file')).toBe('b.json')
    expect(flagValueOf(['--json'], '--report-file')).toBe('')
  })
})

describe('a line that does not parse', () => {
  it('never echoes an argument that follows no flag: it may be a token that lost its --token', () => {
    const token = 'ATATT3xFfGF0-forgotten-flag-token'
    const error: unknown = (() => {
      try {
        parseCommandLine(['--email', 'me@example.com', '--redact', token], {}, () => '')
      } catch (e) {
        return e
      }
      return null
    })()
    expect(error).toBeInstanceOf(InputError)
    expect((error as Error).message).toBe(
      'An argument (argument 4) follows no flag; it is not shown, in case it is a secret that lost its flag. ' +
        'Every value follows its flag (--token <value>, --workspace <slug>). Run with --help for the options.'
    )
    expect((error as Error).message).not.toContain('ATATT')
  })
})

describe('secretsOnLine', () => {
  it('finds the secrets of the line and the environment before anything parses', () => {
    expect(
      secretsOnLine(['--token', 'tok-1', '--atlassian-api-key=key-2', '--workspace', 'acme'], {
        BITBUCKET_TOKEN: 'env-3',
        BITBUCKET_OAUTH_CLIENT_SECRET: 'env-4',
        ATLASSIAN_API_KEY: 'env-5',
        BITBUCKET_EMAIL: 'not-a-secret'
      }).sort()
    ).toEqual(['env-3', 'env-4', 'env-5', 'key-2', 'tok-1'])
    expect(secretsOnLine(['--token'], {})).toEqual([])
  })
})
