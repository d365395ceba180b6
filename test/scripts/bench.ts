/**
 * `npm run bench`: a benchmark, not a test. Starts the simulator with per-request latency and N members,
 * runs the bundled dist/index.js as a runner would and, alternating with it, a baseline that follows
 * `next` one page at a time (test/scripts/baseline.mjs), and prints the figures.
 *
 *   npm run bench -- --members 1000,10000,100000 --latency 30 --reps 5 --startup-reps 20
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { ADMIN_EMAIL, ADMIN_TOKEN, adminCredential, compliantWorkspace } from '../simulator/fixtures.js'
import { BitbucketSimulator } from '../simulator/server.js'
import { runAction, spawnNode } from '../support/action.js'

const MAX_IN_FLIGHT = 8
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

const dir = await mkdtemp(join(tmpdir(), 'bb2fa-bench-'))
const rssFile = join(dir, 'rss')
const inputs = (apiUrl: string) => ({ workspace: 'acme', email: ADMIN_EMAIL, token: ADMIN_TOKEN, 'api-url': apiUrl })

async function runGate(sim: BitbucketSimulator) {
  sim.resetStats()
  const run = await runAction(inputs(sim.apiUrl), { timing: null, env: { NODE_OPTIONS: `--import=${probe}`, BENCH_RSS_FILE: rssFile } })
  if (run.exitCode !== 0) throw new Error(`the action failed:\n${run.stdout}\n${run.stderr}`)
  return { wallMs: run.wallMs, requests: sim.requests, inFlight: sim.maxInFlight, rss: Number(await readFile(rssFile, 'utf8')) }
}

async function runBaseline(sim: BitbucketSimulator) {
  sim.resetStats()
  const run = await spawnNode([baselineScript, sim.apiUrl, 'acme', ADMIN_EMAIL, ADMIN_TOKEN], { PATH })
  if (run.exitCode !== 0) throw new Error(`the baseline failed:\n${run.stdout}\n${run.stderr}`)
  const figures = JSON.parse(run.stdout) as { requests: number; meanRequestMs: number }
  return { wallMs: run.wallMs, requests: figures.requests, meanRequestMs: figures.meanRequestMs }
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
    for (let i = 0; i < startupReps; i++) {
      const run = await runGate(small)
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

  const rows: string[] = []
  for (const members of sizes) {
    const sim = await new BitbucketSimulator({
      workspaces: [compliantWorkspace('acme', members)],
      credentials: [adminCredential],
      latencyMs,
      rateLimit: Number.POSITIVE_INFINITY
    }).start()
    try {
      const gate: Awaited<ReturnType<typeof runGate>>[] = []
      const base: Awaited<ReturnType<typeof runBaseline>>[] = []
      for (let i = 0; i < reps; i++) {
        // Alternate which goes first, so neither always meets a warm or a cold machine.
        if (i % 2 === 0) {
          gate.push(await runGate(sim))
          base.push(await runBaseline(sim))
        } else {
          base.push(await runBaseline(sim))
          gate.push(await runGate(sim))
        }
      }
      const pages = Math.ceil(members / 100)
      const perRequest = median(base.map((b) => b.meanRequestMs))
      const floor = bareMs + (1 + Math.ceil((pages - 1) / MAX_IN_FLIGHT)) * perRequest
      const gateMs = median(gate.map((g) => g.wallMs))
      const speedup = median(gate.map((g, i) => base[i]!.wallMs / g.wallMs))
      rows.push(
        `| ${members.toLocaleString('en')} | ${ms(gateMs)} | ${ms(median(base.map((b) => b.wallMs)))} | ${speedup.toFixed(1)}× | ` +
          `${ms(floor)} | ${(gateMs / floor).toFixed(2)}× | ${Math.max(...gate.map((g) => g.requests))} (baseline ${base[0]!.requests}) | ` +
          `${Math.max(...gate.map((g) => g.inFlight))} | ${mb(Math.max(...gate.map((g) => g.rss)))} |`
      )
      console.log(`${members} members done`)
    } finally {
      await sim.stop()
    }
  }
  console.log(
    [
      '',
      '| Members | Action | Sequential baseline | Speed-up (median of pairs) | Floor | Action ÷ floor | Requests | Most in flight | Peak RSS |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
      '',
      `Floor: bare node start-up + (1 + ceil((pages − 1) / ${MAX_IN_FLIGHT})) round trips at the baseline's measured per-request time.`,
      'Goals at 10,000 members and 30 ms: ≥ 5× the baseline, ≤ 1.25× the floor, ≤ 8 in flight, exactly 100 requests; 100,000 members under 150 MB RSS.'
    ].join('\n')
  )
} finally {
  await rm(dir, { recursive: true, force: true })
}
