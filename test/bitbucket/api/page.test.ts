import { describe, expect, it } from 'vitest'
import { parseMembersPage } from '../../../src/bitbucket/api/page.js'
import type { HttpResponse } from '../../../src/http/transport.js'

const UUID = '{aaaaaaaa-0000-4000-8000-000000000001}'
const answer = (body: unknown, contentType = 'application/json'): HttpResponse => ({
  status: 200,
  contentType,
  retryAfter: null,
  body: typeof body === 'string' ? body : JSON.stringify(body)
})
const parse = (body: unknown, contentType?: string) =>
  parseMembersPage(answer(body, contentType), 'page 1 of workspace "acme"', (text) => text.replace('SECRET', '***'))
const user = (fields: Record<string, unknown>) => ({ values: [{ user: { uuid: UUID, type: 'user', has_2fa_enabled: false, ...fields } }] })

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
    ['a blank uuid', user({ uuid: '  ' }), 'values[0].user has no uuid'],
    ['a numeric uuid', user({ uuid: 7 }), 'values[0].user has no uuid'],
    ['a numeric type', user({ type: 5 }), 'values[0].user.type is not a string'],
    ['a numeric account_id', user({ account_id: 5 }), 'values[0].user.account_id is not a string']
  ])('refuses %s', (_, body, problem) => {
    expect(() => parse(body)).toThrow(`Bitbucket answered 200 on page 1 of workspace "acme", but ${problem}.`)
  })

  it('describes a body that is not JSON by type and size only', () => {
    expect(() => parse('<p>Secret Person</p>', 'text/html\u00e9')).toThrow('but the body is not valid JSON (text/html?, 20 bytes).')
    expect(() => parse('', '')).toThrow('but the body is not valid JSON (no content-type, 0 bytes).')
  })

  it('reads the paging fields and treats null or empty as absent', () => {
    expect(parse({ values: [], next: '', size: null, page: null, pagelen: null })).toEqual({ members: [], next: null, size: null, page: null, pagelen: null })
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
        { user: { uuid: ` ${UUID.toUpperCase()} `, account_id: '557058:a', display_name: 'On SECRET', nickname: 'on', has_2fa_enabled: true } },
        { user: { uuid: UUID.replace('1}', '2}'), account_id: '', display_name: 'Off SECRET', nickname: 'off SECRET', has_2fa_enabled: false } },
        { user: { uuid: UUID.replace('1}', '3}'), type: 'app_user', display_name: 'Bot', has_2fa_enabled: true } },
        { user: { uuid: UUID.replace('1}', '4}'), display_name: 7, nickname: null, has_2fa_enabled: null } }
      ]
    })
    expect(page.members).toEqual([
      { uuid: UUID, accountId: '557058:a', displayName: '', nickname: '', isAppUser: false, twoFactor: 'enabled' },
      { uuid: UUID.replace('1}', '2}'), accountId: null, displayName: 'Off ***', nickname: 'off ***', isAppUser: false, twoFactor: 'disabled' },
      { uuid: UUID.replace('1}', '3}'), accountId: null, displayName: 'Bot', nickname: '', isAppUser: true, twoFactor: 'enabled' },
      { uuid: UUID.replace('1}', '4}'), accountId: null, displayName: '', nickname: '', isAppUser: false, twoFactor: 'unknown' }
    ])
  })
})
