/**
 * `npm run bench`: a benchmark, not a test. Starts the simulator with per-request latency and N members,
 * runs the bundled dist/index.js as a runner would and, alternating with it, a baseline that reads the
 * same listings one page at a time (test/scripts/baseline.mjs), and prints the figures. Two runs per
 * size: the workspace audit (members + admins), and the release gate scoped to repository acme/app
 * (members + admins + the repository's writers).
 *
 *   npm run bench -- --members 1000,10000,100000 --latency 30 --reps 5 --startup-reps 20
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { ADMIN_EMAIL, ADMIN_TOKEN, adminCredential, compliantWorkspace, person, REPO_ADMIN_TOKEN, repoAdminCredential } from '../simulator/fixtures.js'
import { BitbucketSimulator, type SimGrant, type SimWorkspace } from '../simulator/server.js'
import { runAction, spawnNode } from '../support/action.js'

const MAX_IN_FLIGHT = 8
const PAGELEN = 100
const OWNERS = 5
const GOAL_MEMBERS = 10_000
const MEMORY_MEMBERS = 100_000
const { values } = parseArgs({
  options: {
    members: { type: 'string', default: '1000,10000,100000' },
    latency: { type: 'string', default: '30' },
    reps: { type: 'string', default: '5' },
    'startup-reps': { type: 'string', default: '20' }
  }
})
const sizes = values.members.split(',').map(Number)
const latencyMs = Number(values.latency)
const reps = Number(values.reps)
const startupReps = Number(values['startup-reps'])
const here = import.meta.dirname
const probe = resolve(here, 'rss-probe.mjs')
const baselineScript = resolve(here, 'baseline.mjs')
const cli = resolve(here, '../../dist/cli.js')
const PATH = process.env.PATH ?? ''

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
const ms = (x: number): string => `${x.toFixed(0)} ms`
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`
/** Pages of a listing of `items` at pagelen 100: page 1 is read even when it is empty. */
const pagesOf = (items: number): number => Math.max(1, Math.ceil(items / PAGELEN))

/** One scope's world and how to run the action and the baseline on it. */
interface Scenario {
  readonly scope: string
  readonly workspace: SimWorkspace
  readonly inputs: (apiUrl: string) => Record<string, string>
  readonly baselineArgs: (apiUrl: string) => string[]
  /** Page 1 of each listing, as the baseline asks for it, with its credentials: fetched once, untimed, before the runs. */
  readonly warmUp: (apiUrl: string) => { readonly urls: string[]; readonly authorization: string }
  /** Items in each listing the gate reads, members first: each costs pagesOf(items) requests. */
  readonly listings: readonly { readonly name: string; readonly items: number }[]
  /** What the world says the action must output (exit code 0: compliant). */
  readonly outputs: Record<string, string>
}

/** The action writes its JUnit file in every timed run: the figures hold with it on. */
const JUNIT_FILE = join(tmpdir(), `bb2fa-bench-junit-${process.pid}.xml`)

const basic = (email: string, token: string): string => `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}`
const membersUrl = (apiUrl: string): string => `${apiUrl}/workspaces/acme/members?pagelen=100&fields=%2Bvalues.user.has_2fa_enabled`
const adminsUrl = (apiUrl: string): string => `${apiUrl}/workspaces/acme/permissions?pagelen=100&q=permission%3D%22owner%22`

/** The uuids of the first `count` members: the workspace admins. */
const ownersOf = (workspace: SimWorkspace, count: number): string[] => workspace.members.slice(0, count).map((m) => m.uuid)

/** The workspace audit: N members, all with 2FA, the first 5 of them admins. */
function workspaceScenario(members: number): Scenario {
  const workspace = compliantWorkspace('acme', members)
  workspace.owners = ownersOf(workspace, OWNERS)
  return {
    scope: 'workspace acme',
    workspace,
    inputs: (apiUrl) => ({ workspace: 'acme', email: ADMIN_EMAIL, token: ADMIN_TOKEN, 'api-url': apiUrl, 'junit-file': JUNIT_FILE }),
    baselineArgs: (apiUrl) => [apiUrl, 'acme', ADMIN_EMAIL, ADMIN_TOKEN],
    warmUp: (apiUrl) => ({ urls: [membersUrl(apiUrl), adminsUrl(apiUrl)], authorization: basic(ADMIN_EMAIL, ADMIN_TOKEN) }),
    listings: [
      { name: 'member', items: members },
      { name: 'admin', items: workspace.owners.length }
    ],
    outputs: { compliant: 'true', 'member-count': String(members), 'non-compliant-count': '0', 'unknown-count': '0' }
  }
}

/**
 * The release gate on acme/app: N members, the first 5 admins; member i (from 0) with i % 10 = 3 can
 * write (one in five of them as repository admin), with i % 10 = 7 can only read and has no 2FA. Every
 * writer and admin has 2FA, so the gate passes; the readers without it are out of scope.
 */
function repositoryScenario(members: number): Scenario {
  const people = Array.from({ length: members }, (_, i) => person(i + 1, i % 10 !== 7))
  const grants: SimGrant[] = []
  people.forEach((member, i) => {
    if (i % 10 === 3) grants.push({ uuid: member.uuid, permission: i % 50 === 3 ? 'admin' : 'write' })
    else if (i % 10 === 7) grants.push({ uuid: member.uuid, permission: 'read' })
  })
  const workspace: SimWorkspace = { ...compliantWorkspace('acme', 0), members: people, repositories: [{ slug: 'app', grants }] }
  workspace.owners = ownersOf(workspace, OWNERS)
  const writers = grants.filter((g) => g.permission === 'write' || g.permission === 'admin').map((g) => g.uuid)
  const inScope = new Set([...writers, ...workspace.owners]).size
  return {
    scope: 'repository acme/app',
    workspace,
    inputs: (apiUrl) => ({ repository: 'acme/app', email: ADMIN_EMAIL, token: REPO_ADMIN_TOKEN, 'api-url': apiUrl, 'junit-file': JUNIT_FILE }),
    baselineArgs: (apiUrl) => [apiUrl, 'acme', ADMIN_EMAIL, REPO_ADMIN_TOKEN, 'app'],
    warmUp: (apiUrl) => ({
      urls: [membersUrl(apiUrl), adminsUrl(apiUrl), `${apiUrl}/workspaces/acme/permissions/repositories/app?pagelen=100&q=permission%3E%22read%22`],
      authorization: basic(ADMIN_EMAIL, REPO_ADMIN_TOKEN)
    }),
    listings: [
      { name: 'member', items: members },
      { name: 'admin', items: workspace.owners.length },
      { name: 'repository', items: writers.length }
    ],
    outputs: {
      compliant: 'true',
      'member-count': String(members),
      'in-scope-count': String(inScope),
      'out-of-scope-count': String(members - inScope),
      'not-a-member-count': '0',
      'non-compliant-count': '0',
      'unknown-count': '0'
    }
  }
}

const dir = await mkdtemp(join(tmpdir(), 'bb2fa-bench-'))
const rssFile = join(dir, 'rss')
const totalRequests = (sim: BitbucketSimulator): number => sim.requests + sim.adminRequests + sim.repositoryRequests

async function runGate(sim: BitbucketSimulator, scenario: Scenario) {
  sim.resetStats()
  const run = await runAction(scenario.inputs(sim.apiUrl), { timing: null, env: { NODE_OPTIONS: `--import=${probe}`, BENCH_RSS_FILE: rssFile } })
  if (run.exitCode !== 0) throw new Error(`the action failed on ${scenario.scope} (exit ${run.exitCode}):\n${run.stdout}\n${run.stderr}`)
  const wrong = Object.entries(scenario.outputs).filter(([name, value]) => run.outputs[name] !== value)
  if (wrong.length > 0) {
    throw new Error(
      `the action's verdict on ${scenario.scope} is not what the world says: ` +
        wrong.map(([name, value]) => `${name} ${JSON.stringify(run.outputs[name])}, expected ${JSON.stringify(value)}`).join('; ')
    )
  }
  return { wallMs: run.wallMs, requests: totalRequests(sim), inFlight: sim.maxInFlight, rss: Number(await readFile(rssFile, 'utf8')) }
}

async function runBaseline(sim: BitbucketSimulator, scenario: Scenario) {
  sim.resetStats()
  const run = await spawnNode([baselineScript, ...scenario.baselineArgs(sim.apiUrl)], { PATH })
  if (run.exitCode !== 0) throw new Error(`the baseline failed on ${scenario.scope}:\n${run.stdout}\n${run.stderr}`)
  const figures = JSON.parse(run.stdout) as { requests: number; meanRequestMs: number }
  if (figures.requests !== totalRequests(sim)) throw new Error(`the baseline counted ${figures.requests} requests, the simulator ${totalRequests(sim)}`)
  return { wallMs: run.wallMs, requests: figures.requests, meanRequestMs: figures.meanRequestMs }
}

interface Row {
  readonly members: number
  readonly scope: string
  readonly speedup: number
  readonly ofFloor: number
  readonly requests: number
  readonly expected: number
  readonly inFlight: number
  readonly rss: number
  readonly cells: string
}

try {
  console.log(`bitbucket-2fa-gate bench: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.versions.node}`)
  console.log(`latency ${latencyMs} ms per request, ${reps} paired repetitions, at most ${MAX_IN_FLIGHT} requests in flight\n`)

  const bare: number[] = []
  for (let i = 0; i < startupReps; i++) bare.push((await spawnNode(['-e', '0'], { PATH })).wallMs)
  const bareMs = median(bare)

  const small = await new BitbucketSimulator({ workspaces: [compliantWorkspace('acme', 3)], credentials: [adminCredential] }).start()
  const startup: number[] = []
  let startupRss = 0
  try {
    const tiny: Scenario = { ...workspaceScenario(3), outputs: { compliant: 'true' } }
    for (let i = 0; i < startupReps; i++) {
      const run = await runGate(small, tiny)
      startup.push(run.wallMs)
      startupRss = Math.max(startupRss, run.rss)
    }
  } finally {
    await small.stop()
  }
  const startupMs = median(startup)
  console.log(
    `start-up: bare \`node -e 0\` ${ms(bareMs)}; the action on 3 members, no latency ${ms(startupMs)}: +${ms(startupMs - bareMs)} (goal ≤ +100 ms), peak RSS ${mb(startupRss)}`
  )
  const cliStartup: number[] = []
  for (let i = 0; i < startupReps; i++) cliStartup.push((await spawnNode([cli, '--version'], { PATH })).wallMs)
  const cliMs = median(cliStartup)
  console.log(`start-up: the CLI (\`dist/cli.js --version\`) ${ms(cliMs)}: +${ms(cliMs - bareMs)} over bare node (goal ≤ +100 ms)\n`)

  const rows: Row[] = []
  for (const members of sizes) {
    for (const scenario of [workspaceScenario(members), repositoryScenario(members)]) {
      const sim = await new BitbucketSimulator({
        workspaces: [scenario.workspace],
        credentials: [adminCredential, repoAdminCredential],
        latencyMs,
        rateLimit: Number.POSITIVE_INFINITY,
        // The bench never edits its world: the simulator works out each listing's entries once.
        frozenWorld: true
      }).start()
      try {
        // Neither the action nor the baseline should be the one to meet a cold simulator.
        const { urls, authorization } = scenario.warmUp(sim.apiUrl)
        for (const url of urls) {
          const response = await fetch(url, { headers: { Authorization: authorization } })
          if (!response.ok) throw new Error(`warming up the simulator: HTTP ${response.status} for ${url}`)
          await response.arrayBuffer()
        }
        const gate: Awaited<ReturnType<typeof runGate>>[] = []
        const base: Awaited<ReturnType<typeof runBaseline>>[] = []
        for (let i = 0; i < reps; i++) {
          // Alternate which goes first, so neither always meets a warm or a cold machine.
          if (i % 2 === 0) {
            gate.push(await runGate(sim, scenario))
            base.push(await runBaseline(sim, scenario))
          } else {
            base.push(await runBaseline(sim, scenario))
            gate.push(await runGate(sim, scenario))
          }
        }
        const pages = scenario.listings.map((listing) => pagesOf(listing.items))
        const expected = pages.reduce((a, b) => a + b, 0)
        // Round 1: page 1 of every listing at once (each listing's page 1 tells its other pages); then
        // the remaining pages of all listings together, 8 at a time.
        const remaining = expected - pages.length
        const perRequest = median(base.map((b) => b.meanRequestMs))
        const floor = bareMs + (1 + Math.ceil(remaining / MAX_IN_FLIGHT)) * perRequest
        const gateMs = median(gate.map((g) => g.wallMs))
        const speedup = median(gate.map((g, i) => base[i]!.wallMs / g.wallMs))
        const requests = Math.max(...gate.map((g) => g.requests))
        const inFlight = Math.max(...gate.map((g) => g.inFlight))
        const rss = Math.max(...gate.map((g) => g.rss))
        const breakdown = pages.join(' + ')
        rows.push({
          members,
          scope: scenario.scope,
          speedup,
          ofFloor: gateMs / floor,
          requests,
          expected,
          inFlight,
          rss,
          cells:
            `| ${members.toLocaleString('en')} | ${scenario.scope} | ${ms(gateMs)} | ${ms(median(base.map((b) => b.wallMs)))} | ${speedup.toFixed(1)}× | ` +
            `${ms(floor)} | ${(gateMs / floor).toFixed(2)}× | ${requests}${requests === expected ? '' : ` (expected ${expected})`} = ${breakdown} ` +
            `(baseline ${base[0]!.requests}) | ${inFlight} | ${mb(rss)} |`
        })
        // Each row as it is measured, so a long run shows its figures before the table.
        console.log(rows.at(-1)!.cells)
      } finally {
        await sim.stop()
      }
    }
  }

  const at10k = rows.filter((r) => r.members === GOAL_MEMBERS)
  const at100k = rows.filter((r) => r.members === MEMORY_MEMBERS)
  const holds = (ok: boolean): string => (ok ? 'holds' : 'DOES NOT HOLD')
  const goalCounts = [workspaceScenario(GOAL_MEMBERS), repositoryScenario(GOAL_MEMBERS)].map((s) => s.listings.map((l) => pagesOf(l.items)))
  const countText = goalCounts.map((pages) => `${pages.reduce((a, b) => a + b, 0)} (${pages.join(' + ')})`)
  console.log(
    [
      '',
      '| Members | Scope | Action | Sequential baseline | Speed-up (median of pairs) | Floor | Action ÷ floor | Requests (member + admin [+ repository] pages) | Most in flight | Peak RSS |',
      '| ---: | :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows.map((r) => r.cells),
      '',
      `Floor: bare node start-up + (1 + ceil(remaining pages / ${MAX_IN_FLIGHT})) round trips at the baseline's measured per-request time, where the first`,
      `round is page 1 of every listing at once (members, admins, each repository: all fit in ${MAX_IN_FLIGHT}) and the remaining pages are`,
      `every listing's pages after its first, read together ${MAX_IN_FLIGHT} at a time.`,
      `Goals at ${GOAL_MEMBERS.toLocaleString('en')} members and 30 ms, for both scopes: ≥ 5× the baseline, ≤ 1.25× the floor, ≤ ${MAX_IN_FLIGHT} in flight, exactly ` +
        `${countText[0]} requests for the workspace and ${countText[1]} for acme/app (member + admin + repository pages); ` +
        `${MEMORY_MEMBERS.toLocaleString('en')} members under 150 MB RSS.`,
      ...at10k.map(
        (r) =>
          `${r.scope} at ${GOAL_MEMBERS.toLocaleString('en')}: speed-up ${r.speedup.toFixed(2)}× ${holds(r.speedup >= 5)}, ` +
          `${r.ofFloor.toFixed(2)}× the floor ${holds(r.ofFloor <= 1.25)}, ${r.inFlight} in flight ${holds(r.inFlight <= MAX_IN_FLIGHT)}, ` +
          `${r.requests} requests ${holds(r.requests === r.expected)}`
      ),
      ...at100k.map((r) => `${r.scope} at ${MEMORY_MEMBERS.toLocaleString('en')}: peak RSS ${mb(r.rss)} ${holds(r.rss < 150 * 1024 * 1024)}`)
    ].join('\n')
  )
} finally {
  await rm(dir, { recursive: true, force: true })
  await rm(JUNIT_FILE, { force: true })
}
