import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { parseExemptions } from '../../src/config/exemptions.js'
import { decideCompliance } from '../../src/gate/verdict.js'
import { renderErrorReport } from '../../src/present/json.js'
import { policyOf } from '../../src/present/policy.js'
import { jsonReportOf, TEST_POLICY } from '../support/present.js'
import { listing, member } from '../support/members.js'
import { schemaErrors } from '../support/schema.js'

/** An exemption line as the report gives it, not refused and in scope. */
const line = (n: number, id: string, until: string | null, reason: string) => ({
  line: n,
  id,
  id_kind: 'account_id',
  until,
  reason,
  refused: false,
  refusal_reason: null,
  out_of_scope: false
})

const policy = {
  exemptionsSha256: '5fc90dda3218c8f003212be5658c62d74a0c82ca34977d1f933755c96f23df7a',
  failOnUnknown: true,
  failOnViolation: false,
  acceptAtlassian2sv: true,
  allowAdminExemptions: false,
  scope: 'workspace:acme'
}

const context = {
  generatedAt: new Date('2026-11-26T12:00:00Z'),
  apiOrigin: 'https://api.bitbucket.org',
  workspaces: ['acme'],
  redact: false,
  version: '1.4.0',
  policy
}

/** The report's `tool` and `policy` for `context`, as docs/json-report.md describes them. */
const TOOL = { name: 'bitbucket-2fa-gate', version: '1.4.0', uri: 'pkg:npm/bitbucket-2fa-gate@1.4.0' }
const POLICY = {
  exemptions_sha256: '5fc90dda3218c8f003212be5658c62d74a0c82ca34977d1f933755c96f23df7a',
  fail_on_unknown: true,
  fail_on_violation: false,
  accept_atlassian_2sv: true,
  allow_admin_exemptions: false,
  scope: 'workspace:acme'
}

function sample() {
  const off = member('disabled', { displayName: 'Bob \u2066Builder', nickname: 'bob', accountId: '557058:bob' })
  const unknown = member('unknown', { displayName: 'Cy', accountId: '557058:cy' })
  const exempt = member('disabled', { displayName: 'Eve', accountId: '557058:eve' })
  const on = member('enabled', { accountId: '557058:on' })
  const bot = member('unknown', { isAppUser: true, displayName: 'Bot', accountId: '712020:bot' })
  const verdict = decideCompliance([listing('acme', [on, off, unknown, exempt, bot], 3)], {
    exemptions: parseExemptions('557058:eve until 2027-01-31 # key on order\n557058:ghost\n557058:on until 2026-01-01'),
    today: '2026-11-26',
    failOnUnknown: true,
    // Bob, without 2FA, is the workspace's admin.
    admins: [{ workspace: 'acme', lookup: { known: true, admins: new Map([[off.uuid, off]]) }, requests: 1 }]
  })
  return { verdict, off, unknown, exempt, on, bot }
}

describe('renderJsonReport', () => {
  it('lists everyone with uuid and status, the rest in full, and validates against the schema', () => {
    const { verdict, off, unknown, exempt, on, bot } = sample()
    const report = JSON.parse(jsonReportOf(verdict, context)) as Record<string, unknown>
    expect(schemaErrors(report)).toEqual([])
    expect(report).toMatchObject({
      schema: 1,
      generated_at: '2026-11-26T12:00:00.000Z',
      api_origin: 'https://api.bitbucket.org',
      requested_workspaces: ['acme'],
      redacted: false,
      tool: TOOL,
      policy: POLICY,
      verdict: 'not_compliant',
      compliant: false,
      fail_on_unknown: true,
      error: null,
      scope: { kind: 'workspace', repositories: [] },
      counts: {
        members: 5,
        people: 4,
        in_scope: 4,
        out_of_scope: 0,
        enabled: 1,
        disabled: 1,
        not_a_member: 0,
        unknown: 1,
        exempt: 1,
        app: 1,
        requests: 4,
        admins: 1,
        admins_unproven: 1
      },
      workspaces: [{ slug: 'acme', members: 5, enabled: 1, disabled: 1, not_a_member: 0, unknown: 1, exempt: 1, app: 1, out_of_scope: 0, requests: 4 }]
    })
    expect(report.coverage).toMatch(/API tokens, access tokens, SSH keys and app passwords do not ask for a second factor/)
    expect(report.people).toEqual([
      { uuid: off.uuid, status: 'disabled', admin: true, account_id: '557058:bob', display_name: 'Bob \u2066Builder', nickname: 'bob', workspaces: ['acme'] },
      { uuid: unknown.uuid, status: 'unknown', admin: false, account_id: '557058:cy', display_name: 'Cy', nickname: unknown.nickname, workspaces: ['acme'] },
      {
        uuid: exempt.uuid,
        status: 'exempt',
        admin: false,
        account_id: '557058:eve',
        display_name: 'Eve',
        nickname: exempt.nickname,
        workspaces: ['acme'],
        two_factor: 'disabled',
        exempt_until: '2027-01-31',
        exemption_lines: [1]
      },
      { uuid: bot.uuid, status: 'app', admin: false, account_id: '712020:bot', display_name: 'Bot', nickname: bot.nickname, workspaces: ['acme'] },
      { uuid: on.uuid, status: 'enabled', admin: false }
    ])
    expect(report.exemptions).toEqual([
      { ...line(1, '557058:eve', '2027-01-31', 'key on order'), matched: true, expired: false, needed: true },
      { ...line(2, '557058:ghost', null, ''), matched: false, expired: false, needed: false },
      { ...line(3, '557058:on', '2026-01-01', ''), matched: true, expired: true, needed: false }
    ])
  })

  it('writes invisible characters as \\u escapes', () => {
    expect(jsonReportOf(sample().verdict, context)).toContain('"display_name": "Bob \\u2066Builder"')
  })

  it('keeps counts only when redacting', () => {
    const text = jsonReportOf(sample().verdict, { ...context, redact: true })
    const report = JSON.parse(text) as Record<string, unknown>
    expect(schemaErrors(report)).toEqual([])
    // A count of unprotected admins narrows a public target list: withheld with the names.
    expect(report).toMatchObject({ redacted: true, people: [], exemptions: [], counts: { disabled: 1, admins: 1, admins_unproven: null } })
    // The policy holds no id, only the digest of the lines: it stays when names are withheld.
    expect(report).toMatchObject({ tool: TOOL, policy: POLICY })
    expect(text).not.toMatch(/557058|\bBob\b|\bEve\b|\{00000000/)
  })

  it('says compliant only for a compliant verdict', () => {
    const verdict = decideCompliance([listing('acme', [member('enabled')])], { exemptions: [], today: '2026-11-26', failOnUnknown: true })
    expect(JSON.parse(jsonReportOf(verdict, context))).toMatchObject({ verdict: 'compliant', compliant: true })
  })
})

describe('renderErrorReport', () => {
  it('says there is no verdict and why, and lists nobody', () => {
    const report = JSON.parse(renderErrorReport('Bitbucket answered 401.', { ...context, apiOrigin: null, workspaces: [], policy: null })) as Record<
      string,
      unknown
    >
    expect(schemaErrors(report)).toEqual([])
    expect(report).toEqual({
      schema: 1,
      generated_at: '2026-11-26T12:00:00.000Z',
      api_origin: null,
      requested_workspaces: [],
      redacted: false,
      tool: TOOL,
      policy: null,
      verdict: null,
      compliant: false,
      error: 'Bitbucket answered 401.'
    })
  })

  it('states the policy when the inputs were read before the run broke', () => {
    const report = JSON.parse(renderErrorReport('Bitbucket answered 503.', context)) as Record<string, unknown>
    expect(schemaErrors(report)).toEqual([])
    expect(report).toMatchObject({ verdict: null, tool: TOOL, policy: POLICY })
  })

  it('is refused by the schema if it ever listed people or said compliant', () => {
    const broken = JSON.parse(renderErrorReport('x', context)) as Record<string, unknown>
    expect(schemaErrors({ ...broken, people: [] })).not.toEqual([])
    expect(schemaErrors({ ...broken, compliant: true })).not.toEqual([])
  })
})

describe('the exemptions digest in the report', () => {
  it("is what an auditor recomputes from the report's exemptions as docs/json-report.md says, expired and unmatched lines included", () => {
    const exempt = '557058:eve until 2027-01-31 # key on order\n557058:ghost\n557058:on until 2026-01-01\n557058:gone until 2025-01-01 # left'
    const options = {
      workspaces: ['acme'],
      credentials: { kind: 'access-token' as const, token: 'not-a-real-token' },
      apiUrl: new URL('https://api.bitbucket.org/2.0'),
      exemptions: parseExemptions(exempt),
      failOnUnknown: true
    }
    const verdict = decideCompliance([listing('acme', [member('enabled')])], { exemptions: options.exemptions, today: '2026-11-26', failOnUnknown: true })
    const report = JSON.parse(jsonReportOf(verdict, { ...context, policy: policyOf(options, true) })) as {
      policy: { exemptions_sha256: string }
      exemptions: { id_kind: string; id: string; until: string | null; reason: string }[]
    }
    // The jq recipe of the docs, in the test's own words.
    const lines = [...new Set(report.exemptions.map((e) => JSON.stringify([e.id_kind, e.id, e.until, e.reason])))].sort()
    expect(lines).toHaveLength(4)
    expect(report.policy.exemptions_sha256).toBe(createHash('sha256').update(lines.join('\n')).digest('hex'))
  })
})

describe('the report schema on tool and policy', () => {
  const report = () => JSON.parse(jsonReportOf(sample().verdict, context)) as Record<string, unknown>

  it('accepts the default test policy too', () => {
    expect(schemaErrors(JSON.parse(jsonReportOf(sample().verdict, { ...context, policy: TEST_POLICY })))).toEqual([])
  })

  it.each([
    ['a digest that is not sha256 hex', { policy: { ...POLICY, exemptions_sha256: 'E3B0' } }],
    ['a setting missing', { policy: { ...POLICY, allow_admin_exemptions: undefined } }],
    ['a setting that is a string', { policy: { ...POLICY, fail_on_violation: 'false' } }],
    ['an extra policy field', { policy: { ...POLICY, exempt: '557058:eve' } }],
    ['a scope that mixes kinds', { policy: { ...POLICY, scope: 'workspace:acme,repository:acme/app' } }],
    ['another tool', { tool: { ...TOOL, name: 'other' } }],
    ['a tool without its package URL', { tool: { name: TOOL.name, version: TOOL.version } }]
  ])('refuses %s', (_case, change) => {
    expect(schemaErrors(report())).toEqual([])
    expect(schemaErrors(JSON.parse(JSON.stringify({ ...report(), ...change })))).not.toEqual([])
  })
})
