import { isRecord } from '../../json.js'
import type { Member } from '../../gate/types.js'
import { readUser } from './page.js'

/** A workspace permission, as `GET /2.0/workspaces/{ws}/permissions` gives it. */
export type WorkspacePermission = 'owner' | 'collaborator' | 'member'
/** A repository's effective permission, as `GET /2.0/workspaces/{ws}/permissions/repositories/{slug}` gives it. */
export type RepositoryPermission = 'none' | 'read' | 'write' | 'admin'

/** One item of a permission listing: the user (2FA unknown: the flag comes from the member listing) and the level. */
export interface PermissionEntry<Level extends string> {
  readonly member: Member
  readonly permission: Level
}

const WORKSPACE_LEVELS: readonly WorkspacePermission[] = ['member', 'collaborator', 'owner']
/** In order: each level grants what the ones before it do. */
export const REPOSITORY_LEVELS: readonly RepositoryPermission[] = ['none', 'read', 'write', 'admin']

/**
 * Reads an item of a permission listing, or says what is wrong with it (after `values[i]`). The user is
 * checked by the member listing's rules, its `has_2fa_enabled` not read. A permission the gate does
 * not know is a malformed page, never a guess: a new level might grant more than the gate would assume.
 */
function permissionReader<Level extends string>(levels: readonly Level[]) {
  return (value: unknown, scrub: (text: string) => string): PermissionEntry<Level> | string => {
    if (!isRecord(value)) return ' is not an object'
    const { permission } = value
    if (!(levels as readonly unknown[]).includes(permission)) {
      return `.permission is not one of ${levels.join(', ')}`
    }
    const member = readUser(value.user, scrub, false)
    if (typeof member === 'string') return member
    return { member, permission: permission as Level }
  }
}

export const readWorkspacePermission = permissionReader(WORKSPACE_LEVELS)
export const readRepositoryPermission = permissionReader(REPOSITORY_LEVELS)

/** Whether a repository permission lets its holder push or administer: only `write` and `admin` do. */
export function canWrite(permission: RepositoryPermission): boolean {
  return permission === 'write' || permission === 'admin'
}
