import { describe, expect, it } from 'vitest'
import { parseExemptions } from '../src/config/exemptions.js'
import { check, secretsFor } from '../src/engine.js'
import { ADMIN_EMAIL, ADMIN_TOKEN, adminCredential, compliantWorkspace, person } from './simulator/fixtures.js'
import { BitbucketSimulator } from './simulator/server.js'
import { DEFAULT_RETRY_POLICY } from '../src/http/retry.js'
import type { RunDependencies } from '../src/engine.js'
import { QUICK } from './support/quick.js'

const acme = compliantWorkspace('acme', 250)
acme.members[180] = person(181, false)
/** Served in memory: the engine's requests go through the simulator's transport, no socket. */
const sim = new BitbucketSimulator({ workspaces: [acme, compliantWorkspace('beta', 120, 1000)], credentials: [adminCredential] })
/** The engine's dependencies for a test: the simulator in memory, a fixed day, a clock that never waits. */
const inMemory = (): RunDependencies => ({
  now: () => new Date('2026-11-26T12:00:00Z'),
  clock: { sleep: () => Promise.resolve() },
  random: () => 0.5,
  transport: sim.transport(),
  retryPolicy: DEFAULT_RETRY_POLICY
})

const options = () => ({
  workspaces: ['acme', 'beta'],
  credentials: { kind: 'api-token' as const, email: ADMIN_EMAIL, token: ADMIN_TOKEN },
  apiUrl: new URL(sim.apiUrl),
  exemptions: parseExemptions(''),
  failOnUnknown: true
})

describe('check', QUICK, () => {
  it('lists every workspace and decides, telling its events', async () => {
    const pages: string[] = []
    const responses: number[] = []
    const verdict = await check(options(), {
      ...inMemory(),
      events: {
        page: ({ workspace, pageNo, pages: total }) => pages.push(`${workspace} ${pageNo}/${String(total)}`),
        response: ({ status }) => responses.push(status)
      }
    })
    expect(verdict.memberCount).toBe(370)
    expect(verdict.nonCompliant.map((a) => a.uuid)).toEqual([person(181, false).uuid])
    expect(pages.sort()).toEqual(['acme 1/3', 'acme 2/3', 'acme 3/3', 'beta 1/2', 'beta 2/2'])
    // Five member pages, and one admin listing of each workspace.
    expect(responses).toEqual([200, 200, 200, 200, 200, 200, 200])
    expect(sim.adminRequests).toBe(2)
  })

  it('decides the day from its clock (exemptions end by it)', async () => {
    const exempt = parseExemptions(`${person(181, false).account_id!} until 2026-11-26`)
    const deps = inMemory()
    expect((await check({ ...options(), exemptions: exempt }, deps)).compliant).toBe(true)
    expect((await check({ ...options(), exemptions: exempt }, { ...deps, now: () => new Date('2026-11-27T00:00:01Z') })).compliant).toBe(false)
  })

  it('names the secrets a door must mask: the token, the header, its base64', () => {
    const base64 = Buffer.from(`${ADMIN_EMAIL}:${ADMIN_TOKEN}`).toString('base64')
    expect(secretsFor(options())).toEqual(expect.arrayContaining([ADMIN_TOKEN, `Basic ${base64}`, base64]))
  })
})
