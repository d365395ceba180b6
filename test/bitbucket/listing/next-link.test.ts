import { describe, expect, it } from 'vitest'
import { checkNextLink } from '../../../src/bitbucket/listing/next-link.js'

const FIRST = new URL('https://api.bitbucket.org/2.0/workspaces/acme/members?pagelen=100&fields=%2Bvalues.user.has_2fa_enabled,-values.links')
const WORKSPACE = 3
const check = (next: string, nextPage = 2) => checkNextLink(next, FIRST.href, FIRST, WORKSPACE, nextPage)
const problem = (next: string, nextPage = 2) => {
  const result = check(next, nextPage)
  return result.ok ? null : result.problem
}

describe('checkNextLink', () => {
  it('follows the next page of the same listing', () => {
    expect(check(`${FIRST.href}&page=2`)).toEqual({ ok: true, url: `${FIRST.href}&page=2` })
    expect(check(`${FIRST.href}&page=12`, 12)).toEqual({ ok: true, url: `${FIRST.href}&page=12` })
  })

  it.each([
    ['`,` percent-encoded', 'https://api.bitbucket.org/2.0/workspaces/acme/members?page=2&pagelen=100&fields=%2Bvalues.user.has_2fa_enabled%2C-values.links'],
    [
      'parameters in another order',
      'https://api.bitbucket.org/2.0/workspaces/acme/members?fields=%2Bvalues.user.has_2fa_enabled,-values.links&page=2&pagelen=100'
    ],
    [
      'the workspace in capitals',
      'https://api.bitbucket.org/2.0/workspaces/ACME/members?pagelen=100&fields=%2Bvalues.user.has_2fa_enabled,-values.links&page=2'
    ],
    [
      'the workspace percent-encoded',
      'https://api.bitbucket.org/2.0/workspaces/%61cme/members?pagelen=100&fields=%2Bvalues.user.has_2fa_enabled,-values.links&page=2'
    ],
    ['a relative link', '/2.0/workspaces/acme/members?pagelen=100&fields=%2Bvalues.user.has_2fa_enabled,-values.links&page=2'],
    [
      'the default port written out',
      'https://api.bitbucket.org:443/2.0/workspaces/acme/members?pagelen=100&fields=%2Bvalues.user.has_2fa_enabled,-values.links&page=2'
    ]
  ])('accepts %s', (_, next) => {
    expect(problem(next)).toBeNull()
  })

  it.each([
    [
      'another workspace on the same host',
      'https://api.bitbucket.org/2.0/workspaces/other/members?pagelen=100&fields=%2Bvalues.user.has_2fa_enabled,-values.links&page=2',
      'it leaves the path of this listing'
    ],
    [
      'another path',
      'https://api.bitbucket.org/2.0/workspaces/acme/permissions?pagelen=100&fields=%2Bvalues.user.has_2fa_enabled,-values.links&page=2',
      'it leaves the path of this listing'
    ],
    [
      'a trailing slash',
      'https://api.bitbucket.org/2.0/workspaces/acme/members/?pagelen=100&fields=%2Bvalues.user.has_2fa_enabled,-values.links&page=2',
      'it leaves the path of this listing'
    ],
    [
      'an encoded slash in the workspace',
      'https://api.bitbucket.org/2.0/workspaces/acme%2F..%2Fother/members?pagelen=100&fields=%2Bvalues.user.has_2fa_enabled,-values.links&page=2',
      'it leaves the path of this listing'
    ],
    [
      'another host',
      'https://evil.example/2.0/workspaces/acme/members?pagelen=100&fields=%2Bvalues.user.has_2fa_enabled,-values.links&page=2',
      'it points to another origin than https://api.bitbucket.org, where the credentials go'
    ],
    [
      'another port',
      'https://api.bitbucket.org:8443/2.0/workspaces/acme/members?pagelen=100&fields=%2Bvalues.user.has_2fa_enabled,-values.links&page=2',
      'it points to another origin'
    ],
    [
      'plain http',
      'http://api.bitbucket.org/2.0/workspaces/acme/members?pagelen=100&fields=%2Bvalues.user.has_2fa_enabled,-values.links&page=2',
      'it points to another origin'
    ],
    [
      'a user of its own',
      'https://u@api.bitbucket.org/2.0/workspaces/acme/members?pagelen=100&fields=%2Bvalues.user.has_2fa_enabled,-values.links&page=2',
      'it carries credentials of its own'
    ],
    [
      'a password of its own',
      'https://:p@api.bitbucket.org/2.0/workspaces/acme/members?pagelen=100&fields=%2Bvalues.user.has_2fa_enabled,-values.links&page=2',
      'it carries credentials of its own'
    ],
    [
      'a page with a leading zero',
      'https://api.bitbucket.org/2.0/workspaces/acme/members?pagelen=100&fields=%2Bvalues.user.has_2fa_enabled,-values.links&page=02',
      'it has no single page number'
    ],
    [
      'page 0',
      'https://api.bitbucket.org/2.0/workspaces/acme/members?pagelen=100&fields=%2Bvalues.user.has_2fa_enabled,-values.links&page=0',
      'it has no single page number'
    ],
    [
      'an empty page',
      'https://api.bitbucket.org/2.0/workspaces/acme/members?pagelen=100&fields=%2Bvalues.user.has_2fa_enabled,-values.links&page=',
      'it has no single page number'
    ],
    [
      'a bad percent-escape in the path',
      'https://api.bitbucket.org/2.0/workspaces/%E0%A4%A/members?pagelen=100&fields=%2Bvalues.user.has_2fa_enabled,-values.links&page=2',
      'it leaves the path of this listing'
    ],
    [
      'another API version',
      'https://api.bitbucket.org/3.0/workspaces/acme/members?pagelen=100&fields=%2Bvalues.user.has_2fa_enabled,-values.links&page=2',
      'it leaves the path of this listing'
    ],
    ['a parameter dropped and another added', 'https://api.bitbucket.org/2.0/workspaces/acme/members?pagelen=100&x=1&page=2', 'it changes the query'],
    [
      'the same parameter twice',
      'https://api.bitbucket.org/2.0/workspaces/acme/members?pagelen=100&pagelen=100&fields=%2Bvalues.user.has_2fa_enabled,-values.links&page=2',
      'it changes the query'
    ],
    [
      'credentials of its own',
      'https://u:p@api.bitbucket.org/2.0/workspaces/acme/members?pagelen=100&fields=%2Bvalues.user.has_2fa_enabled,-values.links&page=2',
      'it carries credentials of its own'
    ],
    [
      'a literal + (a space to Bitbucket: the flag becomes a whitelist)',
      'https://api.bitbucket.org/2.0/workspaces/acme/members?pagelen=100&fields=+values.user.has_2fa_enabled,-values.links&page=2',
      'it changes the query'
    ],
    ['fields dropped', 'https://api.bitbucket.org/2.0/workspaces/acme/members?pagelen=100&page=2', 'it changes the query'],
    [
      'another pagelen',
      'https://api.bitbucket.org/2.0/workspaces/acme/members?pagelen=10&fields=%2Bvalues.user.has_2fa_enabled,-values.links&page=2',
      'it changes the query'
    ],
    [
      'an extra parameter',
      'https://api.bitbucket.org/2.0/workspaces/acme/members?pagelen=100&fields=%2Bvalues.user.has_2fa_enabled,-values.links&page=2&q=x',
      'it changes the query'
    ],
    [
      'a skipped page',
      'https://api.bitbucket.org/2.0/workspaces/acme/members?pagelen=100&fields=%2Bvalues.user.has_2fa_enabled,-values.links&page=3',
      'it leads to page 3, not to page 2'
    ],
    [
      'no page',
      'https://api.bitbucket.org/2.0/workspaces/acme/members?pagelen=100&fields=%2Bvalues.user.has_2fa_enabled,-values.links',
      'it has no single page number'
    ],
    [
      'two pages',
      'https://api.bitbucket.org/2.0/workspaces/acme/members?pagelen=100&fields=%2Bvalues.user.has_2fa_enabled,-values.links&page=2&page=2',
      'it has no single page number'
    ],
    [
      'a fragment',
      'https://api.bitbucket.org/2.0/workspaces/acme/members?pagelen=100&fields=%2Bvalues.user.has_2fa_enabled,-values.links&page=2#x',
      'it has a #fragment'
    ],
    [
      'pagelen dropped (the last parameter in order)',
      'https://api.bitbucket.org/2.0/workspaces/acme/members?fields=%2Bvalues.user.has_2fa_enabled,-values.links&page=2',
      'it changes the query'
    ],
    [
      'a shorter path that ends at the workspace',
      'https://api.bitbucket.org/2.0/workspaces/acme?pagelen=100&fields=%2Bvalues.user.has_2fa_enabled,-values.links&page=2',
      'it leaves the path of this listing'
    ],
    [
      'a page number with more after it',
      'https://api.bitbucket.org/2.0/workspaces/acme/members?pagelen=100&fields=%2Bvalues.user.has_2fa_enabled,-values.links&page=2x',
      'it has no single page number'
    ],
    [
      'two different pages',
      'https://api.bitbucket.org/2.0/workspaces/acme/members?pagelen=100&fields=%2Bvalues.user.has_2fa_enabled,-values.links&page=2&page=3',
      'it has no single page number'
    ],
    ['not a URL', 'http://[bad', 'it is not a URL']
  ])('refuses %s', (_, next, reason) => {
    expect(problem(next)).toContain(reason)
  })

  it('refuses every link when the listing path itself does not decode', () => {
    const first = new URL('https://api.bitbucket.org/%E0%A4%A/2.0/workspaces/acme/members?pagelen=100')
    const next = 'https://api.bitbucket.org/2.0/workspaces/acme/members?pagelen=100&page=2'
    expect(checkNextLink(next, first.href, first, WORKSPACE + 1, 2)).toEqual({
      ok: false,
      problem: 'it leaves the path of this listing',
      shown: next
    })
  })

  it('shows the refused link without its credentials', () => {
    const result = check('https://user:s3cret@evil.example/2.0/workspaces/acme/members?page=2')
    expect(result).toEqual({
      ok: false,
      problem: expect.stringContaining('another origin') as unknown,
      shown: 'https://evil.example/2.0/workspaces/acme/members?page=2'
    })
  })
})
