import { describe, expect, it } from 'vitest'
import { canWrite, readRepositoryPermission, readWorkspacePermission } from '../../../src/bitbucket/api/permissions.js'
import { parsePage } from '../../../src/bitbucket/api/page.js'
import { ListingError } from '../../../src/errors.js'
import type { HttpResponse } from '../../../src/http/transport.js'

/**
 * The item readers of the two permission listings: the level must be one the gate knows (a new one
 * might grant more than it would assume), the user is checked by the member listing's rules, and the
 * user's has_2fa_enabled is never read (the flag comes from the member listing alone).
 */

const UUID = '{504c3b62-8120-4f0c-a7bc-87800b9d6f70}'
const ACCOUNT_ID = '557058:0b9d6f70-8120-4f0c-a7bc-87800b9d6f70'
const SECRET = 'ATATT3xFfGF0-a-secret-token-value'
const noScrub = (text: string): string => text
const scrubSecret = (text: string): string => text.split(SECRET).join('***')

const user = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'user',
  uuid: UUID,
  account_id: ACCOUNT_ID,
  display_name: 'Sean Conaty',
  nickname: 'sconaty',
  ...extra
})

const response = (body: unknown): HttpResponse => ({ status: 200, contentType: 'application/json', retryAfter: null, headers: {}, body: JSON.stringify(body) })

describe('readWorkspacePermission', () => {
  for (const permission of ['owner', 'collaborator', 'member']) {
    it(`reads ${permission} with its user, 2FA unknown`, () => {
      expect(readWorkspacePermission({ type: 'workspace_membership', permission, user: user() }, noScrub)).toEqual({
        permission,
        member: { uuid: UUID, accountId: ACCOUNT_ID, displayName: 'Sean Conaty', nickname: 'sconaty', isAppUser: false, twoFactor: 'unknown' }
      })
    })
  }

  for (const flag of [true, false, null, 'yes']) {
    it(`does not read has_2fa_enabled (${JSON.stringify(flag)}): the member listing gives the flag`, () => {
      const entry = readWorkspacePermission({ permission: 'owner', user: user({ has_2fa_enabled: flag }) }, noScrub)
      expect(typeof entry === 'string' ? entry : entry.member.twoFactor).toBe('unknown')
    })
  }

  for (const permission of ['superadmin', 'Owner', 'OWNER', 'admin', 'write', 'none', '', 7, null, true]) {
    it(`refuses the permission ${JSON.stringify(permission)}`, () => {
      expect(readWorkspacePermission({ permission, user: user() }, noScrub)).toBe('.permission is not one of member, collaborator, owner')
    })
  }

  it('refuses an item without a permission', () => {
    expect(readWorkspacePermission({ user: user() }, noScrub)).toBe('.permission is not one of member, collaborator, owner')
  })

  it('refuses an item that is not an object', () => {
    for (const value of [null, 'owner', 3, ['owner']]) expect(readWorkspacePermission(value, noScrub), JSON.stringify(value)).toBe(' is not an object')
  })

  it('checks the user by the member rules', () => {
    expect(readWorkspacePermission({ permission: 'owner' }, noScrub)).toBe(' has no `user` object')
    expect(readWorkspacePermission({ permission: 'owner', user: 'someone' }, noScrub)).toBe(' has no `user` object')
    expect(readWorkspacePermission({ permission: 'owner', user: user({ uuid: undefined }) }, noScrub)).toBe('.user has no uuid')
    expect(readWorkspacePermission({ permission: 'owner', user: user({ uuid: '' }) }, noScrub)).toBe('.user has no uuid')
    expect(readWorkspacePermission({ permission: 'owner', user: user({ uuid: '504c3b62-8120-4f0c-a7bc-87800b9d6f70' }) }, noScrub)).toMatch(
      /^\.user\.uuid is not a braced uuid/
    )
    expect(readWorkspacePermission({ permission: 'owner', user: user({ account_id: 'a b' }) }, noScrub)).toMatch(
      /^\.user\.account_id is not an Atlassian account id/
    )
    expect(readWorkspacePermission({ permission: 'owner', user: user({ account_id: 5 }) }, noScrub)).toBe('.user.account_id is not a string')
  })

  it('lower-cases the uuid and reads an app user as one', () => {
    const entry = readWorkspacePermission({ permission: 'member', user: user({ uuid: UUID.toUpperCase(), type: 'app_user' }) }, noScrub)
    expect(entry).toMatchObject({ permission: 'member', member: { uuid: UUID, isAppUser: true } })
  })

  it('keeps no account id when there is none', () => {
    expect(readWorkspacePermission({ permission: 'owner', user: user({ account_id: undefined }) }, noScrub)).toMatchObject({ member: { accountId: null } })
  })

  it('scrubs a secret out of a name', () => {
    expect(readWorkspacePermission({ permission: 'owner', user: user({ display_name: `x ${SECRET}` }) }, scrubSecret)).toMatchObject({
      member: { displayName: 'x ***' }
    })
  })
})

describe('readRepositoryPermission', () => {
  for (const permission of ['none', 'read', 'write', 'admin']) {
    it(`reads ${permission}`, () => {
      expect(readRepositoryPermission({ type: 'repository_permission', permission, user: user() }, noScrub)).toMatchObject({
        permission,
        member: { uuid: UUID, twoFactor: 'unknown' }
      })
    })
  }

  for (const permission of ['owner', 'member', 'maintain', 'Admin', 'WRITE', '', 2, null]) {
    it(`refuses the permission ${JSON.stringify(permission)}`, () => {
      expect(readRepositoryPermission({ permission, user: user() }, noScrub)).toBe('.permission is not one of none, read, write, admin')
    })
  }

  it('does not read has_2fa_enabled', () => {
    expect(readRepositoryPermission({ permission: 'write', user: user({ has_2fa_enabled: true }) }, noScrub)).toMatchObject({
      member: { twoFactor: 'unknown' }
    })
  })

  it('checks the user by the member rules', () => {
    expect(readRepositoryPermission({ permission: 'write' }, noScrub)).toBe(' has no `user` object')
    expect(readRepositoryPermission({ permission: 'write', user: user({ uuid: 42 }) }, noScrub)).toBe('.user has no uuid')
  })

  it('reads the reference example item', () => {
    const item = {
      type: 'repository_permission',
      permission: 'write',
      user: { type: 'user', display_name: 'Sean Conaty', uuid: UUID },
      repository: { type: 'repository', name: 'geordi', full_name: 'atlassian_tutorial/geordi', uuid: '{85d08b4e-0000-4000-8000-000000000001}' }
    }
    expect(readRepositoryPermission(item, noScrub)).toEqual({
      permission: 'write',
      member: { uuid: UUID, accountId: null, displayName: 'Sean Conaty', nickname: '', isAppUser: false, twoFactor: 'unknown' }
    })
  })
})

describe('canWrite', () => {
  it('is true for write and admin only', () => {
    expect(canWrite('none')).toBe(false)
    expect(canWrite('read')).toBe(false)
    expect(canWrite('write')).toBe(true)
    expect(canWrite('admin')).toBe(true)
  })
})

describe('a permission page', () => {
  it('is read item by item, and an unknown level is a malformed page naming the item', () => {
    const body = {
      pagelen: 100,
      values: [
        { permission: 'write', user: user() },
        { permission: 'superadmin', user: user() }
      ]
    }
    expect(() => parsePage(response(body), 'page 1 of the permissions of repository acme/app', noScrub, readRepositoryPermission)).toThrow(ListingError)
    expect(() => parsePage(response(body), 'page 1 of the permissions of repository acme/app', noScrub, readRepositoryPermission)).toThrow(
      'Bitbucket answered 200 on page 1 of the permissions of repository acme/app, but values[1].permission is not one of none, read, write, admin.'
    )
  })

  it('gives every entry of a good page', () => {
    const body = {
      pagelen: 100,
      size: 2,
      page: 1,
      values: [
        { permission: 'owner', user: user() },
        { permission: 'member', user: user({ uuid: UUID.replace('504c', '604c') }) }
      ]
    }
    const page = parsePage(response(body), 'page 1 of the admin listing of workspace "acme"', noScrub, readWorkspacePermission)
    expect(page.values.map((entry) => entry.permission)).toEqual(['owner', 'member'])
    expect(page.size).toBe(2)
  })
})
