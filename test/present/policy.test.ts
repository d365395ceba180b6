import { describe, expect, it } from 'vitest'
import { parseExemptions } from '../../src/config/exemptions.js'
import type { Options } from '../../src/config/options.js'
import { normalisedExemptions, policyOf, toolUri } from '../../src/present/policy.js'

/** The options of a run in workspace scope, as a door parses them; only what the policy reads varies. */
function options(extra: Partial<Options> = {}): Options {
  return {
    workspaces: ['acme'],
    credentials: { kind: 'access-token', token: 'not-a-real-token' },
    apiUrl: new URL('https://api.bitbucket.org/2.0'),
    exemptions: [],
    failOnUnknown: true,
    ...extra
  }
}

const digestOf = (exempt: string): string => policyOf(options({ exemptions: parseExemptions(exempt) }), true).exemptionsSha256

const LINES = '557058:eve until 2027-01-31 # key on order\n{0000ABCD-0000-4000-8000-000000000001} # new laptop'
/** printf '%s\n%s' '["account_id","557058:eve","2027-01-31","key on order"]' '["uuid","{0000abcd-0000-4000-8000-000000000001}",null,"new laptop"]' | sha256sum */
const LINES_SHA256 = '5fc90dda3218c8f003212be5658c62d74a0c82ca34977d1f933755c96f23df7a'
/** printf '' | sha256sum */
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

describe('normalisedExemptions', () => {
  it('writes each line as a JSON array of kind, id, until and reason, sorted, joined by a line feed', () => {
    expect(normalisedExemptions(parseExemptions(LINES))).toBe(
      '["account_id","557058:eve","2027-01-31","key on order"]\n["uuid","{0000abcd-0000-4000-8000-000000000001}",null,"new laptop"]'
    )
  })

  it('drops a line given twice', () => {
    const [eve] = parseExemptions('557058:eve')
    if (eve === undefined) throw new Error('no exemption parsed')
    expect(normalisedExemptions([eve, { ...eve, line: 7 }])).toBe('["account_id","557058:eve",null,""]')
  })

  it('keeps a reason that looks like JSON or holds a quote apart from the other fields', () => {
    expect(normalisedExemptions(parseExemptions('557058:eve # "a",null\tb'))).toBe('["account_id","557058:eve",null,"\\"a\\",null\\tb"]')
  })
})

describe('policyOf', () => {
  it('digests the normalised lines: a literal sha256 for literal lines', () => {
    expect(digestOf(LINES)).toBe(LINES_SHA256)
    expect(digestOf('557058:eve')).toBe('9eaf81e5882dc0d199ab9a47c12376b2caa39fa457e7592ca28b44db484621bb')
  })

  it('gives the digest of the example in docs/json-report.md', () => {
    const example = '# reviewed monthly\n{0000ABCD-0000-4000-8000-000000000001} # new laptop\n557058:eve until 2027-01-31 # key on order\n'
    expect(digestOf(example)).toBe(LINES_SHA256)
  })

  it('digests the empty string when nobody is exempt, and comments alone change nothing', () => {
    expect(digestOf('')).toBe(EMPTY_SHA256)
    expect(digestOf('# nobody yet\n\n   \n')).toBe(EMPTY_SHA256)
  })

  it('is unchanged by line order, spacing, blank lines, comment lines, line endings and the case of a uuid', () => {
    const rewritten = [
      '# exemptions, reviewed monthly',
      '',
      '   {0000abcd-0000-4000-8000-000000000001}    #   new laptop   ',
      '\t557058:eve   until   2027-01-31#key on order',
      '# end'
    ].join('\r\n')
    expect(digestOf(rewritten)).toBe(LINES_SHA256)
  })

  it.each([
    ['a different until', '557058:eve until 2027-02-01 # key on order\n{0000ABCD-0000-4000-8000-000000000001} # new laptop'],
    ['no until', '557058:eve # key on order\n{0000ABCD-0000-4000-8000-000000000001} # new laptop'],
    ['a different reason', '557058:eve until 2027-01-31 # key on order!\n{0000ABCD-0000-4000-8000-000000000001} # new laptop'],
    ['no reason', '557058:eve until 2027-01-31\n{0000ABCD-0000-4000-8000-000000000001} # new laptop'],
    ['a different id', '557058:eva until 2027-01-31 # key on order\n{0000ABCD-0000-4000-8000-000000000001} # new laptop'],
    ['a different uuid', '557058:eve until 2027-01-31 # key on order\n{0000ABCD-0000-4000-8000-000000000002} # new laptop'],
    ['one line fewer', '557058:eve until 2027-01-31 # key on order'],
    ['one line more', `${LINES}\n557058:zed`]
  ])('changes with %s', (_change, exempt) => {
    const digest = digestOf(exempt)
    expect(digest).toMatch(/^[0-9a-f]{64}$/)
    expect(digest).not.toBe(LINES_SHA256)
  })

  it('states the settings, false where an optional one is not given', () => {
    expect(policyOf(options(), false)).toEqual({
      exemptionsSha256: EMPTY_SHA256,
      failOnUnknown: true,
      failOnViolation: false,
      acceptAtlassian2sv: false,
      allowAdminExemptions: false,
      scope: 'workspace:acme'
    })
  })

  it('states each setting as given', () => {
    const atlassian = { orgId: 'org-1', apiKey: 'not-a-real-key', apiUrl: new URL('https://api.atlassian.com'), accept: true }
    expect(policyOf(options({ failOnUnknown: false, atlassian, allowAdminExemptions: true }), true)).toMatchObject({
      failOnUnknown: false,
      failOnViolation: true,
      acceptAtlassian2sv: true,
      allowAdminExemptions: true
    })
    // An organization asked for information only accepts nothing.
    expect(policyOf(options({ atlassian: { ...atlassian, accept: false } }), true).acceptAtlassian2sv).toBe(false)
  })

  it('names the workspaces sorted, or the repositories in repository scope', () => {
    expect(policyOf(options({ workspaces: ['zeta', 'acme', 'beta'] }), true).scope).toBe('workspace:acme,workspace:beta,workspace:zeta')
    const repositories = [
      { workspace: 'acme', slug: 'web', fullName: 'acme/web' },
      { workspace: 'acme', slug: 'app', fullName: 'acme/app' },
      { workspace: 'acme', slug: 'app', fullName: 'acme/app' }
    ]
    expect(policyOf(options({ workspaces: ['acme'], repositories }), true).scope).toBe('repository:acme/app,repository:acme/web')
    expect(policyOf(options({ repositories: [] }), true).scope).toBe('workspace:acme')
  })

  it('sorts by code units, not by the locale: upper case before lower case, `-` before a letter', () => {
    const repositories = ['acme/web', 'acme/app', 'acme/App', 'acme/a-b', 'acme/ab'].map((fullName) => ({
      workspace: 'acme',
      slug: fullName.slice(5),
      fullName
    }))
    expect(policyOf(options({ repositories }), true).scope).toBe(
      'repository:acme/App,repository:acme/a-b,repository:acme/ab,repository:acme/app,repository:acme/web'
    )
  })
})

describe('toolUri', () => {
  it('is the package URL of the release, the version percent-encoded', () => {
    expect(toolUri('1.2.3')).toBe('pkg:npm/bitbucket-2fa-gate@1.2.3')
    expect(toolUri('1.2.3-rc.1+abc')).toBe('pkg:npm/bitbucket-2fa-gate@1.2.3-rc.1%2Babc')
  })
})
