import { createHash } from 'node:crypto'
import type { SimRepository, SimUser, SimWorkspace } from './server.js'

/**
 * The simulator's two permission listings (../shared/bitbucket-api/REFERENCE.md, "Permissions"), as
 * pure functions of a workspace: who holds which role, the BBQL `permission` filter, and the items
 * `GET /2.0/workspaces/{ws}/permissions` and `…/permissions/repositories/{repo_slug}` list. The
 * endpoints themselves (authentication, paging, faults) live in server.ts.
 */

/** Workspace roles, lowest first (the order `permission>"member"` compares by). */
export const WORKSPACE_PERMISSIONS = ['member', 'collaborator', 'owner'] as const
/** Effective repository permissions, lowest first (the order `permission>"read"` compares by). */
export const REPOSITORY_PERMISSIONS = ['none', 'read', 'write', 'admin'] as const

export type WorkspacePermission = (typeof WORKSPACE_PERMISSIONS)[number]
export type RepositoryPermission = (typeof REPOSITORY_PERMISSIONS)[number]

/** One line of a permission listing before it is dressed as an item. */
export interface PermissionEntry<P extends string> {
  readonly user: SimUser
  readonly permission: P
}

/**
 * The uuids of the workspace's admins: `owners` when set, else the first person (not an app user)
 * with 2FA on, the admin running the gate; none when there is no such member.
 */
export function ownersOf(workspace: SimWorkspace): readonly string[] {
  if (workspace.owners !== undefined) return workspace.owners
  const admin = workspace.members.find((m) => m.type !== 'app_user' && m.has_2fa_enabled === true)
  return admin ? [admin.uuid] : []
}

export function workspacePermissionOf(workspace: SimWorkspace, uuid: string): WorkspacePermission {
  if (includesUuid(ownersOf(workspace), uuid)) return 'owner'
  if (includesUuid(workspace.collaborators ?? [], uuid)) return 'collaborator'
  return 'member'
}

/**
 * Everyone `/permissions` lists, in a stable order: every member, then every outsider who is an
 * owner (an outsider without a workspace role is only seen on repositories).
 */
export function workspacePermissionEntries(workspace: SimWorkspace): PermissionEntry<WorkspacePermission>[] {
  const owners = ownersOf(workspace)
  const outsiderOwners = (workspace.outsiders ?? []).filter((o) => includesUuid(owners, o.uuid))
  return [...workspace.members, ...outsiderOwners].map((user) => ({ user, permission: workspacePermissionOf(workspace, user.uuid) }))
}

/**
 * Everyone a repository's effective listing names: one line per grant, in grant order, then (with
 * `listsOwners`) every owner a grant does not name, as `admin`. A uuid that names neither a member nor
 * an outsider (say one a `mutate` fault removed) is left out, as Bitbucket drops the grants of an
 * account that leaves [guess].
 */
export function repositoryPermissionEntries(workspace: SimWorkspace, repository: SimRepository): PermissionEntry<RepositoryPermission>[] {
  const lines: { uuid: string; permission: RepositoryPermission }[] = [...repository.grants]
  if (repository.listsOwners === true) {
    for (const uuid of ownersOf(workspace)) {
      if (
        !includesUuid(
          lines.map((line) => line.uuid),
          uuid
        )
      )
        lines.push({ uuid, permission: 'admin' })
    }
  }
  const people = new Map<string, SimUser>()
  for (const u of [...workspace.members, ...(workspace.outsiders ?? [])]) {
    const key = u.uuid.toLowerCase()
    if (!people.has(key)) people.set(key, u)
  }
  const entries: PermissionEntry<RepositoryPermission>[] = []
  for (const line of lines) {
    const user = people.get(line.uuid.toLowerCase())
    if (user) entries.push({ user, permission: line.permission })
  }
  return entries
}

/** A member or an outsider of the workspace, by uuid. */
export function personOf(workspace: SimWorkspace, uuid: string): SimUser | undefined {
  const key = uuid.toLowerCase()
  return [...workspace.members, ...(workspace.outsiders ?? [])].find((u) => u.uuid.toLowerCase() === key)
}

export function findRepository(workspace: SimWorkspace, slug: string): SimRepository | undefined {
  const key = slug.toLowerCase()
  return (workspace.repositories ?? []).find((r) => r.slug.toLowerCase() === key)
}

const OPERATORS = ['=', '!=', '>', '>=', '<', '<='] as const
type Operator = (typeof OPERATORS)[number]

/**
 * The BBQL `q` the simulator understands: `permission OP "value"` with OP one of = != > >= < <=,
 * spaces allowed around OP, the value one of `order` in double quotes. Comparisons follow `order`
 * (lowest first). Returns the test an entry's permission must pass, or `null` for anything else
 * (Bitbucket answers 400 Invalid query; that it does so for an unknown value too is a [guess]).
 * No `q` at all passes everything.
 */
export function permissionFilter(q: string | null, order: readonly string[]): ((permission: string) => boolean) | null {
  if (q === null) return () => true
  const match = /^\s*permission\s*(!=|>=|<=|=|>|<)\s*"([^"]*)"\s*$/.exec(q)
  const operator = OPERATORS.find((op) => op === match?.[1])
  const value = order.indexOf(match?.[2] ?? '')
  if (operator === undefined || value < 0) return null
  return (permission) => compare(operator, order.indexOf(permission), value)
}

function compare(operator: Operator, left: number, right: number): boolean {
  switch (operator) {
    case '=':
      return left === right
    case '!=':
      return left !== right
    case '>':
      return left > right
    case '>=':
      return left >= right
    case '<':
      return left < right
    case '<=':
      return left <= right
  }
}

/**
 * A `user` as the listings send it: type, uuid, display_name, links, account_id and nickname when
 * known, `kind` for app users. Never `has_2fa_enabled`: the member listing adds it itself, and whether
 * the permission listings fill it in is not known, so this simulator never does (the gate must take
 * the flag from the member listing).
 */
export function userObject(user: SimUser, base: string): Record<string, unknown> {
  const object: Record<string, unknown> = {
    type: user.type ?? 'user',
    uuid: user.uuid,
    display_name: user.display_name,
    links: { self: { href: `${base}/users/${encodeURIComponent(user.uuid)}` }, avatar: { href: 'https://avatar.example/a.png' } }
  }
  if (user.account_id !== undefined) object.account_id = user.account_id
  if (user.nickname !== undefined) object.nickname = user.nickname
  if (user.type === 'app_user') object.kind = 'integration'
  return object
}

export function workspaceObject(workspace: SimWorkspace): Record<string, unknown> {
  return { type: 'workspace', uuid: workspace.uuid, slug: workspace.slug, name: workspace.slug }
}

/** An item of `paginated_workspace_memberships` as `/permissions` sends it. */
export function workspacePermissionItem(entry: PermissionEntry<WorkspacePermission>, workspace: SimWorkspace, base: string): Record<string, unknown> {
  return {
    type: 'workspace_membership',
    permission: entry.permission,
    user: userObject(entry.user, base),
    workspace: workspaceObject(workspace),
    // [guess] the link a membership has on the member listing.
    links: { self: { href: `${base}/workspaces/${workspace.slug}/members/${encodeURIComponent(entry.user.uuid)}` } }
  }
}

/** An item of `paginated_repository_permissions`. */
export function repositoryPermissionItem(
  entry: PermissionEntry<RepositoryPermission>,
  workspace: SimWorkspace,
  repository: SimRepository,
  base: string
): Record<string, unknown> {
  const fullName = `${workspace.slug}/${repository.slug}`
  return {
    type: 'repository_permission',
    permission: entry.permission,
    user: userObject(entry.user, base),
    repository: { type: 'repository', name: repository.slug, full_name: fullName, uuid: repositoryUuid(workspace, repository) },
    // [guess] where such a link would point: the repository's explicit grant of that user.
    links: { self: { href: `${base}/repositories/${fullName}/permissions-config/users/${encodeURIComponent(entry.user.uuid)}` } }
  }
}

/** `uuid` when set, else a braced uuid derived from the workspace and the slug (stable across runs). */
export function repositoryUuid(workspace: SimWorkspace, repository: SimRepository): string {
  if (repository.uuid !== undefined) return repository.uuid
  const hex = createHash('sha256').update(`${workspace.uuid}/${repository.slug}`).digest('hex')
  return `{${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}}`
}

function includesUuid(uuids: readonly string[], uuid: string): boolean {
  const key = uuid.toLowerCase()
  return uuids.some((u) => u.toLowerCase() === key)
}
