import { describe, expect, it } from 'vitest'
import { readActionSettings } from '../../src/action/inputs.js'

const inputs = (values: Record<string, string>) => (name: string) => values[name] ?? ''

describe('readActionSettings', () => {
  it('reads every input with its defaults', () => {
    const masked: string[] = []
    const parsed = readActionSettings(inputs({ workspace: 'acme', email: 'a@b.co', token: ' ATATT-x ' }), (secret) => masked.push(secret))
    expect(parsed).toMatchObject({
      options: {
        workspaces: ['acme'],
        credentials: { kind: 'api-token', email: 'a@b.co', token: 'ATATT-x' },
        exemptions: [],
        failOnUnknown: true
      },
      failOnViolation: true,
      summary: true,
      redact: 'auto',
      reportFile: ''
    })
    expect(parsed.options.apiUrl.href).toBe('https://api.bitbucket.org/2.0')
    expect(masked).toEqual([' ATATT-x ', 'ATATT-x'])
  })

  it('masks the token before any other input can fail', () => {
    const masked: string[] = []
    expect(() =>
      readActionSettings(inputs({ workspace: 'acme', email: 'a@b.co', token: 'ATATT-secret', 'api-url': 'ftp://x' }), (s) => masked.push(s))
    ).toThrow(/Input `api-url`/)
    expect(masked).toContain('ATATT-secret')
  })

  it('masks no blank secret: masking spaces would hide every space in the log', () => {
    const masked: string[] = []
    readActionSettings(
      inputs({ workspace: 'acme', token: '   ', 'oauth-client-id': 'key', 'oauth-client-secret': ' oauth-secret ', 'atlassian-api-key': ' \t ' }),
      (s) => masked.push(s)
    )
    expect(masked).toEqual([' oauth-secret ', 'oauth-secret'])
  })

  it('takes the report file without the spaces around it', () => {
    expect(
      readActionSettings(inputs({ workspace: 'acme', email: 'a@b.co', token: 'x', 'report-file': ' out/report.json \n' }), () => undefined).reportFile
    ).toBe('out/report.json')
  })

  it('refuses a missing workspace before anything else happens', () => {
    expect(() => readActionSettings(inputs({ token: 'x' }), () => undefined)).toThrow(/Input `workspace` is required/)
  })
})

describe('the tracking inputs', () => {
  const base = { workspace: 'acme', email: 'a@b.co', token: 'ATATT-x' }

  it('are off by default, and then read nothing more', () => {
    expect(readActionSettings(inputs({ ...base, 'github-token': 'ghs_x', 'tracking-label': 'a,b' }), () => undefined).tracking).toBeNull()
    expect(readActionSettings(inputs({ ...base, 'tracking-issue': 'false' }), () => undefined).tracking).toBeNull()
  })

  it('read the token (masked) and the label, default 2fa-compliance', () => {
    const masked: string[] = []
    const on = readActionSettings(inputs({ ...base, 'tracking-issue': 'true', 'github-token': ' ghs_abc123 ' }), (s) => masked.push(s))
    expect(on.tracking).toEqual({ token: 'ghs_abc123', label: '2fa-compliance' })
    expect(masked).toContain('ghs_abc123')
    const labelled = readActionSettings(
      inputs({ ...base, 'tracking-issue': 'true', 'github-token': 'ghs_abc123', 'tracking-label': ' security ' }),
      () => undefined
    )
    expect(labelled.tracking?.label).toBe('security')
  })

  it.each([
    [{ 'github-token': '' }, /Input `github-token` is empty, and `tracking-issue: true` needs it/],
    [{ 'github-token': 'ghs_x', 'tracking-label': 'a,b' }, /Input `tracking-label` must be one label of at most 50 characters without commas \(got "a,b"\)/],
    [{ 'github-token': 'ghs_x', 'tracking-label': 'x'.repeat(51) }, /Input `tracking-label` must be one label/],
    [{ 'github-token': 'ghs_x', 'tracking-label': 'a\u0007b' }, /Input `tracking-label` must be one label/],
    [{ 'tracking-issue': 'yes', 'github-token': 'ghs_x' }, /Input `tracking-issue` must be `true` or `false`/]
  ])('refuse %j', (given, message) => {
    expect(() => readActionSettings(inputs({ ...base, 'tracking-issue': 'true', ...given }), () => undefined)).toThrow(message)
  })

  it('quote at most 60 characters of a label too long', () => {
    const label = `${'a'.repeat(60)}${'b'.repeat(20)}`
    expect(() => readActionSettings(inputs({ ...base, 'tracking-issue': 'true', 'github-token': 'g', 'tracking-label': label }), () => undefined)).toThrow(
      `(got "${'a'.repeat(60)}").`
    )
  })

  it('take a label of exactly 50 characters', () => {
    expect(
      readActionSettings(inputs({ ...base, 'tracking-issue': 'true', 'github-token': 'g', 'tracking-label': 'x'.repeat(50) }), () => undefined).tracking?.label
    ).toHaveLength(50)
  })

  it('mask the OAuth secret the moment it is read', () => {
    const masked: string[] = []
    readActionSettings(inputs({ workspace: 'acme', 'oauth-client-id': 'key', 'oauth-client-secret': ' oauth-secret ' }), (s) => masked.push(s))
    expect(masked).toEqual([' oauth-secret ', 'oauth-secret'])
  })
})
