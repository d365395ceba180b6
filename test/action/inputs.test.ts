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

  it('refuses a missing workspace before anything else happens', () => {
    expect(() => readActionSettings(inputs({ token: 'x' }), () => undefined)).toThrow(/Input `workspace` is required/)
  })
})
