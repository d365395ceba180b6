import { BitbucketHttpError, GateError } from '../../errors.js'
import type { Member, Repository, RepositoryWriters, WorkspaceAdmins, WritePermission } from '../../gate/types.js'
import { say } from '../../sentence.js'
import { code } from '../../config/catalogue.js'
import { describeHttpFailure } from '../api/errors.js'
import {
  canWrite,
  readRepositoryPermission,
  readWorkspacePermission,
  REPOSITORY_LEVELS,
  type PermissionEntry,
  type RepositoryPermission,
  type WorkspacePermission
} from '../api/permissions.js'
import type { HttpResponse } from '../../http/transport.js'
import { mergeSightings } from '../../gate/sightings.js'
import type { ItemSet, ListingKind } from './kind.js'
import { readListing } from './list.js'
import { PageReader, PAGELEN, workspaceSegmentOf, workspaceUrl } from './reader.js'
import type { ClientContext } from './types.js'

/** BBQL filters, sent encoded; the gate checks every entry itself whatever the server does with them. */
export const OWNER_QUERY = encodeURIComponent('permission="owner"')
export const WRITER_QUERY = encodeURIComponent('permission>"read"')

export function adminsUrl(apiUrl: URL, workspace: string): string {
  return `${workspaceUrl(apiUrl, workspace)}/permissions?pagelen=${PAGELEN}&q=${OWNER_QUERY}`
}

export function writersUrl(apiUrl: URL, repository: Repository): string {
  return `${workspaceUrl(apiUrl, repository.workspace)}/permissions/repositories/${encodeURIComponent(repository.slug)}?pagelen=${PAGELEN}&q=${WRITER_QUERY}`
}

/**
 * The entries of a permission listing: every uuid is counted (to match `size`, which counts what the
 * server listed), and those `keep` accepts are kept with their highest level (a uuid listed twice with
 * two levels is held to the higher, the stricter reading for a gate).
 */
export class PermissionSet<Level extends string> implements ItemSet<PermissionEntry<Level>> {
  private readonly seen = new Set<string>()
  readonly kept = new Map<string, PermissionEntry<Level>>()

  /** `levels`: the kept levels in order, lowest first, when more than one is kept. */
  constructor(
    private readonly keep: (level: Level) => boolean,
    private readonly levels?: readonly Level[]
  ) {}

  get size(): number {
    return this.seen.size
  }

  add(entry: PermissionEntry<Level>): void {
    const { uuid } = entry.member
    this.seen.add(uuid)
    if (!this.keep(entry.permission)) return
    const known = this.kept.get(uuid)
    if (known === undefined) {
      this.kept.set(uuid, entry)
      return
    }
    const rank = (level: Level): number => this.levels?.indexOf(level) ?? 0
    // Stryker disable next-line EqualityOperator: equivalent, on equal ranks both sightings give the same level
    const permission = rank(entry.permission) > rank(known.permission) ? entry.permission : known.permission
    // Two sightings merge as across member listings, in any order: a person anywhere is a person.
    this.kept.set(uuid, { permission, member: mergeSightings(known.member, entry.member) })
  }
}

function kindOf<Level extends string>(
  context: ClientContext,
  parts: {
    workspace: string
    title: string
    url: string
    readItem: (value: unknown, scrub: (text: string) => string) => PermissionEntry<Level> | string
    newSet: () => PermissionSet<Level>
    failure: (response: HttpResponse, pageNo: number, attempts: number) => GateError
  }
): ListingKind<PermissionEntry<Level>, PermissionSet<Level>> {
  return {
    ...parts,
    where: (pageNo) => `page ${pageNo} of the ${parts.title}`,
    workspaceSegment: workspaceSegmentOf(context.apiUrl),
    noun: 'entries',
    uuidOf: (entry) => entry.member.uuid,
    progress: false
  }
}

/**
 * The admins of one workspace (`permission="owner"`, and only `owner` counts whatever the server
 * returns), or why they are not known: an access token (Bitbucket refuses them permissions, so nothing
 * is sent), a 401 or 403, or a listing with no owner in it. Any other failure throws, as the member
 * listing's would: there is then no verdict.
 */
export async function listAdmins(workspace: string, context: ClientContext): Promise<WorkspaceAdmins> {
  const subject = `admin listing of workspace "${workspace}"`
  if (context.credentials.kind === 'access-token') {
    return unknownAdmins(
      workspace,
      0,
      new GateError(
        say`Access tokens cannot query workspace permissions, so the gate cannot tell who administers workspace "${workspace}". To mark admins and refuse their exemptions, use an Atlassian API token (with ${code('email')}) of a workspace admin.`
      )
    )
  }
  const kind = kindOf(context, {
    workspace,
    title: subject,
    url: adminsUrl(context.apiUrl, workspace),
    readItem: readWorkspacePermission,
    newSet: () => new PermissionSet<WorkspacePermission>((level) => level === 'owner'),
    failure: (response, page, attempts) =>
      describeHttpFailure(response, {
        workspace,
        subject: `the ${subject}`,
        page,
        attempts,
        credentials: context.credentials,
        apiUrl: context.apiUrl,
        scrub: context.scrub
      })
  })
  const reader = new PageReader(kind, context)
  let read
  try {
    read = await readListing(kind, context, reader)
  } catch (error) {
    if (error instanceof BitbucketHttpError && (error.status === 401 || error.status === 403)) return unknownAdmins(workspace, reader.requests, error)
    throw error
  }
  const admins = new Map<string, Member>([...read.items.kept].map(([uuid, entry]) => [uuid, entry.member]))
  if (admins.size === 0) {
    return unknownAdmins(
      workspace,
      read.requests,
      new GateError(
        say`Bitbucket's admin listing of workspace "${workspace}" named no owner; a workspace always has one, so the gate cannot tell who administers it. Check that the credentials belong to an admin of the workspace; if they do, report it to Atlassian support.`
      )
    )
  }
  return { workspace, lookup: { known: true, admins }, requests: read.requests }
}

function unknownAdmins(workspace: string, requests: number, reason: GateError): WorkspaceAdmins {
  return { workspace, lookup: { known: false, reason }, requests }
}

/**
 * Everyone with `write` or `admin` on one repository (`permission>"read"`, and every entry checked
 * here: `read` and `none` are ignored whatever the server returns). A repository that does not exist
 * or cannot be seen, and a listing the credentials may not read, throw: there is then no verdict.
 */
export async function listWriters(repository: Repository, context: ClientContext): Promise<RepositoryWriters> {
  const subject = `permissions of repository ${repository.fullName}`
  const kind = kindOf(context, {
    workspace: repository.workspace,
    title: subject,
    url: writersUrl(context.apiUrl, repository),
    readItem: readRepositoryPermission,
    newSet: () => new PermissionSet<RepositoryPermission>(canWrite, REPOSITORY_LEVELS),
    failure: (response, page, attempts) => repositoryFailure(response, repository, page, attempts, context)
  })
  const read = await readListing(kind, context)
  const writers = new Map<string, { member: Member; permission: WritePermission }>()
  for (const [uuid, { member, permission }] of read.items.kept) writers.set(uuid, { member, permission: permission === 'admin' ? 'admin' : 'write' })
  return { repository, writers, requests: read.requests }
}

export const REPOSITORY_SCOPE = 'read:repository:bitbucket'

function repositoryFailure(response: HttpResponse, repository: Repository, page: number, attempts: number, context: ClientContext): GateError {
  const general = describeHttpFailure(response, {
    workspace: repository.workspace,
    subject: `repository ${repository.fullName}`,
    page,
    attempts,
    credentials: context.credentials,
    apiUrl: context.apiUrl,
    scrub: context.scrub
  })
  const said = general.said
  if (response.status === 404) {
    return new BitbucketHttpError(
      404,
      say`Bitbucket answered 404 for repository ${repository.fullName}: it does not exist or these credentials cannot see it. Check ${code('repository')} (workspace/repo_slug, as in bitbucket.org/${repository.fullName}) and that the credentials belong to an admin of the repository.`,
      said
    )
  }
  if (response.status === 400) {
    return new BitbucketHttpError(
      400,
      say`Bitbucket answered 400 on page ${page} of the permissions of repository ${repository.fullName}: it refused the request, perhaps the filter \`permission>"read"\` the gate sends. Check ${code('repository')} (workspace/repo_slug); if it is right, report this at the issue tracker.`,
      said
    )
  }
  if (response.status === 403) {
    const how =
      context.credentials.kind === 'oauth'
        ? 'In Workspace settings → OAuth consumers → Edit, give the consumer the permissions Repositories: Read and Account: Read; its owner must be an admin of the repository.'
        : say`Use an Atlassian API token (with ${code('email')}) of an admin of the repository, created with the scopes \`${REPOSITORY_SCOPE}\` and \`read:workspace:bitbucket\`.`
    return new BitbucketHttpError(
      403,
      say`Bitbucket answered 403 Forbidden for the permissions of repository ${repository.fullName}: only a repository admin may read them, with ${context.credentials.kind === 'oauth' ? 'the permission Repositories: Read' : `scope \`${REPOSITORY_SCOPE}\``}. ${how} The gate scoped to ${code('repository')} cannot judge who can push without that listing, so there is no verdict.`,
      said
    )
  }
  return general
}
