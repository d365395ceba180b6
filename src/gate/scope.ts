import { AccountSet, type WorkspaceListing } from './accounts.js'
import type { Grant, Member, Repository, RepositoryWriters, WorkspaceAdmins } from './types.js'

/**
 * Who the gate judges, from the listings: in workspace scope every listed member; in repository scope
 * everyone who can write to a listed repository plus every admin of its workspace (admins are
 * implicit repository admins, whether or not the listing names them). Either way, the people the
 * admin or repository listings name who are in no member listing are outsiders: judged, but their
 * Bitbucket flag cannot be seen.
 */
export interface Scope {
  readonly kind: 'workspace' | 'repository'
  readonly repositories: readonly Repository[]
  /** Whether a listed member is judged. */
  readonly includes: (uuid: string) => boolean
  /** The repositories and permissions that put someone in scope (none in workspace scope). */
  readonly grantsOf: (uuid: string) => readonly Grant[]
  /** People named by the admin or repository listings and by no member listing, with their workspaces. */
  readonly outsiders: AccountSet
  readonly outsiderWorkspaces: (uuid: string) => readonly string[]
  /** Whether any admin listing names a person; if none does, null when any workspace's admins are not known (or one of theirs was not looked up). */
  readonly adminOf: (uuid: string, workspaces: readonly string[]) => boolean | null
  /**
   * In repository scope, the workspaces whose admins could not be looked up: any of their members may
   * be an admin (an implicit repository admin), so every member of them is judged.
   */
  readonly widened: readonly string[]
  /** A listed member whom a permission listing names as a person (not an app user): a person anywhere is a person. */
  readonly namedAsPerson: (uuid: string) => boolean
}

const NO_GRANTS: readonly Grant[] = []

/** By repository name; a person's repositories are distinct, so no two compare equal. */
function byRepositoryName(a: Grant, b: Grant): number {
  // Stryker disable next-line EqualityOperator: equivalent, no two of a person's repositories compare equal
  return a.repository < b.repository ? -1 : 1
}

export function scopeOf(
  listings: readonly WorkspaceListing[],
  merged: AccountSet,
  admins: readonly WorkspaceAdmins[],
  repositories: readonly RepositoryWriters[] | null
): Scope {
  const lookups = new Map(admins.map((a) => [a.workspace, a.lookup]))
  // An admin of any workspace read is an admin, whichever member listing names them (a member of one
  // workspace may own another without being listed there).
  // Not named by any: unknown when any workspace's admins are (a member here may own a workspace
  // whose listing was refused), or when one of their own workspaces was not looked up.
  const anyUnknown = [...lookups.values()].some((lookup) => !lookup.known)
  const adminOf = (uuid: string, workspaces: readonly string[]): boolean | null => {
    for (const lookup of lookups.values()) if (lookup.known && lookup.admins.has(uuid)) return true
    return anyUnknown || workspaces.some((ws) => lookups.get(ws)?.known !== true) ? null : false
  }
  const listed = (uuid: string): boolean => merged.has(uuid)
  const outsiders = new AccountSet()
  const outsiderWorkspaces = new Map<string, Set<string>>()
  const people = new Set<string>()
  const noteOutsider = (member: Member, workspace: string): void => {
    if (!member.isAppUser) people.add(member.uuid)
    if (listed(member.uuid)) return
    outsiders.add(member)
    const set = outsiderWorkspaces.get(member.uuid) ?? new Set<string>()
    set.add(workspace)
    outsiderWorkspaces.set(member.uuid, set)
  }
  // uuid → repository → level. A workspace admin is granted after the repository's listing, as admin,
  // the highest level: the last word for a repository is always the right one.
  const levels = new Map<string, Map<string, Grant['permission']>>()
  const grant = (uuid: string, repository: string, permission: Grant['permission']): void => {
    const byRepository = levels.get(uuid) ?? new Map<string, Grant['permission']>()
    byRepository.set(repository, permission)
    levels.set(uuid, byRepository)
  }
  const adminsByWorkspace = new Map<string, ReadonlyMap<string, Member>>()
  for (const { workspace, lookup } of admins) if (lookup.known) adminsByWorkspace.set(workspace, lookup.admins)
  if (repositories === null) {
    for (const [workspace, list] of adminsByWorkspace) for (const member of list.values()) noteOutsider(member, workspace)
  } else {
    for (const { repository, writers } of repositories) {
      for (const [uuid, { member, permission }] of writers) {
        grant(uuid, repository.fullName, permission)
        noteOutsider(member, repository.workspace)
      }
      for (const [uuid, member] of adminsByWorkspace.get(repository.workspace) ?? new Map<string, Member>()) {
        grant(uuid, repository.fullName, 'admin')
        noteOutsider(member, repository.workspace)
      }
    }
  }
  const grants = new Map<string, Grant[]>()
  for (const [uuid, byRepository] of levels) {
    const list = [...byRepository].map(([repository, permission]) => ({ repository, permission }))
    grants.set(uuid, list.sort(byRepositoryName))
  }
  // Without the admins, a repository scope that judged only the listed writers could miss an admin:
  // it judges every member of that workspace instead (a red it cannot prove wrong, never a wrong green).
  const widened = repositories === null ? [] : [...new Set(repositories.map((r) => r.repository.workspace))].filter((ws) => lookups.get(ws)?.known !== true)
  const widenedListings = listings.filter((l) => widened.includes(l.workspace)).map((l) => l.accounts)
  return {
    kind: repositories === null ? 'workspace' : 'repository',
    repositories: repositories === null ? [] : repositories.map((r) => r.repository),
    includes: repositories === null ? () => true : (uuid) => grants.has(uuid) || widenedListings.some((accounts) => accounts.has(uuid)),
    widened,
    namedAsPerson: (uuid) => people.has(uuid),
    grantsOf: (uuid) => grants.get(uuid) ?? NO_GRANTS,
    outsiders,
    outsiderWorkspaces: (uuid) => [...(outsiderWorkspaces.get(uuid) ?? [])].sort(),
    adminOf
  }
}
