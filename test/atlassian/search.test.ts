import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { combine, parseSearchPage, searchBody, searchUrl } from '../../src/atlassian/search.js'
import type { HttpResponse } from '../../src/http/transport.js'
import { GateError } from '../../src/errors.js'
import { thrown } from '../support/members.js'
import { candidateIds, exemptsAsAccountId } from '../support/ids.js'

const page = (body: unknown): HttpResponse => ({ status: 200, contentType: 'application/json', retryAfter: null, headers: {}, body: JSON.stringify(body) })
const read = (body: unknown) => parseSearchPage(page(body), 'page 1 of batch 1')

/** The exemption parser's verdict on an id: the one rule the listings must keep too. */

describe('the users search request', () => {
  it('goes to every directory of the organization, the id encoded', () => {
    expect(searchUrl(new URL('https://api.atlassian.com/'), 'org-1')).toBe('https://api.atlassian.com/admin/v2/orgs/org-1/directories/-/users/search')
    expect(searchUrl(new URL('http://127.0.0.1:9/base'), 'a/b')).toBe('http://127.0.0.1:9/base/admin/v2/orgs/a%2Fb/directories/-/users/search')
    expect(searchUrl(new URL('http://127.0.0.1:9/base//'), 'org-1')).toBe('http://127.0.0.1:9/base/admin/v2/orgs/org-1/directories/-/users/search')
  })

  it('asks for these ids, 100 a page, with the cursor when there is one', () => {
    expect(searchBody(['a', 'b'], null)).toEqual({ contentType: 'application/json', text: '{"accountIds":["a","b"],"limit":100}' })
    expect(JSON.parse(searchBody(['a'], 'c1').text)).toEqual({ accountIds: ['a'], limit: 100, cursor: 'c1' })
  })
})

describe('parseSearchPage', () => {
  it('says on only for mfaEnabled true on a managed (or unsaid) claim', () => {
    const result = read({
      data: [
        { accountId: 'a', mfaEnabled: true, claimStatus: 'managed' },
        { accountId: 'b', mfaEnabled: true },
        { accountId: 'c', mfaEnabled: true, claimStatus: 'unmanaged' },
        { accountId: 'd', mfaEnabled: false },
        { accountId: 'e' },
        { accountId: 'f', mfaEnabled: 'true' },
        { accountId: 'g', mfaEnabled: null }
      ],
      links: { next: 'cur2' }
    })
    expect(Object.fromEntries(result.users)).toEqual({ a: 'on', b: 'on', c: 'unknown', d: 'off', e: 'unknown', f: 'unknown', g: 'unknown' })
    expect(result.next).toBe('cur2')
  })

  it('ends at a null, absent or missing next', () => {
    expect(read({ data: [], links: { next: null } }).next).toBeNull()
    expect(read({ data: [], links: {} }).next).toBeNull()
    expect(read({ data: [] }).next).toBeNull()
    expect(read({ data: [], links: null }).next).toBeNull()
  })

  it('gives an account seen twice on only when both say so', () => {
    expect(
      read({
        data: [
          { accountId: 'a', mfaEnabled: true },
          { accountId: 'a', mfaEnabled: false }
        ]
      }).users.get('a')
    ).toBe('off')
    expect(
      read({
        data: [
          { accountId: 'a', mfaEnabled: false },
          { accountId: 'a', mfaEnabled: true }
        ]
      }).users.get('a')
    ).toBe('off')
    expect(
      read({
        data: [
          { accountId: 'a', mfaEnabled: true },
          { accountId: 'a', mfaEnabled: true }
        ]
      }).users.get('a')
    ).toBe('on')
    expect(combine('off', 'unknown')).toBe('unknown')
    expect(combine('unknown', 'on')).toBe('unknown')
  })

  it('keeps what an account seen twice says both times', () => {
    expect(combine('on', 'on')).toBe('on')
    expect(combine('off', 'off')).toBe('off')
    expect(combine('unknown', 'unknown')).toBe('unknown')
  })

  it.each([
    ['not JSON', { status: 200, contentType: 'text/html', retryAfter: null, headers: {}, body: '<html>' }, 'the body (text/html, 6 bytes) is not JSON'],
    ['an array', page([]), 'the body is not an object'],
    ['no data', page({ links: {} }), '`data` is not a list'],
    ['a user without id', page({ data: [{ mfaEnabled: true }] }), 'data[0] has no accountId'],
    ['an empty id', page({ data: [{ accountId: '' }] }), 'data[0] has no accountId'],
    ['links not an object', page({ data: [], links: 'x' }), '`links` is not an object'],
    ['a next that is no cursor', page({ data: [], links: { next: 5 } }), '`links.next` is not a cursor'],
    ['an empty next', page({ data: [], links: { next: '' } }), '`links.next` is not a cursor']
  ])('refuses %s, naming the shape, never the body', (_, response, problem) => {
    const error = thrown(() => parseSearchPage(response, 'page 2 of batch 1')) as Error
    expect(error.message).toBe(`The Atlassian organization API's answer to page 2 of batch 1 is not the users search it asked for: ${problem}.`)
  })

  it.each([
    ['a space', '557058:a b'],
    ['a <', '557058:<b>'],
    ['129 characters', 'a'.repeat(129)],
    ['a leading :', ':557058'],
    ['a braced uuid', '{aaaaaaaa-0000-4000-8000-000000000001}'],
    ['an end of comment and a mention', 'a-->@org/team'],
    ['a new line at the end', '557058:ab\n'],
    ['a #', '557058:a#b'],
    ['the rest of an exempt line', '557058:ab until 2099-01-01']
  ])('refuses a user whose accountId has %s, naming the field and the rule, never the value', (_, accountId) => {
    const error = thrown(() =>
      read({
        data: [
          { accountId: 'a', mfaEnabled: true },
          { accountId, mfaEnabled: true }
        ]
      })
    )
    expect(error).toBeInstanceOf(GateError)
    const message = (error as GateError).message
    expect(message).toBe(
      "The Atlassian organization API's answer to page 1 of batch 1 is not the users search it asked for: " +
        'data[1].accountId is not an Atlassian account id (a letter or digit, then up to 127 letters, digits, `:`, `_` or `-`).'
    )
    expect(message).not.toContain(accountId.trim())
  })

  it('takes the account ids that keep the rule', () => {
    const ids = ['557058:3f2a-_b:C9', '5b10ac8d82e05b22cc7d4ef5', 'a'.repeat(128), '7']
    expect([...read({ data: ids.map((accountId) => ({ accountId, mfaEnabled: true })) }).users.keys()]).toEqual(ids)
  })

  it("keeps the exemption parser's account_id rule, no looser and no stricter", () => {
    fc.assert(
      fc.property(candidateIds, (id) => {
        const taken = (() => {
          try {
            return read({ data: [{ accountId: id, mfaEnabled: true }] }).users.has(id)
          } catch {
            return false
          }
        })()
        expect(taken).toBe(exemptsAsAccountId(id))
      }),
      { numRuns: 200 }
    )
  })
})
