import { describe, expect, it } from 'vitest'
import { parseExemptions } from '../../src/config/exemptions.js'
import type { Member, Repository, RepositoryWriters, WorkspaceAdmins, WritePermission } from '../../src/gate/types.js'
import { decideCompliance } from '../../src/gate/verdict.js'
import type { Person, Presentation } from '../../src/present/model.js'
import { suitesOf } from '../../src/present/suites.js'
import { listing, member } from '../support/members.js'
import { modelOf } from '../support/present.js'

/** The verdict cut by what is shipped: which suite holds whom, and which suites fail. */
const APP: Repository = { workspace: 'acme', slug: 'app', fullName: 'acme/app' }
const LIB: Repository = { workspace: 'acme', slug: 'lib', fullName: 'acme/lib' }
const WEB: Repository = { workspace: 'beta', slug: 'web', fullName: 'beta/web' }

function writers(repository: Repository, grants: [Member, WritePermission][]): RepositoryWriters {
  return { repository, writers: new Map(grants.map(([m, permission]) => [m.uuid, { member: m, permission }])), requests: 1 }
}
function admins(workspace: string, list: Member[] | null): WorkspaceAdmins {
  return {
    workspace,
    lookup: list === null ? { known: false, reason: new Error('403') } : { known: true, admins: new Map(list.map((m) => [m.uuid, m])) },
    requests: 1
  }
}
/** The model with one more failing person: no verdict makes the ones added here, but the suites must still place them. */
function withFailing(model: Presentation, person: Person): Presentation {
  return { ...model, failing: [...model.failing, person] }
}
/** Someone without 2FA whose only workspace is `gamma`, which nothing lists, and who has no grant. */
function stray(): Person {
  const account = member('disabled', { displayName: 'Stray' })
  return {
    account: { ...account, workspaces: ['gamma'], admin: false, listed: true, grants: [] },
    id: account.accountId ?? account.uuid,
    status: 'disabled',
    admin: false,
    grants: [],
    secondFactor: null,
    exemption: null
  }
}
const people = (suite: { people: readonly { person: { account: { displayName: string } }; fails: boolean }[] }) =>
  suite.people.map((p) => `${p.person.account.displayName}${p.fails ? ' ✗' : ''}`)

describe('suites in workspace scope', () => {
  it('one a workspace; a person of two workspaces is in both, and fails both', () => {
    const shared = member('disabled', { displayName: 'Shared Off' })
    const on = member('enabled', { displayName: 'On' })
    const exempt = member('disabled', { displayName: 'Excused' })
    const bot = member('unknown', { displayName: 'Bot', isAppUser: true })
    const verdict = decideCompliance([listing('acme', [shared, on, exempt, bot]), listing('beta', [shared, member('enabled')])], {
      exemptions: parseExemptions(`${exempt.accountId ?? ''} # on leave`),
      today: '2026-11-26',
      failOnUnknown: true
    })
    const suites = suitesOf(modelOf(verdict, { workspaces: ['acme', 'beta'] }))
    expect(suites.map((s) => [s.id, s.subject, s.failed, s.proven, s.appUsers])).toEqual([
      ['workspace:acme', 'acme', true, 1, 1],
      ['workspace:beta', 'beta', true, 1, 0]
    ])
    expect(people(suites[0]!)).toEqual(['Shared Off ✗', 'Excused'])
    expect(people(suites[1]!)).toEqual(['Shared Off ✗'])
  })

  it('passes a workspace whose only unproven person is let through, and an unknown who passes is not failing', () => {
    const unknown = member('unknown', { displayName: 'Unsure' })
    const verdict = decideCompliance([listing('acme', [unknown, member('enabled')]), listing('beta', [member('disabled', { displayName: 'Off' })])], {
      exemptions: [],
      today: '2026-11-26',
      failOnUnknown: false
    })
    const suites = suitesOf(modelOf(verdict, { workspaces: ['acme', 'beta'] }))
    expect(suites.map((s) => [s.id, s.failed])).toEqual([
      ['workspace:acme', false],
      ['workspace:beta', true]
    ])
    expect(people(suites[0]!)).toEqual(['Unsure'])
  })

  it('puts a person none of whose workspaces is listed in every suite', () => {
    const verdict = decideCompliance([listing('acme', [member('enabled')]), listing('beta', [member('enabled')])], {
      exemptions: [],
      today: '2026-11-26',
      failOnUnknown: true
    })
    const model = modelOf(verdict, { workspaces: ['acme', 'beta'] })
    const suites = suitesOf(withFailing(model, stray()))
    expect(suites.map((s) => [s.id, s.failed])).toEqual([
      ['workspace:acme', true],
      ['workspace:beta', true]
    ])
    expect(people(suites[0]!)).toEqual(['Stray ✗'])
    expect(people(suites[1]!)).toEqual(['Stray ✗'])
  })
})

describe('suites in repository scope', () => {
  it('one a repository: writers where they write, admins in every repository of their workspace', () => {
    const owner = member('disabled', { displayName: 'Owner Off' })
    const appWriter = member('disabled', { displayName: 'App Writer' })
    const libWriter = member('enabled', { displayName: 'Lib Writer' })
    const verdict = decideCompliance([listing('acme', [owner, appWriter, libWriter, member('disabled', { displayName: 'Reader' })])], {
      exemptions: [],
      today: '2026-11-26',
      failOnUnknown: true,
      admins: [admins('acme', [owner])],
      repositories: [writers(APP, [[appWriter, 'write']]), writers(LIB, [[libWriter, 'admin']])]
    })
    const suites = suitesOf(modelOf(verdict))
    expect(suites.map((s) => [s.id, s.failed, s.proven])).toEqual([
      ['repository:acme/app', true, 0],
      ['repository:acme/lib', true, 1]
    ])
    expect(people(suites[0]!)).toEqual(['Owner Off ✗', 'App Writer ✗'])
    expect(people(suites[1]!)).toEqual(['Owner Off ✗'])
  })

  it('passes a repository nobody unproven can write to, beside one that fails', () => {
    const appWriter = member('disabled', { displayName: 'App Writer' })
    const webWriter = member('enabled', { displayName: 'Web Writer' })
    const verdict = decideCompliance([listing('acme', [appWriter, member('enabled')]), listing('beta', [webWriter])], {
      exemptions: [],
      today: '2026-11-26',
      failOnUnknown: true,
      admins: [admins('acme', []), admins('beta', [])],
      repositories: [writers(APP, [[appWriter, 'write']]), writers(WEB, [[webWriter, 'write']])]
    })
    expect(suitesOf(modelOf(verdict, { workspaces: ['acme', 'beta'] })).map((s) => [s.id, s.failed, s.proven, s.people.length])).toEqual([
      ['repository:acme/app', true, 0, 1],
      ['repository:beta/web', false, 1, 0]
    ])
  })

  it('puts a member judged without a grant (their admins unknown) in every listed repository of their workspace', () => {
    const anyone = member('disabled', { displayName: 'Maybe Admin' })
    const verdict = decideCompliance([listing('acme', [anyone]), listing('beta', [member('enabled')])], {
      exemptions: [],
      today: '2026-11-26',
      failOnUnknown: true,
      admins: [admins('acme', null), admins('beta', [])],
      repositories: [writers(APP, []), writers(LIB, []), writers(WEB, [])]
    })
    const suites = suitesOf(modelOf(verdict, { workspaces: ['acme', 'beta'] }))
    expect(suites.map((s) => [s.id, s.failed])).toEqual([
      ['repository:acme/app', true],
      ['repository:acme/lib', true],
      ['repository:beta/web', false]
    ])
  })
  it('counts an app user in each repository it can write to, and only there', () => {
    const bot = member('unknown', { displayName: 'Deploy Bot', isAppUser: true })
    const off = member('disabled', { displayName: 'Lib Off' })
    const verdict = decideCompliance([listing('acme', [bot, off, member('enabled')])], {
      exemptions: [],
      today: '2026-11-26',
      failOnUnknown: true,
      admins: [admins('acme', [])],
      repositories: [writers(APP, [[bot, 'write']]), writers(LIB, [[off, 'write']])]
    })
    expect(suitesOf(modelOf(verdict)).map((s) => [s.id, s.appUsers, s.failed, people(s)])).toEqual([
      ['repository:acme/app', 1, false, []],
      ['repository:acme/lib', 0, true, ['Lib Off ✗']]
    ])
  })

  it('puts a member judged without a grant only in the repositories of their workspaces, not in one of a workspace they are not in', () => {
    // Admins of acme unknown: every member of acme is judged, here one who is a member of gamma too.
    const both = member('disabled', { displayName: 'Acme And Gamma' })
    const verdict = decideCompliance([listing('acme', [both]), listing('beta', [member('enabled')]), listing('gamma', [both])], {
      exemptions: [],
      today: '2026-11-26',
      failOnUnknown: true,
      admins: [admins('acme', null), admins('beta', []), admins('gamma', [])],
      repositories: [writers(APP, []), writers(WEB, [])]
    })
    const suites = suitesOf(modelOf(verdict, { workspaces: ['acme', 'beta', 'gamma'] }))
    expect(suites.map((s) => [s.id, s.failed, people(s)])).toEqual([
      ['repository:acme/app', true, ['Acme And Gamma ✗']],
      ['repository:beta/web', false, []]
    ])
  })

  it('ignores a grant on a repository that is not listed: the person goes where their workspace is', () => {
    const writer = member('disabled', { displayName: 'Lib Writer' })
    const verdict = decideCompliance([listing('acme', [writer]), listing('beta', [member('enabled')])], {
      exemptions: [],
      today: '2026-11-26',
      failOnUnknown: true,
      admins: [admins('acme', []), admins('beta', [])],
      repositories: [writers(APP, []), writers(LIB, [[writer, 'write']]), writers(WEB, [])]
    })
    // The suites of acme/app and beta/web only: the grant on acme/lib is on no listed repository.
    const model = modelOf(verdict, { workspaces: ['acme', 'beta'] })
    const suites = suitesOf({ ...model, repositories: ['acme/app', 'beta/web'] })
    expect(suites.map((s) => [s.id, s.failed, people(s)])).toEqual([
      ['repository:acme/app', true, ['Lib Writer ✗']],
      ['repository:beta/web', false, []]
    ])
  })

  it('puts a person with no grant and no workspace of a listed repository in every suite', () => {
    const verdict = decideCompliance([listing('acme', [member('enabled')]), listing('beta', [member('enabled')])], {
      exemptions: [],
      today: '2026-11-26',
      failOnUnknown: true,
      admins: [admins('acme', []), admins('beta', [])],
      repositories: [writers(APP, []), writers(WEB, [])]
    })
    const suites = suitesOf(withFailing(modelOf(verdict, { workspaces: ['acme', 'beta'] }), stray()))
    expect(suites.map((s) => [s.id, s.failed, people(s)])).toEqual([
      ['repository:acme/app', true, ['Stray ✗']],
      ['repository:beta/web', true, ['Stray ✗']]
    ])
  })
})
