import type { Person, Presentation } from './model.js'

/**
 * The verdict cut by what a release manager ships: one suite per workspace, or per repository in
 * repository scope. JUnit writes a `<testsuite>` of each, the attestation predicate lists each as passed
 * or failed. A person in no suite's reach is put in every suite: a failing person is never dropped.
 */
export interface Suite {
  /** `workspace:acme` or `repository:acme/app`, as the attestation predicate names tests. */
  readonly id: string
  /** The workspace slug or the repository's `workspace/slug`. */
  readonly subject: string
  /** The people of this suite who are not proven by Bitbucket, in the model's order (failing first). */
  readonly people: readonly SuitePerson[]
  /** People with 2FA on that the suite can attribute (in repository scope: those with a grant on it). */
  readonly proven: number
  readonly appUsers: number
  /** Someone in this suite fails the gate. */
  readonly failed: boolean
}

export interface SuitePerson {
  readonly person: Person
  /** Fails the gate (without 2FA, not a member, unknown while unknown flags fail). */
  readonly fails: boolean
}

export function suitesOf(model: Presentation): Suite[] {
  const failing = new Set(model.failing.map((p) => p.account.uuid))
  const listed = model.groups.filter((g) => g.kind !== 'app-users')
  // Failing first, in the model's order, then the rest of the groups in theirs.
  const notProven: SuitePerson[] = [
    ...model.failing.map((person) => ({ person, fails: true })),
    ...listed.flatMap((g) => g.people.filter((p) => !failing.has(p.account.uuid)).map((person) => ({ person, fails: false })))
  ]
  const apps = model.groups.find((g) => g.kind === 'app-users')?.people ?? []
  if (model.scopeKind === 'repository') {
    const subjects = model.repositories
    const reposOf = (person: Person): readonly string[] => {
      const granted = person.grants.map((g) => g.repository).filter((r) => subjects.includes(r))
      if (granted.length > 0) return granted
      // Judged without a grant (a workspace whose admins are unknown): every listed repository of theirs.
      const own = subjects.filter((r) => person.account.workspaces.some((ws) => r.startsWith(`${ws}/`)))
      return own.length > 0 ? own : subjects
    }
    const proven = new Map<string, number>()
    for (const grants of model.enabledGrants.values()) for (const g of grants) proven.set(g.repository, (proven.get(g.repository) ?? 0) + 1)
    return subjects.map((subject) =>
      suite(
        'repository',
        subject,
        notProven.filter((p) => reposOf(p.person).includes(subject)),
        proven.get(subject) ?? 0,
        apps.filter((a) => reposOf(a).includes(subject)).length
      )
    )
  }
  const subjects = model.workspaces.map((w) => w.workspace)
  const workspacesOf = (person: Person): readonly string[] => {
    const own = person.account.workspaces.filter((ws) => subjects.includes(ws))
    return own.length > 0 ? own : subjects
  }
  return model.workspaces.map((w) =>
    suite(
      'workspace',
      w.workspace,
      notProven.filter((p) => workspacesOf(p.person).includes(w.workspace)),
      w.enabled,
      w.appUsers
    )
  )
}

function suite(kind: 'workspace' | 'repository', subject: string, people: SuitePerson[], proven: number, appUsers: number): Suite {
  return { id: `${kind}:${subject}`, subject, people, proven, appUsers, failed: people.some((p) => p.fails) }
}
