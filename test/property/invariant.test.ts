import type * as FastCheck from 'fast-check'
import { describe, expect, it } from 'vitest'
import { listMembers } from '../../src/bitbucket/listing/list.js'
import { errorMessage, GateError } from '../../src/errors.js'
import { parseExemptions } from '../../src/config/exemptions.js'
import { renderErrorSummary } from '../../src/present/summary.js'
import { annotationOf, exemptionWarningsOf, logLinesOf, outputsOf, summaryOf } from '../support/present.js'
import { scrubSecrets } from '../../src/secrets.js'
import { decideCompliance, type Verdict } from '../../src/gate/verdict.js'
import { ADMIN_EMAIL, ADMIN_TOKEN, adminCredential, uuidFor } from '../simulator/fixtures.js'
import { BitbucketSimulator, type FaultAction, type FaultRule, type SimUser } from '../simulator/server.js'
import { clientContext } from '../support/client.js'
import { askOrganization } from '../../src/engine.js'
import { AtlassianOrgSimulator } from '../simulator/atlassian.js'
import { memoryNetwork } from '../simulator/http.js'

/**
 * The gate's invariant, as a property, over random worlds: up to three workspaces sharing people
 * (a uuid may even show up as an app user in one of them), random exemptions (some expired, by uuid
 * or account id), `fail-on-unknown` and redaction both ways, the workspaces in shuffled order, and
 * sometimes faults. The oracle below is written from the rules, not from the gate's code:
 *
 * - with no faults the gate must decide, unless the world is unprovable (a workspace with no
 *   members, no people, or no person with a flag);
 * - a decision is exactly the truth, and `compliant` holds if and only if every person not exempt is
 *   proven (has_2fa_enabled true), or, with `fail-on-unknown: false`, is not proven off;
 * - no artefact holds a secret or a fragment of one; when redacting, none holds a member's name;
 * - with an organization (half the worlds), a person is green exactly when Bitbucket says `true`, or
 *   when `accept-atlassian-2sv` is on and the organization says `mfaEnabled: true` on a managed
 *   account; an organization that fails while accepted leaves no verdict; its key goes only to it.
 *
 * "True" is the world as it stands when the run ends. Faults that change content are limited to
 * what one client can detect (see docs/security.md, "One limit"): at most one membership change per
 * run, and without `size` at most one content fault.
 */

const TODAY = '2026-11-26'
const BASE64 = Buffer.from(`${ADMIN_EMAIL}:${ADMIN_TOKEN}`).toString('base64')
const FRAGMENTS = [ADMIN_TOKEN, BASE64].flatMap((secret) => Array.from({ length: secret.length - 7 }, (_, i) => secret.slice(i, i + 8)))
const HOSTILE = ['Eve\n::error::x', '<img src=x onerror=alert(1)>', 'a | b', '[x](javascript:alert(1))', 'Zoë 👩🏽‍💻', '\u202eevil', 'www.evil.example']
const SLUGS = ['acme', 'beta', 'gamma']

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
            bots: fc.nat({ max: 3 })
          }),
          {
            minLength: workspaceCount,
            maxLength: workspaceCount
          }
        ),
        exemptions: fc.array(fc.record({ target: fc.nat(), byUuid: fc.boolean(), expired: fc.boolean(), dated: fc.boolean() }), { maxLength: 5 }),
        failOnUnknown: fc.boolean(),
        redact: fc.boolean(),
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

  /** Half the runs have no faults at all: those must decide. */
  const scheduleArb = fc
    .record({ includeSize: fc.boolean(), faults: fc.oneof(fc.constant<FaultSpec[]>([]), fc.array(faultArb, { maxLength: 6 })) })
    .map(({ includeSize, faults }) => {
      let mutations = 0
      let content = 0
      const kept = faults.filter((f) => {
        if (!CONTENT.includes(f.kind)) return true
        if ((f.kind === 'leave' || f.kind === 'join') && mutations++ > 0) return false
        return includeSize || content++ === 0
      })
      return { includeSize, faults: kept }
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

function toRule(spec: FaultSpec): FaultRule {
  const action = ((): FaultAction => {
    switch (spec.kind) {
      case 'status429':
        return { status: 429, contentType: 'text/plain', body: 'Rate limit for this resource has been exceeded' }
      case 'status500':
        return { status: 500, body: `{"type":"error","error":{"message":"Something went wrong, you sent Basic ${BASE64}"}}` }
      case 'status502html':
        return { status: 502, contentType: 'text/html', body: '<html><body>Bad Gateway</body></html>' }
      case 'status503retry':
        return { status: 503, contentType: 'text/plain', body: `busy ${ADMIN_TOKEN}`, headers: { 'Retry-After': '3' } }
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
      case 'skip':
        return { rewrite: (body) => ({ ...body, values: body.values.slice(1) }) }
      case 'repeat':
        return { rewrite: (body) => ({ ...body, values: body.values.length > 0 ? [body.values[0], ...body.values.slice(0, -1)] : [] }) }
      case 'sizeUp':
        return { rewrite: (body) => (body.size === undefined ? body : { ...body, size: body.size + 1 }) }
      case 'sizeDown':
        return { rewrite: (body) => (body.size === undefined ? body : { ...body, size: Math.max(0, body.size - 1) }) }
      case 'spuriousNext':
        return { rewrite: (body, r) => (body.next === undefined ? { ...body, next: r.url.href.replace(/([?&]page=)\d+/, `$1${r.page + 1}`) } : body) }
    }
  })()
  return { when: (r) => r.n === spec.at, times: 1, action }
}

/** The expected outcome, from the rules. */
/** What the organization says of identity `n`: on (managed), on but unmanaged, off, unsaid, or not returned. */
const ORG_STATES = ['on', 'unmanaged', 'off', 'absent', 'missing'] as const
function orgStateOf(n: number, seed: number): (typeof ORG_STATES)[number] {
  return ORG_STATES[(n * 7919 + seed) % ORG_STATES.length]!
}

function oracle(
  workspaces: readonly { slug: string; members: readonly SimUser[] }[],
  exempt: string,
  failOnUnknown: boolean,
  protectedIds: ReadonlySet<string> = new Set()
) {
  const unprovable = workspaces.some(({ members }) => {
    const people = members.filter((m) => m.type !== 'app_user')
    return people.length === 0 || people.every((m) => m.has_2fa_enabled !== true && m.has_2fa_enabled !== false)
  })
  const sightings = new Map<string, SimUser[]>()
  for (const { members } of workspaces) for (const m of members) sightings.set(m.uuid, [...(sightings.get(m.uuid) ?? []), m])
  const lines = parseExemptions(exempt).filter((e) => e.until === null || e.until >= TODAY)
  const exempted = (m: SimUser) => lines.some((e) => e.id === m.uuid || e.id === m.account_id)
  const people = [...sightings.values()].map((seen) => seen.find((m) => m.type !== 'app_user')).filter((m): m is SimUser => m !== undefined)
  // Accepted Atlassian 2SV proves a person Bitbucket does not, whatever else holds.
  const protectedBy2sv = (m: SimUser) => m.account_id !== undefined && protectedIds.has(m.account_id)
  const off = people.filter((m) => !protectedBy2sv(m) && !exempted(m) && m.has_2fa_enabled === false)
  const unknown = people.filter((m) => !protectedBy2sv(m) && !exempted(m) && m.has_2fa_enabled !== true && m.has_2fa_enabled !== false)
  const uuids = (list: readonly SimUser[]) => list.map((m) => m.uuid).sort()
  return {
    unprovable,
    memberCount: sightings.size,
    appUsers: [...sightings]
      .filter(([, seen]) => seen.every((m) => m.type === 'app_user'))
      .map(([uuid]) => uuid)
      .sort(),
    nonCompliant: uuids(off),
    unknown: uuids(unknown),
    atlassian2sv: uuids(people.filter((m) => protectedBy2sv(m) && m.has_2fa_enabled !== true)),
    compliant: off.length === 0 && (!failOnUnknown || unknown.length === 0)
  }
}

type Markdown = typeof import('../support/markdown.js')

function artefactsOf(verdict: Verdict, redact: boolean, { nodesOfType, parseGfm }: Markdown): string[] {
  const summary = summaryOf(verdict, { redact, failOnViolation: true, workspaces: ['acme'] })
  expect(nodesOfType(parseGfm(summary), 'html')).toEqual([])
  const shown = [
    summary,
    ...logLinesOf(verdict, { redact: redact, workspaces: ['acme'] }),
    ...exemptionWarningsOf(verdict),
    ...(verdict.compliant ? [] : [annotationOf(verdict, { redact: redact, workspaces: ['acme'] })])
  ]
  if (redact) for (const text of shown) expect(text).not.toMatch(/Mbr-|mbrnick|557058:|\{aaaaaaaa-/)
  return [...shown, JSON.stringify(outputsOf(verdict))]
}

// Both served in memory, on one network: a scripted hang is the client's timeout at once, not a wait.
const sim = new BitbucketSimulator({ workspaces: [], credentials: [adminCredential] })
const ORG_KEY = 'org-property-key-6d3a91'
const org = new AtlassianOrgSimulator('org-1', ORG_KEY, [])
const network = memoryNetwork(sim, org)

describe("the gate's invariant under random worlds and faults", () => {
  it('decides exactly right when nothing goes wrong, fails closed otherwise; never green on a violator, never a secret', async () => {
    const fc = await import('fast-check')
    const markdown = await import('../support/markdown.js')
    const { worldArb, scheduleArb } = arbitraries(fc)
    let decided = 0
    await fc.assert(
      fc.asyncProperty(worldArb, scheduleArb, async (world, schedule) => {
        sim.workspaces.length = 0
        world.membership.forEach(({ share, seed, botOf, bots }, w) => {
          const listed = world.identities.filter((identity) => ((identity.n * 2654435761 + seed) % 1000) / 1000 < share)
          const members = listed.map((identity) => userOf(identity, botOf !== null && listed.length > 0 && identity.n === listed[botOf % listed.length]!.n))
          for (let b = 0; b < bots; b++)
            members.push({ uuid: uuidFor(9000 + w * 10 + b, 'b'), account_id: `712020:${w}${b}`, display_name: `Mbr-bot-${b}`, type: 'app_user' })
          sim.workspaces.push({ slug: SLUGS[w]!, uuid: `{${'abc'[w]!.repeat(8)}-1111-4111-8111-111111111111}`, members })
        })
        const exempt = world.exemptions
          .filter(() => world.identities.length > 0)
          .map(({ target, byUuid, expired, dated }) => {
            const user = userOf(world.identities[target % world.identities.length]!, false)
            const until = expired ? ' until 2026-11-25' : dated ? ' until 2026-11-26' : ''
            return `${byUuid ? user.uuid : user.account_id!}${until} # reason`
          })
          .filter((line, i, all) => all.findIndex((other) => other.split(' ')[0] === line.split(' ')[0]) === i)
          .join('\n')
        sim.includeSize = schedule.includeSize
        // A member who joins or leaves after their workspace was read is rightly not seen: the verdict
        // must then match the world as it was before the change, or as it is after; nothing in between.
        const before = sim.workspaces.map((w) => ({ slug: w.slug, members: [...w.members] }))
        sim.faults.length = 0
        sim.faults.push(...schedule.faults.map(toRule))
        sim.resetStats()
        const order = sim.workspaces
          .map((w, i) => ({ slug: w.slug, key: world.order[i]! }))
          .sort((a, b) => a.key - b.key)
          .map((w) => w.slug)
        const { context } = clientContext(sim, { transport: network })
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
        let verdict: Verdict
        try {
          const listings = await Promise.all(order.map((slug) => listMembers(slug, context)))
          const secondSource = organization === null ? null : await askOrganization(organization, listings, context)
          verdict = decideCompliance(listings, {
            exemptions: parseExemptions(exempt),
            today: TODAY,
            failOnUnknown: world.failOnUnknown,
            ...(secondSource === null ? {} : { secondSource })
          })
        } catch (error) {
          expect(error).toBeInstanceOf(GateError)
          const truth = oracle(sim.workspaces, exempt, world.failOnUnknown)
          if (schedule.faults.length === 0 && !orgBreaksVerdict) expect(truth.unprovable, `no fault, yet no verdict: ${errorMessage(error)}`).toBe(true)
          const message = scrubSecrets(errorMessage(error, world.redact), [])
          for (const text of [message, renderErrorSummary(message)]) for (const fragment of FRAGMENTS) expect(text).not.toContain(fragment)
          if (world.redact) expect(message).not.toMatch(/Mbr-|mbrnick|557058:|\{aaaaaaaa-/)
          return
        }
        decided++
        // Nobody unproven: the organization is not asked at all, so its failure cannot matter.
        expect(orgBreaksVerdict && org.log.length > 0, 'the organization failed with accept-atlassian-2sv: true, yet a verdict').toBe(false)
        for (const entry of org.log) expect(entry.authorization).toBe(`Bearer ${ORG_KEY}`)
        for (const entry of sim.log) expect(entry.authorization).not.toContain(ORG_KEY)
        const truths = [oracle(before, exempt, world.failOnUnknown, protectedIds), oracle(sim.workspaces, exempt, world.failOnUnknown, protectedIds)]
        const uuids = (list: readonly { uuid: string }[]) => list.map((m) => m.uuid).sort()
        const decidedWorld = {
          unprovable: false,
          memberCount: verdict.memberCount,
          appUsers: uuids(verdict.appUsers),
          nonCompliant: uuids(verdict.nonCompliant),
          unknown: uuids(verdict.unknown),
          atlassian2sv: uuids(verdict.atlassian2sv),
          compliant: verdict.compliant
        }
        expect(truths).toContainEqual(decidedWorld)
        for (const text of artefactsOf(verdict, world.redact, markdown)) for (const fragment of FRAGMENTS) expect(text).not.toContain(fragment)
      }),
      // PROPERTY_SEED makes a run repeatable (the mutation tests use one, so every mutant meets the same worlds).
      {
        numRuns: Number(process.env.PROPERTY_RUNS ?? 120),
        endOnFailure: true,
        ...(process.env.PROPERTY_SEED ? { seed: Number(process.env.PROPERTY_SEED) } : {})
      }
    )
    expect(decided).toBeGreaterThan(0)
  }, 900_000)
})
