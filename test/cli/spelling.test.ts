import { describe, expect, it } from 'vitest'
import { respell } from '../../src/cli/spelling.js'

describe('respell', () => {
  it.each([
    ['Input `token` is required', '`--token` (or `BITBUCKET_TOKEN`) is required'],
    ['Input `workspace`: "a b" is not', '`--workspace` (or `BITBUCKET_WORKSPACE`): "a b" is not'],
    ['Input `fail-on-unknown` must be', '`--fail-on-unknown` must be'],
    ['pass it with `email` (HTTP Basic)', 'pass it with `--email` (HTTP Basic)'],
    ['Check `api-url` and the proxy', 'Check `--api-url` and the proxy'],
    ['`fail-on-unknown: false` lets them pass', '`--no-fail-on-unknown` lets them pass'],
    ['Exemption on `exempt` line 3 names', 'Exemption on `--exempt`/`--exempt-file` line 3 names'],
    ['scope `read:workspace:bitbucket`', 'scope `read:workspace:bitbucket`'],
    ['`compliant` is `false`', '`compliant` is `false`']
  ])('%j → %j', (text, expected) => {
    expect(respell(text)).toBe(expected)
  })
})
