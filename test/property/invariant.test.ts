import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listMembers } from '../../src/bitbucket/members.js'
import { GateError } from '../../src/errors.js'
import { parseExemptions } from '../../src/exemptions.js'
import { annotationText, verdictLogLines } from '../../src/report/log.js'
import { buildOutputs } from '../../src/report/outputs.js'
import { renderErrorSummary, renderSummary } from '../../src/report/summary.js'
import { decideCompliance } from '../../src/verdict.js'
import { ADMIN_TOKEN, adminCredential, uuidFor } from '../simulator/fixtures.js'
import { BitbucketSimulator, type FaultAction, type FaultRule, type SimUser } from '../simulator/server.js'
import { clientContext } from '../support/client.js'
import { nodesOfType, parseGfm } from '../support/markdown.js'

/**
 * The gate's invariant, as a property: whatever the workspace and whatever Bitbucket does while it is
 * read, the outcome is exactly the true set of non-compliant and unknown people, or a fail-closed
 * error; never compliant=true while a violator or unknown exists, never a secret in any artefact.
 *
 * "True" is the workspace as it stands when the run ends. Faults that change content are limited to
 * what one client can detect: at most one membership change per run (a leave and a join between the
 * same two page reads keep `size` unchanged and are undetectable in one read: see the README), and
 * without `size`, at most one content fault (a page that drops the same member on every read is
 * indistinguishable from the truth when Bitbucket gives no count).
 */

const HOSTILE = ['Eve\n::error::x', '<img src=x onerror=alert(1)>', 'a | b', '[x](javascript:alert(1))', 'Zoë 👩🏽‍💻', '\u202eevil', 'www.evil.example']

const memberArb = (index: number) =>
  fc.record({
    appUser: fc.boolean().map((b) => b && index % 7 === 3),
    flag: fc.constantFrom<boolean | null | undefined>(true, true, true, true, false, null, undefined),
    name: fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 12, unit: 'grapheme' }), fc.constant(`Person ${index}`))
  })

const workspaceArb = fc.integer({ min: 0, max: 1000 }).chain((size) =>
  fc.tuple(...Array.from({ length: size }, (_, i) => memberArb(i))).map((specs) =>
    specs.map(
      (spec, i): SimUser => ({
        uuid: uuidFor(i + 1),
        account_id: `557058:${String(i + 1).padStart(8, '0')}`,
        display_name: spec.name,
        nickname: spec.name,
        type: spec.appUser ? 'app_user' : 'user',
        has_2fa_enabled: spec.flag
      })
    )
  )
)

type Transport = 'status429' | 'status500' | 'status502html' | 'status503retry' | 'reset' | 'hang' | 'truncate'
type Content = 'leave' | 'join' | 'skip' | 'repeat' | 'sizeUp' | 'sizeDown' | 'spuriousNext'
interface FaultSpec {
  readonly at: number
  readonly kind: Transport | Content
  readonly position: number
  readonly flag: boolean | null
}
const CONTENT: readonly string[] = ['leave', 'join', 'skip', 'repeat', 'sizeUp', 'sizeDown', 'spuriousNext']

const faultArb = fc.record({
  at: fc.integer({ min: 1, max: 30 }),
  kind: fc.constantFrom<Transport | Content>(
    'status429', 'status500', 'status502html', 'status503retry', 'reset', 'hang', 'truncate',
    'leave', 'join', 'skip', 'repeat', 'sizeUp', 'sizeDown', 'spuriousNext'
  ),
  position: fc.nat({ max: 1000 }),
  flag: fc.constantFrom<boolean | null>(true, false, null)
})

const scheduleArb = fc.record({ includeSize: fc.boolean(), faults: fc.array(faultArb, { maxLength: 6 }) }).map(({ includeSize, faults }) => {
  let mutations = 0
  let content = 0
  const kept = faults.filter((f) => {
    if (!CONTENT.includes(f.kind)) return true
    if ((f.kind === 'leave' || f.kind === 'join') && mutations++ > 0) return false
    return includeSize || content++ === 0
  })
  return { includeSize, faults: kept }
})

function toRule(spec: FaultSpec): FaultRule {
  const action = ((): FaultAction => {
    switch (spec.kind) {
      case 'status429':
        return { status: 429, contentType: 'text/plain', body: 'Rate limit for this resource has been exceeded' }
      case 'status500':
        return { status: 500, body: '{"type":"error","error":{"message":"Something went wrong"}}' }
      case 'status502html':
        return { status: 502, contentType: 'text/html', body: '<html><body>Bad Gateway</body></html>' }
      case 'status503retry':
        return { status: 503, contentType: 'text/plain', body: 'busy', headers: { 'Retry-After': '3' } }
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
              display_name: 'Joiner',
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

const sim = new BitbucketSimulator({ workspaces: [], credentials: [adminCredential] })
beforeAll(async () => {
  await sim.start()
})
afterAll(async () => {
  await sim.stop()
})

describe('the gate\'s invariant under random workspaces and faults', () => {
  it('is exactly right, or fails closed; never green on a violator, never a secret', async () => {
    await fc.assert(
      fc.asyncProperty(workspaceArb, scheduleArb, async (members, schedule) => {
        sim.workspaces.length = 0
        sim.workspaces.push({ slug: 'acme', uuid: '{aaaaaaaa-1111-4111-8111-111111111111}', members: [...members] })
        sim.includeSize = schedule.includeSize
        sim.faults.length = 0
        sim.faults.push(...schedule.faults.map(toRule))
        sim.resetStats()
        const { context } = clientContext(sim.apiUrl, { timeoutMs: 100 })
        let verdict
        try {
          const listing = await listMembers('acme', context)
          verdict = decideCompliance([listing], { exemptions: parseExemptions(''), today: '2026-11-26', failOnUnknown: true })
        } catch (error) {
          expect(error).toBeInstanceOf(GateError)
          const message = (error as Error).message
          expect(message).not.toContain(ADMIN_TOKEN)
          expect(renderErrorSummary(message)).not.toContain(ADMIN_TOKEN)
          return
        }
        const truth = sim.workspaces[0]!.members
        const people = truth.filter((m) => m.type !== 'app_user')
        const uuids = (list: readonly { uuid: string }[]) => list.map((m) => m.uuid.toLowerCase()).sort()
        expect(verdict.memberCount).toBe(truth.length)
        expect(uuids(verdict.appUsers)).toEqual(uuids(truth.filter((m) => m.type === 'app_user')))
        expect(verdict.enabledCount).toBe(people.filter((m) => m.has_2fa_enabled === true).length)
        expect(uuids(verdict.nonCompliant)).toEqual(uuids(people.filter((m) => m.has_2fa_enabled === false)))
        expect(uuids(verdict.unknown)).toEqual(uuids(people.filter((m) => m.has_2fa_enabled !== true && m.has_2fa_enabled !== false)))
        if (verdict.compliant) expect(people.every((m) => m.has_2fa_enabled === true)).toBe(true)
        const summary = renderSummary(verdict, { redact: false, failOnViolation: true })
        const artefacts = [summary, JSON.stringify(buildOutputs(verdict)), ...verdictLogLines(verdict, false), annotationText(verdict, false)]
        for (const text of artefacts) expect(text).not.toContain(ADMIN_TOKEN)
        expect(nodesOfType(parseGfm(summary), 'html')).toEqual([])
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 120) }
    )
  }, 900_000)
})
