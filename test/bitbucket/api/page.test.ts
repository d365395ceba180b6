import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseMembersPage } from '../../../src/bitbucket/api/page.js'
import type { HttpResponse } from '../../../src/http/transport.js'
import { ListingError } from '../../../src/errors.js'
import { thrown } from '../../support/members.js'
import { candidateIds, exemptsAsAccountId } from '../../support/ids.js'

const UUID = '{aaaaaaaa-0000-4000-8000-000000000001}'
const answer = (body: unknown, contentType = 'application/json'): HttpResponse => ({
  status: 200,
  contentType,
  retryAfter: null,
  headers: {},
  body: typeof body === 'string' ? body : JSON.stringify(body)
})
const parse = (body: unknown, contentType?: string, scrub = (text: string) => text.replace('SECRET', '***')) =>
  parseMembersPage(answer(body, contentType), 'page 1 of workspace "acme"', scrub)
const user = (fields: Record<string, unknown>) => ({ values: [{ user: { uuid: UUID, type: 'user', has_2fa_enabled: false, ...fields } }] })

/** The exemption parser's verdict on an id: the one rule the listings must keep too. */

describe('parseMembersPage', () => {
  it.each([
    ['an array body', [], 'the body is not a JSON object'],
    ['null', null, 'the body is not a JSON object'],
    ['a string size', { values: [], size: '3' }, 'its `size` is not a count'],
    ['a negative size', { values: [], size: -1 }, 'its `size` is not a count'],
    ['a fractional size', { values: [], size: 1.5 }, 'its `size` is not a count'],
    ['a string page', { values: [], page: '1' }, 'its `page` is not a number'],
    ['a zero pagelen', { values: [], pagelen: 0 }, 'its `pagelen` is not a positive number'],
    ['a string pagelen', { values: [], pagelen: '100' }, 'its `pagelen` is not a positive number'],
    ['a numeric next', { values: [], next: 2 }, 'its `next` is not a URL'],
    ['a member that is a number', { values: [5] }, 'values[0] is not an object'],
    ['a member that is an array', { values: [[]] }, 'values[0] is not an object'],
    ['a member without user', { values: [{}] }, 'values[0] has no `user` object'],
    ['a user that is an array', { values: [{ user: [] }] }, 'values[0] has no `user` object'],
    ['an empty uuid', user({ uuid: '' }), 'values[0].user has no uuid'],
    ['a numeric uuid', user({ uuid: 7 }), 'values[0].user has no uuid'],
    ['a numeric type', user({ type: 5 }), 'values[0].user.type is not a string'],
    ['a numeric account_id', user({ account_id: 5 }), 'values[0].user.account_id is not a string']
  ])('refuses %s', (_, body, problem) => {
    expect(() => parse(body)).toThrow(`Bitbucket answered 200 on page 1 of workspace "acme", but ${problem}.`)
  })

  it('describes a body that is not JSON by type and size only', () => {
    expect(() => parse('<p>Secret Person</p>', 'text/html\u00e9')).toThrow('but the body is not valid JSON (text/html, 20 bytes).')
    expect(() => parse('', '')).toThrow('but the body is not valid JSON (no content-type, 0 bytes).')
  })

  it('reads the paging fields and treats null or empty as absent', () => {
    expect(parse({ values: [], next: '', size: null, page: null, pagelen: null })).toEqual({ values: [], next: null, size: null, page: null, pagelen: null })
    expect(parse({ values: [], next: 'https://x/?page=2', size: 0, page: 1, pagelen: 100 })).toMatchObject({
      next: 'https://x/?page=2',
      size: 0,
      page: 1,
      pagelen: 100
    })
  })

  it('keeps names only for those it may report, scrubbed, and the identity as Bitbucket gives it', () => {
    const page = parse({
      values: [
        { user: { uuid: UUID.toUpperCase(), account_id: '557058:a', display_name: 'On SECRET', nickname: 'on', has_2fa_enabled: true } },
        { user: { uuid: UUID.replace('1}', '2}'), account_id: '', display_name: 'Off SECRET', nickname: 'off SECRET', has_2fa_enabled: false } },
        { user: { uuid: UUID.replace('1}', '3}'), type: 'app_user', display_name: 'Bot', has_2fa_enabled: true } },
        { user: { uuid: UUID.replace('1}', '4}'), display_name: 7, nickname: null, has_2fa_enabled: null } }
      ]
    })
    expect(page.values).toEqual([
      { uuid: UUID, accountId: '557058:a', displayName: '', nickname: '', isAppUser: false, twoFactor: 'enabled' },
      { uuid: UUID.replace('1}', '2}'), accountId: null, displayName: 'Off ***', nickname: 'off ***', isAppUser: false, twoFactor: 'disabled' },
      { uuid: UUID.replace('1}', '3}'), accountId: null, displayName: 'Bot', nickname: '', isAppUser: true, twoFactor: 'enabled' },
      { uuid: UUID.replace('1}', '4}'), accountId: null, displayName: '', nickname: '', isAppUser: false, twoFactor: 'unknown' }
    ])
  })

  const BRACED = 'is not a braced uuid ({8-4-4-4-12 hex})'
  const ACCOUNT = 'is not an Atlassian account id (a letter or digit, then up to 127 letters, digits, `:`, `_` or `-`)'
  const second = (fields: Record<string, unknown>) => ({
    values: [{ user: { uuid: '{bbbbbbbb-0000-4000-8000-000000000009}', has_2fa_enabled: true } }, { user: { uuid: UUID, has_2fa_enabled: false, ...fields } }]
  })
  const refusal = (body: unknown, scrub?: (text: string) => string): string => {
    const error = thrown(() => parse(body, undefined, scrub))
    expect(error).toBeInstanceOf(ListingError)
    return (error as ListingError).message
  }

  it.each([
    ['one that ends a comment', '{x-->}'],
    ['a uuid followed by a mention', `${UUID} @org/team`],
    ['an unbraced uuid', UUID.slice(1, -1)],
    ['a uuid with a letter past f', UUID.replace('1}', 'g}')],
    ['a uuid one digit short', UUID.replace('01}', '1}')],
    ['a uuid with spaces round it', ` ${UUID} `],
    ['a uuid and a new line', `${UUID}\n`],
    ['blanks', '  '],
    ['a nickname', 'Secret Person']
  ])('refuses a listing whose uuid is %s, naming the field and the rule, never the value', (_, uuid) => {
    const message = refusal(second({ uuid }))
    expect(message).toBe(
      `Bitbucket answered 200 on page 1 of workspace "acme", but values[1].user.uuid ${BRACED}. ` +
        'The gate cannot vouch for a listing it could not read: run the gate again; if this persists, check `api-url` and any proxy in between.'
    )
    expect(message).not.toContain(uuid)
    expect(message).not.toContain(uuid.trim() || uuid)
  })

  it.each([
    ['a space', '557058:a b'],
    ['a <', '557058:<b>'],
    ['129 characters', 'a'.repeat(129)],
    ['a leading :', ':557058'],
    ['a leading -', '-557058'],
    ['a braced uuid', UUID],
    ['an @ mention', '@org/team'],
    ['a new line at the end', '557058:ab\n'],
    ['a #', '557058:a#b'],
    ['the rest of an exempt line', '557058:ab until 2099-01-01'],
    ['a character no eye sees', '557058:a\u200bb']
  ])('refuses a listing whose account_id has %s, naming the field and the rule, never the value', (_, accountId) => {
    const message = refusal(second({ account_id: accountId }))
    expect(message).toContain(`, but values[1].user.account_id ${ACCOUNT}. `)
    expect(message).not.toContain(accountId.trim())
  })

  it('takes every id that keeps the rules, the uuid in lower case, an empty account_id as none', () => {
    const page = parse({
      values: [
        { user: { uuid: '{0123ABCD-89ef-4000-8000-abcdefABCDEF}', account_id: 'a'.repeat(128), has_2fa_enabled: false } },
        { user: { uuid: UUID, account_id: '557058:3f2a-_b:C9', has_2fa_enabled: false } },
        { user: { uuid: UUID.replace('1}', '2}'), account_id: '5b10ac8d82e05b22cc7d4ef5', has_2fa_enabled: false } },
        { user: { uuid: UUID.replace('1}', '3}'), account_id: '', has_2fa_enabled: false } },
        { user: { uuid: UUID.replace('1}', '4}'), account_id: null, has_2fa_enabled: false } }
      ]
    })
    expect(page.values.map((m) => [m.uuid, m.accountId])).toEqual([
      ['{0123abcd-89ef-4000-8000-abcdefabcdef}', 'a'.repeat(128)],
      [UUID, '557058:3f2a-_b:C9'],
      [UUID.replace('1}', '2}'), '5b10ac8d82e05b22cc7d4ef5'],
      [UUID.replace('1}', '3}'), null],
      [UUID.replace('1}', '4}'), null]
    ])
  })

  it('refuses an id that holds a secret the gate was given, rather than trust a scrubbed one', () => {
    expect(refusal(second({ account_id: '557058:SECRET' }))).toContain(', but values[1].user.account_id holds a secret the gate was given. ')
    const message = refusal(second({}), (text) => text.replaceAll('aaaaaaaa', '***'))
    expect(message).toContain(', but values[1].user.uuid holds a secret the gate was given. ')
    expect(message).not.toContain('aaaaaaaa')
  })

  it("keeps the exemption parser's account_id rule, no looser and no stricter", () => {
    fc.assert(
      fc.property(candidateIds, (id) => {
        const taken = (() => {
          try {
            return parse(second({ account_id: id })).values[1]?.accountId === id
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
