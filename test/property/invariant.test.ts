import type * as FastCheck from 'fast-check'
import { describe, expect, it } from 'vitest'
import { listMembers } from '../../src/bitbucket/listing/list.js'
import { listAdmins, listWriters } from '../../src/bitbucket/listing/permissions.js'
import { errorMessage, GateError } from '../../src/errors.js'
import { parseExemptions } from '../../src/config/exemptions.js'
import type { Credentials } from '../../src/config/credentials.js'
import { renderErrorSummary } from '../../src/present/summary.js'
import { annotationOf, exemptionWarningsOf, jsonReportOf, logLinesOf, modelOf, outputsOf, summaryOf, tableOf, TEST_POLICY } from '../support/present.js'
import { renderJunit } from '../../src/present/junit.js'
import { renderInsights } from '../../src/present/insights.js'
import { renderAttestationPredicate } from '../../src/present/attestation.js'
import { renderStepVariables } from '../../src/present/variables.js'
import { CLI_SPELLING } from '../../src/config/spellings.js'
import { scrubSecrets } from '../../src/secrets.js'
import { decideCompliance, unprovenAccountIds, type Verdict } from '../../src/gate/verdict.js'
import type { AccountRecord, Repository, WorkspaceAdmins } from '../../src/gate/types.js'
import { ACCESS_TOKEN, ADMIN_EMAIL, ADMIN_TOKEN, adminCredential, REPO_ADMIN_TOKEN, repoAdminCredential, uuidFor } from '../simulator/fixtures.js'
import {
  BitbucketSimulator,
  type FaultAction,
  type FaultRule,
  type PageBody,
  type SimAccessToken,
  type SimGrant,
  type SimRepository,
  type SimUser,
  type SimWorkspace
} from '../simulator/server.js'
import { clientContext } from '../support/client.js'
import { askOrganization } from '../../src/engine.js'
import { AtlassianOrgSimulator } from '../simulator/atlassian.js'
import { memoryNetwork } from '../simulator/http.js'

/**
 * The gate's invariant, as a property, over random worlds: up to three workspaces sharing people
 * (a uuid may even show up as an app user in one of them), each with its admins (members, people
 * outside the member listing, or none at all: then they are unknown), people the member listing
 * misses, and repositories whose effective permissions are random (read, write, admin, none, app
 * users too); random exemptions (some expired, by uuid or account id, some naming admins or
 * outsiders), `fail-on-unknown`, `allow-admin-exemptions` and redaction both ways, the workspaces in
 * shuffled order, the server sometimes ignoring `q`, and sometimes faults on every listing. Half the
 * worlds that have repositories are judged in repository scope (one or two of them). The oracle
 * below is written from the rules (issue 16 and the README), not from the gate's code:
 *
 * - with no faults the gate must decide, unless the world is unprovable (a workspace with no
 *   members, no people, or no person with a flag); a 401 or 403 on an admin listing still decides,
 *   with that workspace's admins unknown; a 5xx that outlasts the retries or a malformed page on an
 *   admin or repository listing, or a refused repository listing, never does;
 * - who is judged: in workspace scope every listed member; in repository scope everyone the
 *   repository listings give `write` or `admin` (never `read` or `none`) plus every known admin of the
 *   repositories' workspaces, and every member of a workspace whose admins are unknown (any of them
 *   may be one: docs/repository-scope.md); other members are out of scope, only counted; in either scope the
 *   people the admin or repository listings name who are in no member listing are judged as
 *   outsiders, who fail as `not-a-member` unless an exemption or accepted Atlassian 2SV covers them,
 *   whatever `fail-on-unknown` says; app users never fail;
 * - a person is an admin when a known admin listing names them (whichever member listing they are
 *   in: an owner of beta whom only acme's member listing names is still beta's admin); else `admin`
 *   is null when the admins of one of their workspaces are unknown, false otherwise; an exemption in
 *   force that names an admin without proven 2FA is refused (not applied) unless
 *   `allow-admin-exemptions`; an access token never asks for the admins;
 * - a decision is exactly the truth: the groups, the counts, each judged person's `admin`, the refused
 *   and out-of-scope exemption lines, and `compliant` (nobody off, nobody not a member, and with
 *   `fail-on-unknown` nobody unknown);
 * - no artefact holds a secret or a fragment of one; when redacting, none holds a member's name;
 * - with an organization (half the worlds), a person is green exactly when Bitbucket says `true`, or
 *   when `accept-atlassian-2sv` is on and the organization says `mfaEnabled: true` on a managed
 *   account; an organization that fails while accepted leaves no verdict; its key goes only to it.
 *
 * "True" is the world as each listing saw it: before or after the one membership change a run may
 * have (each listing is read consistently, but the member, admin and repository listings of a
 * workspace need not be read on the same side of it). Faults that change content are limited to what
 * one client can detect (see docs/security.md, "One limit"): at most one membership change per run,
 * and without `size` at most one content fault per endpoint.
 */

const TODAY = '2026-11-26'
const HOSTILE = ['Eve\n::error::x', '<img src=x onerror=alert(1)>', 'a | b', '[x](javascript:alert(1))', 'Zoë 👩🏽‍💻', '\u202eevil', 'www.evil.example']
const SLUGS = ['acme', 'beta', 'gamma']
const REPO_SLUGS = ['app', 'infra']
const PERMISSIONS: readonly SimGrant['permission'][] = ['read', 'write', 'admin', 'none']
const NAMES = /Mbr-|mbrnick|557058:|\{aaaaaaaa-/

/** The credentials a run may use, and what of them must never show. */
const ACCESS: SimAccessToken = { kind: 'access-token', token: ACCESS_TOKEN, workspace: SLUGS[0]!, seesFlags: true }
type CredentialKind = 'api' | 'repo' | 'access'
function credentialsOf(kind: CredentialKind): { credentials: Credentials; secret: string; echo: string; fragments: string[] } {
  const secretsOf = (...secrets: string[]) => secrets.flatMap((secret) => Array.from({ length: secret.length - 7 }, (_, i) => secret.slice(i, i + 8)))
  if (kind === 'access') {
    return {
      credentials: { kind: 'access-token', token: ACCESS_TOKEN },
      secret: ACCESS_TOKEN,
      echo: `Bearer ${ACCESS_TOKEN}`,
      fragments: secretsOf(ACCESS_TOKEN)
    }
  }
  const token = kind === 'api' ? ADMIN_TOKEN : REPO_ADMIN_TOKEN
  const base64 = Buffer.from(`${ADMIN_EMAIL}:${token}`).toString('base64')
  return { credentials: { kind: 'api-token', email: ADMIN_EMAIL, token }, secret: token, echo: `Basic ${base64}`, fragments: secretsOf(token, base64) }
}

interface Identity {
  readonly n: number
  readonly flag: boolean | null | undefined
  readonly hostile: string | null
}

type Transport = 'status429' | 'status500' | 'status502html' | 'status503retry' | 'reset' | 'hang' | 'truncate'
type Content = 'leave' | 'join' | 'skip' | 'repeat' | 'sizeUp' | 'sizeDown' | 'spuriousNext'
interface FaultSpec {
  readonly at: number
  readonly kind: Transport | Content
  readonly position: number
  readonly flag: boolean | null
}
const CONTENT: readonly string[] = ['leave', 'join', 'skip', 'repeat', 'sizeUp', 'sizeDown', 'spuriousNext']

/**
 * A fault on a permission listing. `auth401`/`auth403` hit one listing once: on an admin listing the
 * admins become unknown (a verdict all the same), on a repository listing there is no verdict; so
 * for `fatal500` (every attempt, past the retries), `truncate` and `malformed` (one page) on either.
 * The others are transient, at the endpoint's `at`-th request.
 */
type PermissionFaultKind = 'auth401' | 'auth403' | 'fatal500' | 'truncate' | 'malformed' | 'status429' | 'status503retry' | 'reset' | 'hang' | PermissionContent
type PermissionContent = 'skip' | 'repeat' | 'sizeUp' | 'sizeDown' | 'spuriousNext'
interface PermissionFaultSpec {
  readonly endpoint: 'admins' | 'repository'
  readonly kind: PermissionFaultKind
  readonly target: number
  readonly at: number
}
const PERMISSION_CONTENT: readonly string[] = ['skip', 'repeat', 'sizeUp', 'sizeDown', 'spuriousNext']
const TARGETED: readonly string[] = ['auth401', 'auth403', 'fatal500', 'truncate', 'malformed']

/**
 * The random worlds and fault schedules. fast-check is loaded when the property runs, not when the file
 * is collected: the mutation run collects this file for most mutants and runs it for few.
 */
function arbitraries(fc: typeof FastCheck) {
  const identityArb = (n: number) =>
    fc.record({
      n: fc.constant(n),
      flag: fc.constantFrom<boolean | null | undefined>(true, true, true, true, false, null, undefined),
      hostile: fc.option(fc.constantFrom(...HOSTILE), { freq: 6 })
    })
  // Spread evenly (fast-check's doubles favour tiny values, which would leave these lists empty).
  const shareArb = (max: number) => fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: fc.nat().map((k) => ((k % 1000) / 1000) * max), weight: 2 })

  /** A workspace's admins: the simulator's default (its first member with 2FA on), none, or picked among members and outsiders. */
  const ownersArb = fc.oneof(
    { arbitrary: fc.constant({ kind: 'default' as const }), weight: 3 },
    { arbitrary: fc.constant({ kind: 'none' as const }), weight: 1 },
    {
      arbitrary: fc.record({
        kind: fc.constant('pick' as const),
        picks: fc.array(fc.record({ n: fc.nat(), outsider: fc.integer({ min: 0, max: 2 }).map((k) => k === 0), unproven: fc.boolean() }), {
          minLength: 1,
          maxLength: 3
        })
      }),
      weight: 4
    }
  )
  const repositoryArb = fc.record({ share: shareArb(0.5), seed: fc.nat(), listsOwners: fc.boolean() })

  /** Each workspace: which identities it lists, and whether one of them shows up as an app user there. */
  const worldArb = fc.integer({ min: 1, max: 3 }).chain((workspaceCount) =>
    fc.integer({ min: 0, max: 400 }).chain((people) =>
      fc.record({
        identities: fc.tuple(...Array.from({ length: people }, (_, i) => identityArb(i + 1))),
        membership: fc.array(
          fc.record({
            share: fc.oneof(
              { arbitrary: fc.double({ min: 0.2, max: 1, noNaN: true }), weight: 9 },
              { arbitrary: fc.double({ min: 0, max: 0.2, noNaN: true }), weight: 1 }
            ),
            seed: fc.nat(),
            botOf: fc.option(fc.nat()),
            bots: fc.nat({ max: 3 }),
            outsiders: fc.record({ share: shareArb(0.1), seed: fc.nat(), bots: fc.integer({ min: 0, max: 5 }).map((k) => Math.max(0, k - 3)) }),
            owners: ownersArb,
            collaborators: shareArb(0.3),
            repositories: fc.array(repositoryArb, { maxLength: 2 })
          }),
          {
            minLength: workspaceCount,
            maxLength: workspaceCount
          }
        ),
        exemptions: fc.array(
          fc.record({
            target: fc.nat(),
            aim: fc.constantFrom<'anyone' | 'owner' | 'outsider'>('anyone', 'owner', 'owner', 'outsider'),
            byUuid: fc.boolean(),
            expired: fc.boolean(),
            dated: fc.boolean()
          }),
          { maxLength: 5 }
        ),
        failOnUnknown: fc.boolean(),
        allowAdminExemptions: fc.boolean(),
        redact: fc.boolean(),
        ignoreQuery: fc.integer({ min: 0, max: 3 }).map((k) => k === 0),
        // Which repositories the run is scoped to (one or two, among those the world has); null: the workspaces.
        scope: fc.option(fc.array(fc.nat(), { minLength: 1, maxLength: 2 }), { freq: 2 }),
        // The access token (one workspace, workspace scope only) is known never to see permissions.
        credential: fc.constantFrom<CredentialKind>('api', 'api', 'api', 'repo', 'access'),
        // The organization as a second source, in half the worlds; now and then it fails.
        org: fc.option(fc.record({ accept: fc.boolean(), seed: fc.nat(), failing: fc.integer({ min: 0, max: 9 }).map((n) => n < 2) })),
        order: fc.array(fc.nat(), { minLength: workspaceCount, maxLength: workspaceCount })
      })
    )
  )

  const faultArb = fc.record({
    at: fc.integer({ min: 1, max: 30 }),
    kind: fc.constantFrom<Transport | Content>(
      'status429',
      'status500',
      'status502html',
      'status503retry',
      'reset',
      'hang',
      'truncate',
      'leave',
      'join',
      'skip',
      'repeat',
      'sizeUp',
      'sizeDown',
      'spuriousNext'
    ),
    position: fc.nat({ max: 1000 }),
    flag: fc.constantFrom<boolean | null>(true, false, null)
  })

  const permissionFaultArb = fc.record({
    endpoint: fc.constantFrom<'admins' | 'repository'>('admins', 'admins', 'repository'),
    kind: fc.constantFrom<PermissionFaultKind>(
      'auth401',
      'auth403',
      'auth403',
      'fatal500',
      'truncate',
      'malformed',
      'status429',
      'status503retry',
      'reset',
      'hang',
      'skip',
      'repeat',
      'sizeUp',
      'sizeDown',
      'spuriousNext'
    ),
    target: fc.nat(),
    at: fc.integer({ min: 1, max: 6 })
  })

  /** A third of the runs have no faults at all: those must decide. */
  const scheduleArb = fc
    .record({
      includeSize: fc.boolean(),
      faults: fc.oneof(fc.constant<FaultSpec[]>([]), fc.array(faultArb, { maxLength: 6 })),
      permissionFaults: fc.oneof(
        fc.constant<PermissionFaultSpec[]>([]),
        fc.constant<PermissionFaultSpec[]>([]),
        fc.array(permissionFaultArb, { minLength: 1, maxLength: 3 })
      )
    })
    .map(({ includeSize, faults, permissionFaults }) => {
      let mutations = 0
      let content = 0
      const kept = faults.filter((f) => {
        if (!CONTENT.includes(f.kind)) return true
        if ((f.kind === 'leave' || f.kind === 'join') && mutations++ > 0) return false
        return includeSize || content++ === 0
      })
      const contentOn = new Set<string>()
      const keptPermission = permissionFaults.filter((f) => {
        if (!PERMISSION_CONTENT.includes(f.kind) || includeSize) return true
        if (contentOn.has(f.endpoint)) return false
        contentOn.add(f.endpoint)
        return true
      })
      return { includeSize, faults: kept, permissionFaults: keptPermission }
    })
  return { worldArb, scheduleArb }
}

function userOf(identity: Identity, asBot: boolean): SimUser {
  return {
    uuid: uuidFor(identity.n),
    account_id: `557058:${String(identity.n).padStart(8, '0')}`,
    display_name: identity.hostile ?? `Mbr-${identity.n}-name`,
    nickname: `mbrnick${identity.n}`,
    type: asBot ? 'app_user' : 'user',
    has_2fa_enabled: asBot ? undefined : identity.flag
  }
}

/** A deterministic share of `n`, from 0 to 1, different for every seed. */
function hashOf(n: number, seed: number): number {
  return ((n * 2654435761 + seed) % 1000) / 1000
}

/** A page rewritten as a broken or moving listing would serve it. */
function contentRewrite(kind: Exclude<PermissionContent, 'spuriousNext'>, body: PageBody): PageBody {
  switch (kind) {
    case 'skip':
      return { ...body, values: body.values.slice(1) }
    case 'repeat':
      return { ...body, values: body.values.length > 0 ? [body.values[0], ...body.values.slice(0, -1)] : [] }
    case 'sizeUp':
      return body.size === undefined ? body : { ...body, size: body.size + 1 }
    case 'sizeDown':
      return body.size === undefined ? body : { ...body, size: Math.max(0, body.size - 1) }
  }
}

function toRule(spec: FaultSpec, echo: string, secret: string): FaultRule {
  const action = ((): FaultAction => {
    switch (spec.kind) {
      case 'status429':
        return { status: 429, contentType: 'text/plain', body: 'Rate limit for this resource has been exceeded' }
      case 'status500':
        return { status: 500, body: `{"type":"error","error":{"message":"Something went wrong, you sent ${echo}"}}` }
      case 'status502html':
        return { status: 502, contentType: 'text/html', body: '<html><body>Bad Gateway</body></html>' }
      case 'status503retry':
        return { status: 503, contentType: 'text/plain', body: `busy ${secret}`, headers: { 'Retry-After': '3' } }
      case 'reset':
        return { reset: true }
      case 'hang':
        return { hang: true }
      case 'truncate':
        return { truncate: true }
      case 'leave':
        return { mutate: (s) => s.workspaces[0]!.members.splice(spec.position % Math.max(1, s.workspaces[0]!.members.length), 1) }
      case 'join':
        return {
          mutate: (s) => {
            const members = s.workspaces[0]!.members
            members.splice(spec.position % (members.length + 1), 0, {
              uuid: uuidFor(5000 + spec.position, 'c'),
              account_id: `557058:joiner-${spec.position}`,
              display_name: 'Mbr-joiner-name',
              type: 'user',
              has_2fa_enabled: spec.flag
            })
          }
        }
      case 'spuriousNext':
        return { rewrite: (body, r) => (body.next === undefined ? { ...body, next: r.url.href.replace(/([?&]page=)\d+/, `$1${r.page + 1}`) } : body) }
      default:
        return { rewrite: (body) => contentRewrite(spec.kind as Exclude<PermissionContent, 'spuriousNext'>, body) }
    }
  })()
  return { when: (r) => r.n === spec.at, times: 1, action }
}

/** A permission fault as a rule, aimed at one listing (`target`) or at the endpoint's `at`-th request. */
function toPermissionRule(spec: PermissionFaultSpec, target: { workspace: string; repository?: string } | null, echo: string, secret: string): FaultRule {
  const times = spec.kind === 'fatal500' ? 10_000 : 1
  const aimed = (r: { workspace: string; repository?: string }) => target !== null && r.workspace === target.workspace && r.repository === target.repository
  const action = ((): FaultAction => {
    switch (spec.kind) {
      case 'auth401':
        return { status: 401, body: `{"type":"error","error":{"message":"Unauthorized: ${echo}"}}` }
      case 'auth403':
        return { status: 403, body: `{"type":"error","error":{"message":"You may not see permissions, ${secret}"}}` }
      case 'fatal500':
        return { status: 500, body: `{"type":"error","error":{"message":"Something went wrong, you sent ${echo}"}}` }
      case 'truncate':
        return { truncate: true }
      case 'malformed':
        return { rewrite: (body) => ({ ...body, values: `not a list ${secret}` }) }
      case 'status429':
        return { status: 429, contentType: 'text/plain', body: 'Rate limit for this resource has been exceeded' }
      case 'status503retry':
        return { status: 503, contentType: 'text/plain', body: `busy ${secret}`, headers: { 'Retry-After': '3' } }
      case 'reset':
        return { reset: true }
      case 'hang':
        return { hang: true }
      case 'spuriousNext':
        return { rewrite: (body, r) => (body.next === undefined ? { ...body, next: r.url.href.replace(/([?&]page=)\d+/, `$1${r.page + 1}`) } : body) }
      default:
        return { rewrite: (body) => contentRewrite(spec.kind as Exclude<PermissionContent, 'spuriousNext'>, body) }
    }
  })()
  return { endpoint: spec.endpoint, when: TARGETED.includes(spec.kind) ? aimed : (r) => r.n === spec.at, times, action }
}

/** What the organization says of identity `n`: on (managed), on but unmanaged, off, unsaid, or not returned. */
const ORG_STATES = ['on', 'unmanaged', 'off', 'absent', 'missing'] as const
function orgStateOf(n: number, seed: number): (typeof ORG_STATES)[number] {
  return ORG_STATES[(n * 7919 + seed) % ORG_STATES.length]!
}

/** One workspace as the simulator holds it at one moment (only its members ever change in a run). */
interface WorkspaceState {
  readonly slug: string
  readonly members: readonly SimUser[]
  readonly owners: readonly string[] | undefined
  readonly outsiders: readonly SimUser[]
  readonly repositories: readonly SimRepository[]
}

function stateOf(w: SimWorkspace): WorkspaceState {
  return { slug: w.slug, members: [...w.members], owners: w.owners, outsiders: [...(w.outsiders ?? [])], repositories: w.repositories ?? [] }
}

/** The world as the listings saw it: each workspace's members and admins (null: unknown), and each repository's writers. */
interface View {
  readonly workspaces: readonly { readonly slug: string; readonly members: readonly SimUser[]; readonly admins: ReadonlyMap<string, SimUser> | null }[]
  /** Null in workspace scope. */
  readonly repositories: readonly { readonly workspace: string; readonly writers: ReadonlyMap<string, SimUser> }[] | null
}

/** A user the workspace knows, member or outsider, by uuid. */
function resolve(state: WorkspaceState, uuid: string): SimUser | undefined {
  return state.members.find((m) => m.uuid === uuid) ?? state.outsiders.find((m) => m.uuid === uuid)
}

/** The workspace's owners: as set, or (the simulator's documented default) its first person with 2FA on. */
function ownerUuids(state: WorkspaceState): readonly string[] {
  if (state.owners !== undefined) return state.owners
  const first = state.members.find((m) => m.type !== 'app_user' && m.has_2fa_enabled === true)
  return first ? [first.uuid] : []
}

/** The admin listing's owners, or null when they cannot be known (refused, or a listing with no owner). */
function adminsOf(state: WorkspaceState, refused: boolean): ReadonlyMap<string, SimUser> | null {
  if (refused) return null
  const admins = new Map<string, SimUser>()
  for (const uuid of ownerUuids(state)) {
    const user = resolve(state, uuid)
    if (user) admins.set(uuid, user)
  }
  return admins.size === 0 ? null : admins
}

/** Who can push to or administer a repository: grants of write or admin, and (when it lists them) the owners it does not grant. */
function writersOf(state: WorkspaceState, slug: string): ReadonlyMap<string, SimUser> {
  const repository = state.repositories.find((r) => r.slug === slug)!
  const writers = new Map<string, SimUser>()
  for (const { uuid, permission } of repository.grants) {
    const user = resolve(state, uuid)
    if (user && (permission === 'write' || permission === 'admin')) writers.set(uuid, user)
  }
  if (repository.listsOwners === true) {
    for (const uuid of ownerUuids(state)) {
      const user = resolve(state, uuid)
      if (user && !repository.grants.some((g) => g.uuid === uuid)) writers.set(uuid, user)
    }
  }
  return writers
}

/** The expected outcome, from the rules. */
function oracle(view: View, exempt: string, options: { failOnUnknown: boolean; allowAdminExemptions: boolean }, protectedIds: ReadonlySet<string> = new Set()) {
  const unprovable = view.workspaces.some(({ members }) => {
    const people = members.filter((m) => m.type !== 'app_user')
    return people.length === 0 || people.every((m) => m.has_2fa_enabled !== true && m.has_2fa_enabled !== false)
  })
  // Everyone the member listings name, with every sighting and workspace.
  const listed = new Map<string, { seen: SimUser[]; workspaces: Set<string> }>()
  for (const { slug, members } of view.workspaces) {
    for (const m of members) {
      const entry = listed.get(m.uuid) ?? { seen: [], workspaces: new Set<string>() }
      entry.seen.push(m)
      entry.workspaces.add(slug)
      listed.set(m.uuid, entry)
    }
  }
  const adminsKnown = new Map(view.workspaces.map((w) => [w.slug, w.admins !== null]))
  const adminUuids = new Set(view.workspaces.flatMap((w) => [...(w.admins?.keys() ?? [])]))
  // Who the permission listings put in play: the admins always, the writers in repository scope.
  const named = new Map<string, { user: SimUser; workspaces: Set<string> }>()
  const name = (uuid: string, user: SimUser, workspace: string) => {
    const entry = named.get(uuid) ?? { user, workspaces: new Set<string>() }
    // A person anywhere is a person: a person's sighting wins over an app user's.
    if (user.type !== 'app_user') entry.user = user
    entry.workspaces.add(workspace)
    named.set(uuid, entry)
  }
  for (const { slug, admins } of view.workspaces) for (const [uuid, user] of admins ?? []) name(uuid, user, slug)
  for (const { workspace, writers } of view.repositories ?? []) for (const [uuid, user] of writers) name(uuid, user, workspace)
  // Without a workspace's admins, any of its members may be an (implicit repository) admin: all of them are judged.
  const widened = new Set(view.workspaces.filter((w) => w.admins === null).flatMap((w) => w.members.map((m) => m.uuid)))
  const inScope = (uuid: string) => view.repositories === null || named.has(uuid) || widened.has(uuid)

  const lines = parseExemptions(exempt)
  const inForce = lines.filter((e) => e.until === null || e.until >= TODAY)
  const linesFor = (user: SimUser) => inForce.filter((e) => e.id === user.uuid || e.id === user.account_id)

  const groups = {
    appUsers: [] as string[],
    nonCompliant: [] as string[],
    notAMember: [] as string[],
    unknown: [] as string[],
    exempted: [] as string[],
    atlassian2sv: [] as string[]
  }
  const admin: [string, boolean | null][] = []
  const refused: number[] = []
  const outOfScopeLines: number[] = []
  let inScopeCount = 0
  let outOfScopeCount = 0
  const judge = (uuid: string, user: SimUser, isListed: boolean, workspaces: ReadonlySet<string>) => {
    if (user.type === 'app_user') {
      groups.appUsers.push(uuid)
      return
    }
    inScopeCount++
    // Bitbucket's flag is seen only on the member listing.
    if (isListed && user.has_2fa_enabled === true) return
    // Any known admin listing that names them makes them an admin, whichever member listing they are in;
    // named by none, they may own a workspace whose admins are unknown: then nobody can say they are not.
    const anyUnknown = view.workspaces.some((w) => w.admins === null)
    const isAdmin = adminUuids.has(uuid) ? true : anyUnknown || [...workspaces].some((ws) => adminsKnown.get(ws) !== true) ? null : false
    admin.push([uuid, isAdmin])
    if (user.account_id !== undefined && protectedIds.has(user.account_id)) {
      groups.atlassian2sv.push(uuid)
      return
    }
    let active = linesFor(user)
    if (isAdmin === true && !options.allowAdminExemptions) {
      refused.push(...active.map((e) => e.line))
      active = []
    }
    if (active.length > 0) groups.exempted.push(uuid)
    else if (!isListed) groups.notAMember.push(uuid)
    else if (user.has_2fa_enabled === false) groups.nonCompliant.push(uuid)
    else groups.unknown.push(uuid)
  }
  for (const [uuid, { seen, workspaces }] of listed) {
    // A uuid seen as a person anywhere is a person, a permission listing included (then Bitbucket's
    // app_user sighting carries no flag); only a uuid seen only as an app user is one.
    const asPerson = named.get(uuid)?.user.type !== 'app_user' && named.has(uuid)
    const user = seen.find((m) => m.type !== 'app_user') ?? (asPerson ? { ...seen[0]!, type: 'user' as const, has_2fa_enabled: undefined } : seen[0]!)
    if (inScope(uuid)) judge(uuid, user, true, workspaces)
    else {
      outOfScopeCount++
      outOfScopeLines.push(...linesFor(user).map((e) => e.line))
    }
  }
  for (const [uuid, { user, workspaces }] of named) if (!listed.has(uuid)) judge(uuid, user, false, workspaces)

  const sorted = (list: readonly string[]) => [...list].sort()
  const unknownAdmins = view.workspaces.filter((w) => w.admins === null).map((w) => w.slug)
  return {
    unprovable,
    memberCount: listed.size,
    inScopeCount,
    outOfScopeCount,
    appUsers: sorted(groups.appUsers),
    nonCompliant: sorted(groups.nonCompliant),
    notAMember: sorted(groups.notAMember),
    unknown: sorted(groups.unknown),
    exempted: sorted(groups.exempted),
    atlassian2sv: sorted(groups.atlassian2sv),
    admin: Object.fromEntries(admin.sort(([a], [b]) => (a < b ? -1 : 1))),
    refused: refused.sort((a, b) => a - b),
    outOfScopeLines: outOfScopeLines.sort((a, b) => a - b),
    adminCount: unknownAdmins.length > 0 ? null : adminUuids.size,
    adminsUnknown: unknownAdmins.length > 0 ? unknownAdmins.sort() : null,
    compliant: groups.nonCompliant.length === 0 && groups.notAMember.length === 0 && (!options.failOnUnknown || groups.unknown.length === 0)
  }
}

/** The same outcome, read off a verdict. */
function outcomeOf(verdict: Verdict) {
  const uuids = (list: readonly { uuid: string }[]) => list.map((m) => m.uuid).sort()
  const judged: AccountRecord[] = [
    ...verdict.nonCompliant,
    ...verdict.notAMember,
    ...verdict.unknown,
    ...verdict.atlassian2sv,
    ...verdict.exempted.map((e) => e.account)
  ]
  return {
    unprovable: false,
    memberCount: verdict.memberCount,
    inScopeCount: verdict.inScopeCount,
    outOfScopeCount: verdict.outOfScopeCount,
    appUsers: uuids(verdict.appUsers),
    nonCompliant: uuids(verdict.nonCompliant),
    notAMember: uuids(verdict.notAMember),
    unknown: uuids(verdict.unknown),
    exempted: uuids(verdict.exempted.map((e) => e.account)),
    atlassian2sv: uuids(verdict.atlassian2sv),
    admin: Object.fromEntries(judged.map((a): [string, boolean | null] => [a.uuid, a.admin]).sort(([a], [b]) => (a < b ? -1 : 1))),
    refused: verdict.refusedExemptions.map((r) => r.exemption.line).sort((a, b) => a - b),
    outOfScopeLines: verdict.outOfScopeExemptions.map((e) => e.line).sort((a, b) => a - b),
    adminCount: verdict.adminCount,
    adminsUnknown: verdict.adminsUnknown === null ? null : verdict.adminsUnknown.workspaces.map((w) => w.workspace).sort(),
    compliant: verdict.compliant
  }
}

type Markdown = typeof import('../support/markdown.js')

function artefactsOf(verdict: Verdict, redact: boolean, workspaces: readonly string[], { nodesOfType, parseGfm }: Markdown): string[] {
  const summary = summaryOf(verdict, { redact, failOnViolation: true, workspaces })
  expect(nodesOfType(parseGfm(summary), 'html')).toEqual([])
  const shown = [
    summary,
    ...logLinesOf(verdict, { redact, workspaces }),
    ...exemptionWarningsOf(verdict),
    ...(verdict.compliant ? [] : [annotationOf(verdict, { redact, workspaces })]),
    jsonReportOf(verdict, { generatedAt: new Date(`${TODAY}T12:00:00Z`), apiOrigin: null, workspaces, redact })
  ]
  // The answer where Pipelines, other CIs and auditors look: each says what the verdict says.
  const model = modelOf(verdict, { redact, workspaces })
  const junit = renderJunit(model, { generatedAt: new Date(`${TODAY}T12:00:00Z`) })
  const failures = Number(/<testsuites[^>]* failures="(\d+)"/.exec(junit)?.[1] ?? NaN)
  expect(failures > 0, 'JUnit failures').toBe(!verdict.compliant)
  const insights = renderInsights(model, { generatedAt: new Date(`${TODAY}T12:00:00Z`), spell: CLI_SPELLING })
  expect(insights.report.result).toBe(verdict.compliant ? 'PASSED' : 'FAILED')
  if (redact) expect(insights.annotations).toEqual([])
  else expect(insights.annotations.filter((a) => a.result === 'FAILED').length).toBe(Math.min(1000, model.failing.length))
  const predicate = JSON.parse(
    renderAttestationPredicate(model, { policy: TEST_POLICY, version: '1.2.3', report: { name: 'r.json', sha256: 'a'.repeat(64) }, url: null })
  ) as { result: string; failedTests: string[] }
  expect(predicate.result).toBe(verdict.compliant ? 'PASSED' : 'FAILED')
  expect(predicate.failedTests.length > 0).toBe(!verdict.compliant)
  const variables = renderStepVariables(model)
  expect(variables.startsWith(`BB2FA_COMPLIANT=${verdict.compliant}\n`)).toBe(true)
  // Never a name, whatever redaction says: a predicate is public and permanent, step variables are printed.
  for (const text of [JSON.stringify(predicate), variables]) expect(text).not.toMatch(NAMES)
  if (redact) for (const text of [...shown, junit, JSON.stringify(insights)]) expect(text).not.toMatch(NAMES)
  return [...shown, junit, JSON.stringify(insights), JSON.stringify(outputsOf(verdict, { redact, workspaces })), tableOf(verdict, { workspaces })]
}

/** Every promise settled before the first failure is thrown: nothing of one run keeps reading into the next. */
async function settled<T>(promises: readonly Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(promises)
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed) throw failed.reason
  return results.map((r) => (r as PromiseFulfilledResult<T>).value)
}

// Both served in memory, on one network: a scripted hang is the client's timeout at once, not a wait.
const sim = new BitbucketSimulator({ workspaces: [], credentials: [adminCredential, repoAdminCredential, ACCESS] })
const ORG_KEY = 'org-property-key-6d3a91'
const org = new AtlassianOrgSimulator('org-1', ORG_KEY, [])
const network = memoryNetwork(sim, org)

describe("the gate's invariant under random worlds and faults", () => {
  it('decides exactly right when nothing goes wrong, fails closed otherwise; never green on a violator, never a secret', async () => {
    const fc = await import('fast-check')
    const markdown = await import('../support/markdown.js')
    const { worldArb, scheduleArb } = arbitraries(fc)
    const decided = { workspace: 0, repository: 0, adminsUnknown: 0 }
    const runs = Number(process.env.PROPERTY_RUNS ?? 120)
    await fc.assert(
      fc.asyncProperty(worldArb, scheduleArb, async (world, schedule) => {
        sim.workspaces.length = 0
        const listedBy = world.membership.map(({ share, seed }) => world.identities.filter((identity) => hashOf(identity.n, seed) < share))
        const anywhere = new Set(listedBy.flatMap((listed) => listed.map((identity) => identity.n)))
        world.membership.forEach(({ seed, botOf, bots, outsiders: outside, owners, collaborators, repositories }, w) => {
          const listed = listedBy[w]!
          const members = listed.map((identity) => userOf(identity, botOf !== null && listed.length > 0 && identity.n === listed[botOf % listed.length]!.n))
          for (let b = 0; b < bots; b++)
            members.push({ uuid: uuidFor(9000 + w * 10 + b, 'b'), account_id: `712020:${w}${b}`, display_name: `Mbr-bot-${b}`, type: 'app_user' })
          // People the member listing misses (the flag is never seen for them): members of another
          // workspace, or more often of none; now and then an app user.
          const inside = new Set(listed.map((identity) => identity.n))
          const outsiders: SimUser[] = world.identities
            .filter((identity) => !inside.has(identity.n) && hashOf(identity.n, outside.seed) < outside.share * (anywhere.has(identity.n) ? 1 : 5))
            .map((identity) => ({ ...userOf(identity, false), has_2fa_enabled: undefined }))
          for (let b = 0; b < outside.bots; b++)
            outsiders.push({ uuid: uuidFor(9500 + w * 10 + b, 'b'), account_id: `712020:o${w}${b}`, display_name: `Mbr-obot-${b}`, type: 'app_user' })
          const people = members.filter((m) => m.type !== 'app_user')
          const outsidePeople = outsiders.filter((m) => m.type !== 'app_user')
          const picked =
            owners.kind === 'default'
              ? undefined
              : owners.kind === 'none'
                ? []
                : owners.picks.flatMap(({ n, outsider, unproven }) => {
                    // Now and then an admin whom Bitbucket does not prove: the one an exemption must not hide.
                    const unprovenPeople = people.filter((m) => m.has_2fa_enabled !== true)
                    const from = outsider && outsidePeople.length > 0 ? outsidePeople : unproven && unprovenPeople.length > 0 ? unprovenPeople : people
                    return from.length === 0 ? [] : [from[n % from.length]!.uuid]
                  })
          const everyone = [...members, ...outsiders]
          sim.workspaces.push({
            slug: SLUGS[w]!,
            uuid: `{${'abc'[w]!.repeat(8)}-1111-4111-8111-111111111111}`,
            members,
            outsiders,
            ...(picked === undefined ? {} : { owners: [...new Set(picked)] }),
            collaborators: members.filter((m, i) => hashOf(i + 1, seed + 17) < collaborators).map((m) => m.uuid),
            repositories: repositories.map(({ share: granted, seed: grantSeed, listsOwners }, r) => ({
              slug: REPO_SLUGS[r]!,
              listsOwners,
              grants: everyone
                .map((user, i) => ({ user, i }))
                .filter(({ i }) => hashOf(i + 1, grantSeed) < granted)
                .map(({ user, i }) => ({ uuid: user.uuid, permission: PERMISSIONS[Math.floor(hashOf(i + 7, grantSeed + 3) * 4)]! }))
            }))
          })
        })

        // The scope: one or two of the world's repositories (their workspaces are then the ones read), or every workspace.
        const allRepositories = sim.workspaces.flatMap((w) =>
          (w.repositories ?? []).map((r): Repository => ({ workspace: w.slug, slug: r.slug, fullName: `${w.slug}/${r.slug}` }))
        )
        const scoped =
          world.scope === null || allRepositories.length === 0
            ? null
            : [...new Set(world.scope.map((k) => k % allRepositories.length))].map((k) => allRepositories[k]!)
        const order = sim.workspaces
          .map((w, i) => ({ slug: w.slug, key: world.order[i]! }))
          .sort((a, b) => a.key - b.key)
          .map((w) => w.slug)
          .filter((slug) => scoped === null || scoped.some((r) => r.workspace === slug))
        const credentialKind: CredentialKind = scoped !== null ? 'repo' : world.credential === 'access' && order.length > 1 ? 'api' : world.credential
        const { credentials, secret, echo, fragments } = credentialsOf(credentialKind)

        const owned = sim.workspaces.flatMap((w) => ownerUuids(stateOf(w)).flatMap((uuid) => resolve(stateOf(w), uuid) ?? []))
        const outside = sim.workspaces.flatMap((w) => (w.outsiders ?? []).filter((o) => o.type !== 'app_user'))
        const exempt = world.exemptions
          .filter(() => world.identities.length > 0)
          .map(({ target, aim, byUuid, expired, dated }) => {
            const pool = aim === 'owner' && owned.length > 0 ? owned : aim === 'outsider' && outside.length > 0 ? outside : null
            const user = pool === null ? userOf(world.identities[target % world.identities.length]!, false) : pool[target % pool.length]!
            const until = expired ? ' until 2026-11-25' : dated ? ' until 2026-11-26' : ''
            return `${byUuid ? user.uuid : user.account_id!}${until} # reason`
          })
          .filter((line, i, all) => all.findIndex((other) => other.split(' ')[0] === line.split(' ')[0]) === i)
          .join('\n')
        sim.includeSize = schedule.includeSize
        sim.ignoreQuery = world.ignoreQuery
        // A member who joins or leaves after a listing was read is rightly not seen by it: each listing
        // must match the world as it was before the change, or as it is after; nothing in between.
        const before = sim.workspaces.map(stateOf)
        sim.faults.length = 0
        const memberRules = schedule.faults.map((f) => toRule(f, echo, secret))
        sim.faults.push(...memberRules)
        const permissionRules = schedule.permissionFaults.map((spec) => {
          const target =
            spec.endpoint === 'admins'
              ? order.length === 0
                ? null
                : { workspace: order[spec.target % order.length]! }
              : scoped === null
                ? null
                : (({ workspace, slug }) => ({ workspace, repository: slug }))(scoped[spec.target % scoped.length]!)
          const rule = toPermissionRule(spec, target, echo, secret)
          return { spec, target, rule, times: rule.times! }
        })
        // The simulator takes the first rule that matches: a rule aimed at a listing goes first, so nothing interrupts a persistent one.
        sim.faults.push(...permissionRules.filter((p) => TARGETED.includes(p.spec.kind)).map((p) => p.rule))
        sim.faults.push(...permissionRules.filter((p) => !TARGETED.includes(p.spec.kind)).map((p) => p.rule))
        sim.resetStats()
        const { context } = clientContext(sim, { transport: network, credentials })
        org.users.length = 0
        org.log.length = 0
        org.faults.length = 0
        const protectedIds = new Set<string>()
        if (world.org) {
          for (const identity of world.identities) {
            const state = orgStateOf(identity.n, world.org.seed)
            const accountId = userOf(identity, false).account_id!
            if (state === 'missing') continue
            org.users.push({
              accountId,
              ...(state === 'absent' ? {} : { mfaEnabled: state !== 'off' }),
              claimStatus: state === 'unmanaged' ? 'unmanaged' : 'managed'
            })
            if (state === 'on' && world.org.accept && !world.org.failing) protectedIds.add(accountId)
          }
          if (world.org.failing) org.faults.push({ times: 10_000, status: 500 })
        }
        const organization = world.org ? { orgId: 'org-1', apiKey: ORG_KEY, apiUrl: new URL(org.apiUrl), accept: world.org.accept } : null
        const orgBreaksVerdict = world.org?.failing === true && world.org.accept
        const options = { failOnUnknown: world.failOnUnknown, allowAdminExemptions: world.allowAdminExemptions }
        // Which admin listings were refused (a 401 or 403 that fired, or an access token's, never sent).
        const refusedAdmins = (): ReadonlySet<string> =>
          new Set([
            ...permissionRules
              .filter((p) => p.rule.times! < p.times && (p.spec.kind === 'auth401' || p.spec.kind === 'auth403') && p.spec.endpoint === 'admins')
              .map((p) => p.target!.workspace),
            ...(credentialKind === 'access' ? order : [])
          ])
        // The world as the listings read it: from `states`, but a listing that `pick` names from the state it gives.
        const viewOf = (states: readonly WorkspaceState[], pick: (listing: string) => WorkspaceState | undefined = () => undefined): View => {
          const refused = refusedAdmins()
          const at = (slug: string, listing: string) => pick(listing) ?? states.find((s) => s.slug === slug)!
          return {
            workspaces: order.map((slug) => ({
              slug,
              members: at(slug, `members:${slug}`).members,
              admins: adminsOf(at(slug, `admins:${slug}`), refused.has(slug))
            })),
            repositories:
              scoped === null ? null : scoped.map((r) => ({ workspace: r.workspace, writers: writersOf(at(r.workspace, `repository:${r.fullName}`), r.slug) }))
          }
        }
        let verdict: Verdict
        let adminsRead: readonly WorkspaceAdmins[]
        try {
          // Every listing at once, as the engine reads them.
          const reads = [
            settled(order.map((slug) => listMembers(slug, context))),
            settled(order.map((slug) => listAdmins(slug, context))),
            scoped === null ? Promise.resolve(null) : settled(scoped.map((repository) => listWriters(repository, context)))
          ] as const
          await Promise.allSettled(reads)
          const [listings, admins, writers] = [await reads[0], await reads[1], await reads[2]]
          adminsRead = admins
          const unproven = unprovenAccountIds(listings, { admins, repositories: writers })
          const secondSource = organization === null ? null : await askOrganization(organization, unproven, context)
          verdict = decideCompliance(listings, {
            exemptions: parseExemptions(exempt),
            today: TODAY,
            failOnUnknown: world.failOnUnknown,
            admins,
            repositories: writers,
            allowAdminExemptions: world.allowAdminExemptions,
            ...(secondSource === null ? {} : { secondSource })
          })
        } catch (error) {
          expect(error).toBeInstanceOf(GateError)
          const fired = permissionRules.filter((p) => p.rule.times! < p.times)
          const authOnly = fired.every((p) => p.spec.endpoint === 'admins' && (p.spec.kind === 'auth401' || p.spec.kind === 'auth403'))
          const memberFaulted = memberRules.some((rule) => rule.times! < 1)
          if (!memberFaulted && authOnly && !orgBreaksVerdict) {
            const truth = oracle(viewOf(sim.workspaces.map(stateOf)), exempt, options)
            expect(truth.unprovable, `no fault, yet no verdict: ${errorMessage(error)}`).toBe(true)
          }
          const message = scrubSecrets(errorMessage(error, world.redact), [])
          for (const text of [message, renderErrorSummary(message)]) for (const fragment of fragments) expect(text).not.toContain(fragment)
          if (world.redact) expect(message).not.toMatch(NAMES)
          return
        }
        // A 5xx past the retries, a malformed page or a refused repository listing leaves no verdict.
        const fatal = permissionRules.filter(
          (p) => p.rule.times! < p.times && (p.spec.endpoint === 'repository' ? TARGETED : ['fatal500', 'truncate', 'malformed']).includes(p.spec.kind)
        )
        expect(
          fatal.map((p) => p.spec),
          'a permission listing failed, yet a verdict'
        ).toEqual([])
        // Nobody unproven: the organization is not asked at all, so its failure cannot matter.
        expect(orgBreaksVerdict && org.log.length > 0, 'the organization failed with accept-atlassian-2sv: true, yet a verdict').toBe(false)
        for (const entry of org.log) expect(entry.authorization).toBe(`Bearer ${ORG_KEY}`)
        for (const entry of sim.log) expect(entry.authorization).not.toContain(ORG_KEY)
        // An access token is known to be refused permissions: no request is spent on them.
        if (credentialKind === 'access') expect(sim.adminRequests).toBe(0)

        // The views the listings may have seen: the workspace the one membership change touches may be
        // seen before or after it by each of its listings independently.
        const after = sim.workspaces.map(stateOf)
        const changed = SLUGS[0]!
        const touched = [
          `members:${changed}`,
          `admins:${changed}`,
          ...(scoped ?? []).filter((r) => r.workspace === changed).map((r) => `repository:${r.fullName}`)
        ]
        const mutated = order.includes(changed) && JSON.stringify(before[0]!.members) !== JSON.stringify(after[0]!.members)
        const truths = (mutated ? Array.from({ length: 2 ** touched.length }, (_, bits) => bits) : [0]).map((bits) =>
          oracle(
            viewOf(after, (listing) => {
              const k = touched.indexOf(listing)
              return k >= 0 && (bits & (1 << k)) !== 0 ? before[0] : undefined
            }),
            exempt,
            options,
            protectedIds
          )
        )
        expect(truths).toContainEqual(outcomeOf(verdict))
        decided[scoped === null ? 'workspace' : 'repository']++
        if (adminsRead.some((a) => !a.lookup.known)) decided.adminsUnknown++
        for (const text of artefactsOf(verdict, world.redact, order, markdown)) for (const fragment of fragments) expect(text).not.toContain(fragment)
      }),
      // PROPERTY_SEED makes a run repeatable (the mutation tests use one, so every mutant meets the same worlds).
      {
        numRuns: runs,
        endOnFailure: true,
        ...(process.env.PROPERTY_SEED ? { seed: Number(process.env.PROPERTY_SEED) } : {})
      }
    )
    expect(decided.workspace + decided.repository).toBeGreaterThan(0)
    // The worlds reach every kind of verdict: a generator that stopped making them would pass vacuously.
    if (runs >= 100) for (const kind of ['workspace', 'repository', 'adminsUnknown'] as const) expect(decided[kind], kind).toBeGreaterThan(0)
  }, 900_000)
})
