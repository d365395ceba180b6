import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { describe, expect, it } from 'vitest'
import { parseExemptions } from '../../src/config/exemptions.js'
import type { Member, Repository } from '../../src/gate/types.js'
import { decideCompliance, type Verdict } from '../../src/gate/verdict.js'
import { boundReport, renderAttestationPredicate, TEST_RESULT_PREDICATE_TYPE, type AttestationContext } from '../../src/present/attestation.js'
import type { Policy } from '../../src/present/policy.js'
import { listing, member } from '../support/members.js'
import { modelOf } from '../support/present.js'

const schema: unknown = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../schema/test-result-predicate.schema.json'), 'utf8'))
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false })
addFormats.default(ajv)
const validate = ajv.compile(schema as object)

/** The errors of `predicate` against schema/test-result-predicate.schema.json, as text; [] when it is valid. */
function predicateErrors(predicate: unknown): string[] {
  if (validate(predicate)) return []
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`)
}

const POLICY: Policy = {
  exemptionsSha256: '5fc90dda3218c8f003212be5658c62d74a0c82ca34977d1f933755c96f23df7a',
  failOnUnknown: true,
  failOnViolation: true,
  acceptAtlassian2sv: false,
  allowAdminExemptions: true,
  scope: 'workspace:acme'
}
const REPORT_SHA256 = '0b1f3c5d7e9a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d2e4f6a8b0c'
const RUN_URL = 'https://bitbucket.org/acme/app/pipelines/results/42'
const context: AttestationContext = { policy: POLICY, version: '1.4.0', report: { name: 'reports/2fa.json', sha256: REPORT_SHA256 }, url: RUN_URL }

/** The configuration every predicate of `context` states, written out. */
const CONFIGURATION = [
  {
    name: 'policy',
    digest: { sha256: '5fc90dda3218c8f003212be5658c62d74a0c82ca34977d1f933755c96f23df7a' },
    annotations: {
      'fail-on-unknown': true,
      'fail-on-violation': true,
      'accept-atlassian-2sv': false,
      'allow-admin-exemptions': true,
      scope: 'workspace:acme'
    }
  },
  { name: 'bitbucket-2fa-gate', uri: 'pkg:npm/bitbucket-2fa-gate@1.4.0' },
  { name: 'reports/2fa.json', digest: { sha256: '0b1f3c5d7e9a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d2e4f6a8b0c' } }
]

function decide(members: Member[], exempt = '', workspace = 'acme'): Verdict {
  return decideCompliance([listing(workspace, members)], { exemptions: parseExemptions(exempt), today: '2026-11-26', failOnUnknown: true })
}

function predicateOf(verdict: Verdict | null, extra: Partial<AttestationContext> = {}): Record<string, unknown> {
  const text = renderAttestationPredicate(verdict === null ? null : modelOf(verdict), { ...context, ...extra })
  expect(text.endsWith('}\n')).toBe(true)
  return JSON.parse(text) as Record<string, unknown>
}

describe('renderAttestationPredicate', () => {
  it('binds neither a policy nor a report when none was read or written, and says FAILED', () => {
    const predicate = predicateOf(null, { policy: null, report: null })
    expect(predicateErrors(predicate)).toEqual([])
    expect(predicate).toEqual({
      result: 'FAILED',
      configuration: [{ name: 'bitbucket-2fa-gate', uri: 'pkg:npm/bitbucket-2fa-gate@1.4.0' }],
      url: RUN_URL,
      passedTests: [],
      failedTests: []
    })
  })

  it('names the in-toto test-result predicate type', () => {
    expect(TEST_RESULT_PREDICATE_TYPE).toBe('https://in-toto.io/attestation/test-result/v0.1')
  })

  it('passes a compliant verdict: the workspace among the passed tests, the configuration bound', () => {
    const predicate = predicateOf(decide([member('enabled'), member('unknown', { isAppUser: true })]))
    expect(predicateErrors(predicate)).toEqual([])
    expect(predicate).toEqual({ result: 'PASSED', configuration: CONFIGURATION, url: RUN_URL, passedTests: ['workspace:acme'], failedTests: [] })
  })

  it('says FAILED, with no tests, for a compliant verdict whose report was not written: it binds nothing', () => {
    const predicate = predicateOf(decide([member('enabled')]), { report: null })
    expect(predicateErrors(predicate)).toEqual([])
    expect(predicate).toMatchObject({ result: 'FAILED', passedTests: [], failedTests: [] })
    expect((predicate.configuration as { name: string }[]).map((c) => c.name)).toEqual(['policy', 'bitbucket-2fa-gate'])
  })

  it('binds a report by its file name and the sha256 of the text written', () => {
    // printf '{"verdict":"compliant"}\n' | sha256sum
    expect(boundReport('out/evidence/report.json', '{"verdict":"compliant"}\n')).toEqual({
      name: 'report.json',
      sha256: '88a37aecf7580a9c4a094a455f183b02006862eafa398f0f3dd73d16a94c1caf'
    })
  })

  it('fails a verdict with someone without 2FA: the workspace among the failed tests', () => {
    const predicate = predicateOf(decide([member('enabled'), member('disabled')]))
    expect(predicateErrors(predicate)).toEqual([])
    expect(predicate).toEqual({ result: 'FAILED', configuration: CONFIGURATION, url: RUN_URL, passedTests: [], failedTests: ['workspace:acme'] })
  })

  it('fails a verdict even when the gate only reports (the policy says fail-on-violation false)', () => {
    const predicate = predicateOf(decide([member('disabled')]), { policy: { ...POLICY, failOnViolation: false } })
    expect(predicateErrors(predicate)).toEqual([])
    expect(predicate).toMatchObject({ result: 'FAILED', failedTests: ['workspace:acme'] })
    expect((predicate.configuration as { annotations?: Record<string, unknown> }[])[0]?.annotations).toMatchObject({ 'fail-on-violation': false })
  })

  it('fails a run without a verdict, with no tests, and still states the configuration', () => {
    const predicate = predicateOf(null)
    expect(predicateErrors(predicate)).toEqual([])
    expect(predicate).toEqual({ result: 'FAILED', configuration: CONFIGURATION, url: RUN_URL, passedTests: [], failedTests: [] })
  })

  it('leaves the url out when the run is not known', () => {
    for (const [verdict, url] of [
      [decide([member('enabled')]), null],
      [null, null],
      [decide([member('enabled')]), '']
    ] as const) {
      const predicate = predicateOf(verdict, { url })
      expect(predicateErrors(predicate)).toEqual([])
      expect(Object.keys(predicate)).toEqual(['result', 'configuration', 'passedTests', 'failedTests'])
    }
  })

  it('lists each workspace as a test, passed or failed, when several are checked', () => {
    const verdict = decideCompliance(
      [
        listing('acme', [member('enabled'), member('disabled')]),
        listing('beta', [member('enabled')]),
        listing('gamma', [member('enabled'), member('unknown')])
      ],
      { exemptions: [], today: '2026-11-26', failOnUnknown: true }
    )
    const policy = { ...POLICY, scope: 'workspace:acme,workspace:beta,workspace:gamma' }
    const predicate = predicateOf(verdict, { policy })
    expect(predicateErrors(predicate)).toEqual([])
    expect(predicate).toMatchObject({ result: 'FAILED', passedTests: ['workspace:beta'], failedTests: ['workspace:acme', 'workspace:gamma'] })
    expect(predicate.configuration).toMatchObject([{ annotations: { scope: 'workspace:acme,workspace:beta,workspace:gamma' } }, {}, {}])
  })

  it('lists each repository as a test in repository scope', () => {
    const owner = member('enabled')
    const writerOff = member('disabled')
    const writerOn = member('enabled')
    const app: Repository = { workspace: 'acme', slug: 'app', fullName: 'acme/app' }
    const web: Repository = { workspace: 'acme', slug: 'web', fullName: 'acme/web' }
    const verdict = decideCompliance([listing('acme', [owner, writerOff, writerOn, member('disabled')])], {
      exemptions: [],
      today: '2026-11-26',
      failOnUnknown: true,
      admins: [{ workspace: 'acme', lookup: { known: true, admins: new Map([[owner.uuid, owner]]) }, requests: 1 }],
      repositories: [
        { repository: app, writers: new Map([[writerOff.uuid, { member: writerOff, permission: 'write' }]]), requests: 1 },
        { repository: web, writers: new Map([[writerOn.uuid, { member: writerOn, permission: 'write' }]]), requests: 1 }
      ]
    })
    const policy = { ...POLICY, scope: 'repository:acme/app,repository:acme/web' }
    const predicate = predicateOf(verdict, { policy })
    expect(predicateErrors(predicate)).toEqual([])
    expect(predicate).toMatchObject({ result: 'FAILED', passedTests: ['repository:acme/web'], failedTests: ['repository:acme/app'] })
  })

  it('binds the report written in this run by its name and digest', () => {
    const report = { name: 'compliance/bitbucket-2fa-2026-11-26.json', sha256: 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff' }
    const predicate = predicateOf(decide([member('enabled')]), { report })
    expect(predicateErrors(predicate)).toEqual([])
    expect((predicate.configuration as unknown[])[2]).toEqual({
      name: 'compliance/bitbucket-2fa-2026-11-26.json',
      digest: { sha256: 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff' }
    })
  })

  it('never carries a name, nickname, account id, uuid or exemption line, though the model shows them', () => {
    const people = [
      member('disabled', {
        displayName: 'Zebulon Quartermaine',
        nickname: 'zquarter',
        accountId: '557058:zq-4711',
        uuid: '{feedface-0000-4000-8000-0000000000a1}'
      }),
      member('unknown', { displayName: 'Ysolde Vantablack', nickname: 'yvanta', accountId: '557058:yv-4712', uuid: '{feedface-0000-4000-8000-0000000000a2}' }),
      member('disabled', { displayName: 'Xanthe Exemptee', nickname: 'xexempt', accountId: '557058:xe-4713', uuid: '{feedface-0000-4000-8000-0000000000a3}' }),
      member('unknown', {
        displayName: 'Wombat Deploybot',
        nickname: 'wbot',
        accountId: '712020:wb-4714',
        uuid: '{feedface-0000-4000-8000-0000000000a4}',
        isAppUser: true
      }),
      member('enabled', { displayName: 'Vera Enabled', nickname: 'venabled', accountId: '557058:ve-4715', uuid: '{feedface-0000-4000-8000-0000000000a5}' })
    ]
    const verdict = decide(people, '557058:xe-4713 until 2027-01-31 # yubikey in the post\n557058:ghost-4716 # left the company')
    const model = modelOf(verdict)
    // The model shows the names: the predicate leaves them out by itself, not because of redaction.
    expect(model.redact).toBe(false)
    expect(model.groups.flatMap((g) => g.people.map((p) => p.account.displayName))).toContain('Zebulon Quartermaine')
    const text = renderAttestationPredicate(model, context)
    expect(predicateErrors(JSON.parse(text))).toEqual([])
    const secrets = people.flatMap((p) => [p.displayName, p.nickname, p.accountId ?? '', p.uuid, p.uuid.slice(1, -1)])
    for (const secret of [...secrets, '4711', '4712', '4713', '4714', '4715', '4716', 'feedface', 'ghost', 'yubikey', 'left the company', '2027-01-31']) {
      expect(text).not.toContain(secret)
    }
  })

  it('writes invisible characters of a name it is given as \\u escapes', () => {
    const text = renderAttestationPredicate(null, { ...context, report: { name: 'report\u200b.json', sha256: REPORT_SHA256 } })
    expect(text).toContain('"name": "report\\u200b.json"')
  })
})

describe('the test-result predicate schema', () => {
  const valid = (): Record<string, unknown> => predicateOf(decide([member('enabled')]))

  it('accepts a predicate as the specification shows it, with warned tests', () => {
    expect(predicateErrors({ ...valid(), warnedTests: ['workspace:beta'] })).toEqual([])
  })

  it.each([
    ['a result outside the enum', { result: 'SUCCESS' }],
    ['a result in lower case', { result: 'passed' }],
    ['an extra field', { subject: [] }],
    ['configuration that is not a list', { configuration: { name: 'policy' } }],
    ['a descriptor with an extra field', { configuration: [{ ...CONFIGURATION[1], version: '1.4.0' }] }],
    ['a descriptor with a name only', { configuration: [{ name: 'policy' }] }],
    ['a sha256 that is not lowercase hex', { configuration: [{ name: 'report.json', digest: { sha256: 'ABC' } }] }],
    ['an empty digest set', { configuration: [{ name: 'report.json', digest: {} }] }],
    ['a url that is not a URI', { url: 'not a url' }],
    ['a test name that is not a string', { failedTests: [42] }]
  ])('refuses %s', (_case, change) => {
    expect(predicateErrors(valid())).toEqual([])
    expect(predicateErrors({ ...valid(), ...change })).not.toEqual([])
  })

  it('refuses a predicate without result or configuration', () => {
    const without = (field: string): Record<string, unknown> => Object.fromEntries(Object.entries(valid()).filter(([key]) => key !== field))
    expect(predicateErrors(without('result'))).not.toEqual([])
    expect(predicateErrors(without('configuration'))).not.toEqual([])
  })
})
