import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ADMIN_EMAIL, ADMIN_TOKEN, adminCredential, compliantWorkspace, person } from '../simulator/fixtures.js'
import { BitbucketSimulator, RATE_LIMIT_TEXT, type FaultRule, type SimUser } from '../simulator/server.js'
import { BROKEN_RUN_OUTPUTS } from '../../src/present/outputs.js'
import { workflowCommands, type ActionRun } from '../support/action.js'
import { runInProcess } from '../support/io.js'
import { nodesOfType, parseGfm } from '../support/markdown.js'

/**
 * Every fault runs against the action's run() in this process, through the port the runner gets. The workspace has 250 members and one violator
 * on page 3, so a listing that lost a page would come out green: each case must end either with exactly
 * the true listing or with a fail-closed error, and never with a secret in any artefact.
 */

const MEMBERS = 250
const VIOLATOR = 201
const AUTH_BASE64 = Buffer.from(`${ADMIN_EMAIL}:${ADMIN_TOKEN}`).toString('base64')
const SECRETS = [ADMIN_TOKEN, AUTH_BASE64]

function workspaceMembers(): SimUser[] {
  const members = compliantWorkspace('acme', MEMBERS).members
  members[VIOLATOR - 1] = person(VIOLATOR, false, { display_name: 'Vic Violator' })
  return members
}

const sim = new BitbucketSimulator({ workspaces: [], credentials: [adminCredential] })
const foreign = new BitbucketSimulator({ workspaces: [], credentials: [] })

beforeAll(async () => {
  await sim.start()
  await foreign.start()
})
afterAll(async () => {
  await sim.stop()
  await foreign.stop()
})
beforeEach(() => {
  sim.workspaces.length = 0
  sim.workspaces.push({ slug: 'acme', uuid: '{aaaaaaaa-1111-4111-8111-111111111111}', members: workspaceMembers() })
  sim.faults.length = 0
  sim.includeSize = true
  sim.resetStats()
  foreign.resetStats()
})

type Outcome =
  { readonly pass: true; readonly members: number; readonly nonCompliant: number; readonly log?: RegExp } | { readonly pass: false; readonly message: RegExp }

interface FaultCase {
  readonly name: string
  readonly faults: () => FaultRule[]
  readonly includeSize?: boolean
  readonly timing?: { timeoutMs: number }
  readonly outcome: Outcome
}

const page = (n: number, times = 1): Pick<FaultRule, 'when' | 'times'> => ({ when: (r) => r.page === n, times })
const always = { times: Infinity }
const recovered = (log?: RegExp): Outcome => ({ pass: true, members: MEMBERS, nonCompliant: 1, ...(log ? { log } : {}) })
const HTML_502 = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>'

const CASES: FaultCase[] = [
  {
    name: '429 in plain text without Retry-After, then success',
    faults: () => [{ ...page(2, 2), action: { status: 429, contentType: 'text/plain', body: RATE_LIMIT_TEXT } }],
    outcome: recovered(/Bitbucket answered HTTP 429; retrying in \d\.\d s \(attempt 2\)/)
  },
  {
    name: '429 with Retry-After, then success',
    faults: () => [{ ...page(3), action: { status: 429, contentType: 'text/plain', body: RATE_LIMIT_TEXT, headers: { 'Retry-After': '7' } } }],
    outcome: recovered(/retrying in 7\.0 s/)
  },
  {
    name: '429 that never stops',
    faults: () => [{ ...always, action: { status: 429, contentType: 'text/plain', body: RATE_LIMIT_TEXT } }],
    outcome: { pass: false, message: /rate limit \(429\) persisted after 6 attempts on page 1 of workspace "acme"/ }
  },
  {
    name: '500 then success',
    faults: () => [{ ...page(1), action: { status: 500, body: '{"type":"error","error":{"message":"Something went wrong"}}' } }],
    outcome: recovered()
  },
  {
    name: '502 HTML gateway page that persists',
    faults: () => [{ ...always, action: { status: 502, contentType: 'text/html', body: HTML_502 } }],
    outcome: {
      pass: false,
      message:
        /Bitbucket answered 502 on page 1 of workspace "acme" after 6 attempts\. This is an outage .* Bitbucket's answer \(text\/html, \d+ bytes\) starts: `502 Bad Gateway Bad Gateway`\./
    }
  },
  {
    name: 'connection reset, then success',
    faults: () => [{ ...page(2), action: { reset: true } }],
    outcome: recovered(/No answer from Bitbucket \(ECONNRESET\); retrying/)
  },
  {
    name: 'connection dropped halfway through a body, then success',
    faults: () => [{ ...page(3), action: { cut: true } }],
    outcome: recovered(/No answer from Bitbucket \(ECONNRESET\); retrying/)
  },
  {
    name: 'connection reset every time',
    faults: () => [{ ...always, action: { reset: true } }],
    outcome: {
      pass: false,
      message: /Could not get an answer from Bitbucket at http:\/\/127\.0\.0\.1:\d+ for page 1 of workspace "acme": ECONNRESET, after 6 attempts/
    }
  },
  {
    name: 'a hung request times out, then success',
    timing: { timeoutMs: 300 },
    faults: () => [{ ...page(3), action: { hang: true } }],
    outcome: recovered(/No answer from Bitbucket \(ETIMEDOUT\); retrying/)
  },
  {
    name: 'truncated JSON',
    faults: () => [{ ...page(2), action: { truncate: true } }],
    outcome: {
      pass: false,
      message: /Bitbucket answered 200 on page 2 of workspace "acme", but the body is not valid JSON \(application\/json, \d+ bytes\)\. The gate cannot vouch/
    }
  },
  {
    name: 'an HTML page with status 200',
    faults: () => [{ ...page(1), action: { status: 200, contentType: 'text/html', body: HTML_502 } }],
    outcome: { pass: false, message: /answered 200 on page 1 of workspace "acme", but the body is not valid JSON/ }
  },
  {
    name: 'values missing',
    faults: () => [{ ...page(3), action: { status: 200, body: '{"pagelen":100,"size":250,"page":3}' } }],
    outcome: { pass: false, message: /page 3 of workspace "acme", but it has no `values` array/ }
  },
  {
    name: 'a member without uuid',
    faults: () => [{ ...page(3), action: { rewrite: (body) => ({ ...body, values: [{ user: { display_name: 'ghost' } }, ...body.values] }) } }],
    outcome: { pass: false, message: /but values\[0\]\.user has no uuid\./ }
  },
  {
    name: 'size larger than what is served',
    faults: () => [{ ...always, action: { rewrite: (body) => ({ ...body, size: MEMBERS + 7 }) } }],
    outcome: { pass: false, message: /kept changing while it was read .*reported 257 members but listed 250 different ones/ }
  },
  {
    name: 'a member leaves between pages',
    faults: () => [{ ...page(2), action: { mutate: (s) => s.workspaces[0]!.members.splice(5, 1) } }],
    outcome: { pass: true, members: MEMBERS - 1, nonCompliant: 1 }
  },
  {
    name: 'a member without 2FA joins between pages',
    faults: () => [{ ...page(3), action: { mutate: (s) => s.workspaces[0]!.members.unshift(person(900, false)) } }],
    outcome: { pass: true, members: MEMBERS + 1, nonCompliant: 2 }
  },
  {
    name: 'a member joins between pages, no size',
    includeSize: false,
    faults: () => [{ ...page(2), action: { mutate: (s) => s.workspaces[0]!.members.unshift(person(900, false)) } }],
    outcome: { pass: true, members: MEMBERS + 1, nonCompliant: 2 }
  },
  {
    name: 'a repeated page',
    faults: () => [{ ...page(3), action: { rewrite: (body) => ({ ...body, values: repeatSource }) } }],
    outcome: recovered()
  },
  {
    name: 'a spurious next on the last page',
    faults: () => [{ ...page(3, Infinity), action: { rewrite: (body, r) => ({ ...body, next: r.url.href.replace('page=3', 'page=4') }) } }],
    outcome: recovered()
  },
  {
    name: 'a next to a foreign origin',
    includeSize: false,
    faults: () => [{ ...page(1, Infinity), action: { rewrite: (body) => ({ ...body, next: `${foreign.apiUrl}/workspaces/acme/members?page=2` }) } }],
    outcome: {
      pass: false,
      message:
        /`next` link on page 1 of workspace "acme" is not the next page of this listing: it points to another origin than http:\/\/127\.0\.0\.1:\d+, where the credentials go/
    }
  },
  {
    name: 'a next that loops back',
    includeSize: false,
    faults: () => [{ ...page(3, Infinity), action: { rewrite: (body, r) => ({ ...body, next: r.url.href.replace('&page=3', '&page=2') }) } }],
    outcome: { pass: false, message: /`next` link on page 3 of workspace "acme" is not the next page of this listing: it leads to page 2, not to page 4/ }
  },
  {
    name: "a next to another workspace on the same host (acme's violator would go unread)",
    faults: () => [
      {
        ...page(2, Infinity),
        action: { rewrite: (body, r) => ({ ...body, next: r.url.href.replace('/workspaces/acme/', '/workspaces/other/').replace('page=2', 'page=3') }) }
      }
    ],
    includeSize: false,
    outcome: {
      pass: false,
      message: /`next` link on page 2 of workspace "acme" is not the next page of this listing: it leaves the path of this listing/
    }
  },
  {
    name: 'a 2FA flag sent as the string "false"',
    faults: () => [
      {
        ...page(3, Infinity),
        action: {
          rewrite: (body) => ({
            ...body,
            values: body.values.map((v) => ({ ...(v as object), user: { ...(v as { user: object }).user, has_2fa_enabled: 'false' } }))
          })
        }
      }
    ],
    outcome: { pass: false, message: /page 3 of workspace "acme", but values\[0\]\.user\.has_2fa_enabled is not true, false or null/ }
  },
  {
    name: 'a plain-text error that echoes the Authorization header where the snippet is cut',
    faults: () => [{ ...always, action: { status: 400, contentType: 'text/plain', body: `${'x'.repeat(95)} Authorization: Basic ${AUTH_BASE64}` } }],
    outcome: {
      pass: false,
      message:
        /Bitbucket answered 400 on page 1 of workspace "acme"\. Check the inputs .* Bitbucket's answer \(text\/plain, \d+ bytes\) starts: `x+ Authorization: \*\*\*`/
    }
  },
  {
    name: 'an error body that quotes the credentials back',
    faults: () => [
      {
        ...always,
        action: { status: 500, body: JSON.stringify({ type: 'error', error: { message: `bad header Basic ${AUTH_BASE64} for token ${ADMIN_TOKEN}` } }) }
      }
    ],
    outcome: { pass: false, message: /Bitbucket answered 500 on page 1 .*Bitbucket says: `bad header \*\*\* for token \*\*\*`/ }
  }
]

/** Page 2 as Bitbucket serves it, replayed as page 3 for the repeated-page case. */
let repeatSource: unknown[] = []

async function gate(testCase: Pick<FaultCase, 'timing'> = {}): Promise<ActionRun> {
  return runInProcess(
    { workspace: 'acme', email: ADMIN_EMAIL, token: ADMIN_TOKEN, 'api-url': sim.apiUrl },
    { env: { ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' }, ...(testCase.timing ? { timing: testCase.timing } : {}) }
  )
}

/** Every 8-character run of a secret: not even a fragment may reach an artefact. */
const FRAGMENTS = SECRETS.flatMap((secret) => Array.from({ length: secret.length - 7 }, (_, i) => secret.slice(i, i + 8)))

function expectNoSecrets(run: ActionRun): void {
  for (const fragment of FRAGMENTS) expect(run.artefacts).not.toContain(fragment)
  expect(run.masked).toContain(ADMIN_TOKEN)
  expect(run.masked).toContain(AUTH_BASE64)
}

describe('fault injection against the action, in process', () => {
  beforeAll(async () => {
    const auth = `Basic ${AUTH_BASE64}`
    sim.workspaces.push({ slug: 'acme', uuid: '{aaaaaaaa-1111-4111-8111-111111111111}', members: workspaceMembers() })
    const response = await fetch(`${sim.apiUrl}/workspaces/acme/members?pagelen=100&page=2`, { headers: { Authorization: auth } })
    repeatSource = ((await response.json()) as { values: unknown[] }).values
  })

  it.each(CASES)('$name', async (testCase) => {
    sim.includeSize = testCase.includeSize ?? true
    sim.faults.push(...testCase.faults())
    const run = await gate(testCase)
    expectNoSecrets(run)
    expect(run.exitCode).toBe(1)
    expect(run.outputs.compliant).toBe('false')
    expect(nodesOfType(parseGfm(run.summary), 'html')).toEqual([])
    const errors = workflowCommands(run.stdout).filter((line) => line.startsWith('::error::'))
    expect(errors).toHaveLength(1)
    const { outcome } = testCase
    if (outcome.pass) {
      const truth = sim.workspaces[0]!.members
      expect(run.outputs['member-count']).toBe(String(outcome.members))
      expect(truth).toHaveLength(outcome.members)
      expect(run.outputs['non-compliant-count']).toBe(String(outcome.nonCompliant))
      const expected = truth
        .filter((m) => m.has_2fa_enabled === false)
        .map((m) => m.uuid)
        .sort()
      expect((JSON.parse(run.outputs['non-compliant']!) as { uuid: string }[]).map((p) => p.uuid).sort()).toEqual(expected)
      if (outcome.log) expect(run.stdout).toMatch(outcome.log)
    } else {
      expect(run.outputs).toEqual(BROKEN_RUN_OUTPUTS)
      expect(errors[0]).toMatch(outcome.message)
      expect(run.summary).toContain('no verdict, the check itself failed')
    }
    expect(foreign.requests).toBe(0)
  })
})

const HOSTILE_NAMES = [
  'Eve\n::error::injected',
  '::add-mask::nothing\r\n::set-output name=compliant::true',
  'x%0A::warning::encoded%0D%0A',
  '<img src=x onerror=alert(1)>',
  '<script>alert(document.cookie)</script>',
  'pipe | in | name |',
  '[click me](javascript:alert(1))',
  '![img](https://evil.example/x.png)',
  'www.evil.example and https://evil.example',
  'Mallory\u202egnp.exe\u202c',
  'Zero\u200b\u200cWidth\u2060Name\ufeff',
  '\u2028line\u2029separator',
  'ghadelimiter_00000000-0000-0000-0000-000000000000',
  '`code` **bold** ~~strike~~ <!-- comment -->',
  'Zoë Ångström 👩🏽‍💻 עברית 李小龍'
]

describe('hostile member names against the action, in process', () => {
  it.each(HOSTILE_NAMES.map((name) => ({ name: JSON.stringify(name), raw: name })))('$name', async ({ raw }) => {
    sim.workspaces[0]!.members[VIOLATOR - 1] = person(VIOLATOR, false, { display_name: raw, nickname: raw })
    const run = await gate()
    expectNoSecrets(run)
    expect(run.exitCode).toBe(1)
    // The log: only the gate's own workflow commands, one error annotation.
    const commands = workflowCommands(run.stdout)
    for (const line of commands) expect(line).toMatch(/^::(add-mask|error|warning|debug)::/)
    expect(commands.filter((line) => line.startsWith('::error::'))).toHaveLength(1)
    expect(run.stdout).not.toMatch(/^\s*::(set-output|warning::encoded)/m)
    // The outputs file: intact, and the JSON keeps the name as Bitbucket sent it.
    expect(run.outputs.compliant).toBe('false')
    expect(run.outputs['non-compliant-count']).toBe('1')
    expect((JSON.parse(run.outputs['non-compliant']!) as { display_name: string }[])[0]!.display_name).toBe(raw)
    // The summary: one row, no HTML, no links, no images.
    const tree = parseGfm(run.summary)
    for (const type of ['html', 'link', 'image']) expect(nodesOfType(tree, type)).toEqual([])
    const tables = nodesOfType(tree, 'table')
    expect(tables.length).toBeGreaterThanOrEqual(2)
    const people = tables[1] as { children: { children: unknown[] }[] }
    expect(people.children).toHaveLength(2)
    expect(people.children[1]!.children).toHaveLength(5)
  })
})
