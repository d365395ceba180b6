import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { IssuesApi } from '../../src/action/tracking/github.js'
import { markerFor, renderState } from '../../src/action/tracking/state.js'
import { trackIssue } from '../../src/action/tracking/track.js'
import { member, verdictOf } from '../support/members.js'
import { ADMIN_EMAIL, ADMIN_TOKEN, adminCredential, person, REPO_ADMIN_TOKEN, repoAdminCredential } from '../simulator/fixtures.js'
import { ACTIONS_BOT, GitHubFake } from '../simulator/github.js'
import { BitbucketSimulator } from '../simulator/server.js'
import { PUBLIC_REPO_EVENT } from '../support/action.js'
import { runInProcess } from '../support/io.js'

/** The tracking issue's whole life, against a local fake of GitHub's REST API. */
const GITHUB_TOKEN = 'ghs_fakeGitHubToken0123456789abcdef'
const READ_ONLY_TOKEN = 'ghs_readOnlyToken0123456789abcdef'
const sim = new BitbucketSimulator({ workspaces: [], credentials: [adminCredential, repoAdminCredential] })
let github: GitHubFake
const fakes: GitHubFake[] = []

beforeAll(async () => {
  await sim.start()
})
afterAll(async () => {
  await sim.stop()
  await Promise.all(fakes.splice(0).map((fake) => fake.stop()))
})
beforeEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.stop()))
  github = await new GitHubFake({ owner: 'acme', name: 'app', private: true, visibility: 'private', issuesEnabled: true }).start()
  fakes.push(github)
  github.tokens.set(GITHUB_TOKEN, 'write')
  github.tokens.set(READ_ONLY_TOKEN, 'read')
  sim.workspaces.length = 0
  sim.workspaces.push({
    slug: 'acme',
    uuid: '{aaaaaaaa-1111-4111-8111-111111111111}',
    members: [person(1, true), person(2, false, { display_name: 'Bob NoTwoFactor' }), person(3, true)]
  })
  sim.faults.length = 0
  sim.resetStats()
})

const BOB = person(2, false).uuid
/** What the first-seen table shows for Bob: the main table's Account ID column. */
const BOB_ACCOUNT = '557058:00000002-0000-0000-0000-000000000000'
const inputs = (extra: Record<string, string> = {}) => ({
  workspace: 'acme',
  email: ADMIN_EMAIL,
  token: ADMIN_TOKEN,
  'api-url': sim.apiUrl,
  'tracking-issue': 'true',
  'github-token': GITHUB_TOKEN,
  'tracking-label': '2fa-compliance',
  ...extra
})
const env = () => ({
  GITHUB_API_URL: github.apiUrl,
  GITHUB_REPOSITORY: 'acme/app',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_RUN_ID: '4242',
  GITHUB_EVENT_NAME: 'schedule'
})
const track = (extra: Record<string, string> = {}, options: Parameters<typeof runInProcess>[1] = {}) =>
  runInProcess(inputs(extra), { ...options, env: { ...env(), ...options.env } })
const setFlag = (n: number, flag: boolean | null) => {
  const members = sim.workspaces[0]!.members
  const index = members.findIndex((m) => m.uuid === person(n, null).uuid)
  members[index] = { ...members[index]!, has_2fa_enabled: flag }
}

describe('the tracking issue', () => {
  it('sends nothing to GitHub when off, even with a token', async () => {
    const run = await track({ 'tracking-issue': 'false' })
    expect(run.outputs.compliant).toBe('false')
    expect(github.log).toEqual([])
  })

  it('opens one issue with the label, the marker, the tables and first-seen dates, linked to the run', async () => {
    const run = await track()
    expect(run.exitCode).toBe(1)
    expect(github.issues).toHaveLength(1)
    const [issue] = github.issues
    expect(issue!.labels).toEqual(['2fa-compliance'])
    expect(issue!.title).toBe('Bitbucket 2FA: 1 person without proven two-factor authentication in acme')
    expect(issue!.body.split('\n')[0]).toBe('<!-- bitbucket-2fa-gate:tracking workspaces=acme -->')
    expect(issue!.body).toContain('[the last run](https://github.com/acme/app/actions/runs/4242)')
    expect(issue!.body).toContain('| Name | Nickname | Account ID | Workspaces |')
    expect(issue!.body).toContain(`| \`Bob NoTwoFactor\` | \`${BOB_ACCOUNT}\` | – | 2026-11-26 |`)
    expect(run.stdout).toContain('Tracking issue: opened #1.')
    expect(run.summary).toContain('Tracking issue: opened #1.')
    // The verdict is the verdict: outputs as without tracking.
    expect(run.outputs['non-compliant-count']).toBe('1')
  })

  it('updates the body in place on the next run (never a second issue), carrying the first-seen date, and comments only on change', async () => {
    const earlier = `${markerFor(['acme'])}\nold body\n${renderState({ outcome: 'not-compliant', since: '2026-10-01', people: new Map([[BOB, '2026-10-05']]), counts: { nonCompliant: 1, unknown: 0 } })}\n`
    github.addIssue({ body: earlier, labels: ['2fa-compliance'], author: ACTIONS_BOT })
    await track()
    expect(github.issues).toHaveLength(1)
    expect(github.issues[0]!.body).toContain(`| \`Bob NoTwoFactor\` | \`${BOB_ACCOUNT}\` | – | 2026-10-05 |`)
    expect(github.issues[0]!.body).toContain('Open since 2026-10-01.')
    expect(github.issues[0]!.comments).toEqual([])

    setFlag(3, false)
    await track()
    expect(github.issues).toHaveLength(1)
    expect(github.issues[0]!.comments).toHaveLength(1)
    expect(github.issues[0]!.comments[0]).toContain('The set of people changed. Now 2 people without proven two-factor authentication')
    expect(github.issues[0]!.comments[0]).toContain('Newly listed: `Person 3`')
    expect(github.issues[0]!.body).toContain(`| \`Person 3\` | \`557058:00000003-0000-0000-0000-000000000000\` | – | 2026-11-26 |`)

    await track()
    expect(github.issues[0]!.comments).toHaveLength(1)
  })

  it('closes the issue with a comment when everyone is compliant again', async () => {
    await track()
    setFlag(2, true)
    const run = await track()
    expect(run.exitCode).toBe(0)
    expect(github.issues[0]!.state).toBe('closed')
    expect(github.issues[0]!.stateReason).toBe('completed')
    expect(github.issues[0]!.comments.at(-1)).toContain('Every one of the 3 people now has two-factor authentication or an exemption in force')
    expect(run.stdout).toContain('Tracking issue: closed #1')
    // The closed issue no longer reads as a problem: its title and heading say so; nobody is kept in it.
    expect(github.issues[0]!.title).toBe('Bitbucket 2FA: everyone in acme has two-factor authentication (closed 2026-11-26)')
    expect(github.issues[0]!.body.split('\n')[0]).toBe('<!-- bitbucket-2fa-gate:tracking workspaces=acme -->')
    expect(github.issues[0]!.body).toContain('\n## ✅ Bitbucket 2FA gate: all 3 people have two-factor authentication or an exemption\n')
    expect(github.issues[0]!.body).not.toContain('without proven')
    expect(github.issues[0]!.body).not.toContain(BOB)
    // Compliant with no issue open: nothing is written.
    const before = github.log.length
    await track()
    // Compliant with no issue open: two reads (labelled, then recent unlabelled issues), nothing written.
    expect(github.log.slice(before).map((r) => r.method)).toEqual(['GET', 'GET'])
  })

  it('opens or updates the issue when the run could not decide, and never closes it then', async () => {
    const broken = await track({ token: 'ATATT-wrong-token-000' })
    expect(broken.outputs.compliant).toBe('false')
    expect(github.issues).toHaveLength(1)
    expect(github.issues[0]!.title).toBe('Bitbucket 2FA: the audit of acme could not decide')
    expect(github.issues[0]!.body).toContain('no verdict, the check itself failed')
    expect(github.issues[0]!.body).toContain('401 Unauthorized')
    expect(github.issues[0]!.body).not.toContain('ATATT-wrong-token-000')

    await track({ token: 'ATATT-wrong-token-000' })
    expect(github.issues[0]!.state).toBe('open')
    expect(github.issues[0]!.comments).toEqual([])

    await track()
    expect(github.issues[0]!.state).toBe('open')
    expect(github.issues[0]!.comments.at(-1)).toContain('The audit reached a verdict again. Now 1 person')
  })

  it('a broken run on an open violation issue comments once, keeps the dates and stays open', async () => {
    await track()
    await track({ token: 'ATATT-wrong-token-000' })
    expect(github.issues[0]!.state).toBe('open')
    expect(github.issues[0]!.comments).toEqual([expect.stringContaining('could not reach a verdict')])
    expect(github.issues[0]!.body).toContain(`"${BOB}":"2026-11-26"`)
  })

  it('withholds names in a public repository: counts only, no uuid even in the hidden state', async () => {
    await track({}, { event: PUBLIC_REPO_EVENT })
    const body = github.issues[0]!.body
    expect(body).not.toContain('Bob')
    expect(body).not.toContain(BOB)
    expect(body).not.toContain('557058:')
    expect(body).toContain('Names withheld')
    expect(body).toContain('"people":{}')
    setFlag(3, false)
    await track({}, { event: PUBLIC_REPO_EVENT })
    expect(github.issues[0]!.comments[0]).toBe(
      'The set of people changed. Now 2 people without proven two-factor authentication ([run](https://github.com/acme/app/actions/runs/4242)). ' +
        'Before: 1 non-compliant, 0 unknown. Names are withheld in this repository.'
    )
  })

  it('asks GitHub for the visibility when the event does not say (a scheduled run), and withholds names if it cannot', async () => {
    await track({}, { event: { schedule: '0 7 * * 1' } })
    expect(github.log[0]).toMatchObject({ method: 'GET', path: '/repos/acme/app' })
    expect(github.issues[0]!.body).toContain('Bob NoTwoFactor')

    github.repositoryStatus = 403
    const run = await track({}, { event: { schedule: '0 7 * * 1' } })
    expect(run.stdout).toContain('names are withheld')
    expect(github.issues[0]!.body).not.toContain('Bob')
  })

  it('leaves alone another workspace set’s issue and a person’s own issue with the label', async () => {
    const theirs = github.addIssue({ body: `${markerFor(['beta'])}\nbeta's audit`, labels: ['2fa-compliance'] })
    const persons = github.addIssue({ body: 'Please turn on 2FA, everyone!', labels: ['2fa-compliance'] })
    const pr = github.addIssue({ body: markerFor(['acme']), labels: ['2fa-compliance'], isPullRequest: true })
    await track()
    expect(github.issues).toHaveLength(4)
    for (const issue of [theirs, persons, pr]) expect(issue.comments).toEqual([])
    expect(theirs.body).toBe(`${markerFor(['beta'])}\nbeta's audit`)
    expect(persons.body).toBe('Please turn on 2FA, everyone!')
    expect(github.issues[3]!.body.startsWith(markerFor(['acme']))).toBe(true)
  })

  it('finds its issue among many pages of labelled issues', async () => {
    for (let i = 0; i < 150; i++) github.addIssue({ body: `noise ${i}`, labels: ['2fa-compliance'] })
    const mine = github.addIssue({ body: markerFor(['acme']), labels: ['2fa-compliance'] })
    await track()
    expect(github.issues).toHaveLength(151)
    expect(mine.body).toContain('Bob NoTwoFactor')
  })

  it('ignores a malformed or edited hidden state: dates start again, nothing else changes', async () => {
    const forged = `${markerFor(['acme'])}\n<!-- bitbucket-2fa-gate:state {"v":1,"outcome":"compliant","since":"2099-01-01","people":{}} -->`
    github.addIssue({ body: forged, labels: ['2fa-compliance'] })
    const run = await track()
    expect(run.outputs.compliant).toBe('false')
    expect(run.exitCode).toBe(1)
    expect(github.issues[0]!.body).toContain('Open since 2026-11-26.')
    expect(github.issues[0]!.body).toContain(`| \`Bob NoTwoFactor\` | \`${BOB_ACCOUNT}\` | – | 2026-11-26 |`)
    const future = `${markerFor(['acme'])}\n${renderState({ outcome: 'not-compliant', since: '2026-01-01', people: new Map([[BOB, '2099-01-01']]), counts: null })}`
    github.issues[0]!.body = future
    await track()
    expect(github.issues[0]!.body).toContain(`| \`Bob NoTwoFactor\` | \`${BOB_ACCOUNT}\` | – | 2026-11-26 |`)
  })

  it('fails the step naming `permissions: issues: write` when the token may not write, and keeps the outputs and summary', async () => {
    setFlag(2, true)
    github.addIssue({ body: markerFor(['acme']), labels: ['2fa-compliance'] })
    const run = await track({ 'github-token': READ_ONLY_TOKEN }, { env: { GITHUB_EVENT_NAME: 'pull_request' } })
    expect(run.exitCode).toBe(1)
    expect(run.outputs.compliant).toBe('true')
    expect(run.summary).toContain('✅ Bitbucket 2FA gate')
    expect(run.stdout).toContain('::error::The tracking issue was not updated: GitHub answered 403 when asked to comment on issue #1.')
    expect(run.stdout).toContain('GitHub says: `Resource not accessible by integration`')
    expect(run.stdout).toContain('give the job `permissions: issues: write`')
    expect(run.stdout).toContain('On a pull request from a fork, GitHub gives the workflow a read-only token')
    expect(run.summary).toContain('permissions: issues: write')
  })

  it('names `github-token` on a 401, issues being off on a 410, and never prints the token', async () => {
    const bad = await track({ 'github-token': 'ghs_notAValidToken_0000000000' })
    expect(bad.stdout).toContain('GitHub answered 401 when asked to list issues')
    expect(bad.stdout).toContain('Check `github-token`')
    expect(bad.artefacts).not.toContain('ghs_notAValidToken_0000000000')
    expect(bad.masked).toContain('ghs_notAValidToken_0000000000')
    github.repository.issuesEnabled = false
    const off = await track()
    expect(off.stdout).toContain('Issues are turned off in this repository')
    const good = await track()
    expect(good.artefacts).not.toContain(GITHUB_TOKEN)
  })

  it('refuses a label with a comma and an empty token, before any request', async () => {
    const comma = await track({ 'tracking-label': 'a,b' })
    expect(comma.stdout).toContain('Input `tracking-label` must be one label')
    const empty = await track({ 'github-token': '' })
    expect(empty.stdout).toContain('Input `github-token` is empty')
    expect(github.log).toEqual([])
    expect(sim.requests).toBe(0)
  })

  it('finds its issue by the marker when the label is gone (dropped by GitHub or removed by hand): never a second issue', async () => {
    const unlabelled = github.addIssue({ body: markerFor(['acme']), labels: [], author: ACTIONS_BOT })
    for (let i = 0; i < 30; i++) github.addIssue({ body: `noise ${i}` })
    await track()
    expect(github.issues.filter((issue) => issue.body.includes(markerFor(['acme'])))).toHaveLength(1)
    expect(unlabelled.body).toContain('Bob NoTwoFactor')
  })

  it('counts its requests to GitHub in the log line', async () => {
    const run = await track()
    // Labelled issues, recent issues (no marker found), then the new issue.
    expect(run.stdout).toContain('Tracking issue: opened #1. It took 3 requests to GitHub.')
    expect(github.log).toHaveLength(3)
  })

  it('leaves alone an issue someone opened with a pasted marker, and opens its own', async () => {
    const earlier = `${markerFor(['acme'])}\n${renderState({ outcome: 'not-compliant', since: '2026-10-01', people: new Map([[BOB, '2026-10-05']]), counts: null })}`
    const pasted = github.addIssue({ body: earlier, author: { login: 'mallory', type: 'User' } })
    const run = await track()
    expect(pasted).toMatchObject({ body: earlier, state: 'open', comments: [] })
    expect(github.issues).toHaveLength(2)
    expect(github.issues[1]!.body).toContain(`| \`Bob NoTwoFactor\` | \`${BOB_ACCOUNT}\` | – | 2026-11-26 |`)
    expect(run.stdout).toContain('Tracking issue: opened #2. Left alone #1: it carries the marker')
    expect(github.log.filter((r) => r.path === '/user')).toHaveLength(1)
  })

  it('with a personal token, adopts the unlabelled issue its own login opened', async () => {
    const pat = 'github_pat_11ZZtrackingTest0123456789abcdef'
    github.tokens.set(pat, 'write')
    github.logins.set(pat, 'octo-admin')
    const own = github.addIssue({ body: markerFor(['acme']), author: { login: 'octo-admin', type: 'User' } })
    const run = await track({ 'github-token': pat })
    expect(github.issues).toHaveLength(1)
    expect(own.body).toContain('Bob NoTwoFactor')
    // Labelled, recent, GET /user, the update, and a comment (the bare marker held no state).
    expect(run.stdout).toContain('Tracking issue: updated #1, with a comment on what changed. It took 5 requests to GitHub.')
    expect(run.artefacts).not.toContain(pat)
  })

  it('writes no identifier into the issue of a public repository, even with `redact: false`, nor carries one over from a private past', async () => {
    await track()
    expect(github.issues[0]!.body).toContain(BOB)
    // The repository went public; the next run could not decide.
    await track({ token: 'ATATT-wrong-token-000', redact: 'false' }, { event: PUBLIC_REPO_EVENT })
    const written = [github.issues[0]!.body, ...github.issues[0]!.comments].join('\n')
    for (const id of [BOB, BOB.slice(-13, -1), 'Bob', '557058:']) expect(written).not.toContain(id)
    expect(github.issues[0]!.body).toContain('"people":{}')
    await track({ redact: 'false' }, { event: PUBLIC_REPO_EVENT })
    const again = [github.issues[0]!.body, ...github.issues[0]!.comments].join('\n')
    for (const id of [BOB, BOB.slice(-13, -1), 'Bob', '557058:']) expect(again).not.toContain(id)
  })

  it('scrubs the token out of what GitHub echoes before cutting it: no fragment reaches the log or the summary', async () => {
    setFlag(2, true)
    github.addIssue({ body: markerFor(['acme']), labels: ['2fa-compliance'] })
    const token = 'ghs_Jq4Xv8Zt2Wn6Kp0Rb3Ym7Lc5Hd9Gf1SaUe'
    github.tokens.set(token, 'read')
    github.refusalMessage = `${'Refused, and the reason is long. '.repeat(6).slice(0, 187)}${token} end`
    const run = await track({ 'github-token': token })
    expect(run.stdout).toContain('::error::The tracking issue was not updated: GitHub answered 403 when asked to comment on issue #1.')
    expect(run.stdout).toContain('GitHub says: `Refused, and the reason is long.')
    for (let i = 0; i + 4 <= token.length; i++) expect(run.artefacts).not.toContain(token.slice(i, i + 4))
  })

  it('never follows a pagination Link to another host with the github-token: the step fails naming the refused origin', async () => {
    for (let n = 0; n < 101; n++) github.addIssue({ body: `unrelated ${n}`, labels: ['2fa-compliance'] })
    const thief = new GitHubFake({ owner: 'acme', name: 'app', private: true, visibility: 'private', issuesEnabled: true })
    thief.tokens.set(GITHUB_TOKEN, 'write')
    fakes.push(await thief.start())
    github.nextLinkOrigin = new URL(thief.apiUrl).origin
    const run = await track()
    expect(thief.log).toEqual([])
    expect(github.log.every((entry) => entry.authorization === `token ${GITHUB_TOKEN}`)).toBe(true)
    expect(run.stdout).toContain('The gate refused to send the `github-token` to another origin than')
    expect(run.stdout).toContain(`The link: \`${new URL(thief.apiUrl).origin}\``)
    expect(run.stdout).toMatch(/::error::The tracking issue was not updated/)
    expect(run.artefacts).not.toContain(GITHUB_TOKEN)
  })
})

describe('closing the tracking issue', () => {
  it('says everyone is compliant in the title and body before it closes the issue', async () => {
    const calls: string[] = []
    const open = { number: 9, body: markerFor(['acme']), author: null, labelled: true }
    const api: IssuesApi = {
      openIssuesWithLabel: () => Promise.resolve([open]),
      recentOpenIssues: () => Promise.resolve([]),
      tokenIdentity: () => Promise.resolve(null),
      create: () => {
        calls.push('create')
        return Promise.resolve(10)
      },
      update: (number, issue) => {
        calls.push(`update #${number}: ${issue.title}`)
        return Promise.resolve()
      },
      comment: (number) => {
        calls.push(`comment #${number}`)
        return Promise.resolve()
      },
      close: (number) => {
        calls.push(`close #${number}`)
        return Promise.resolve()
      },
      visibility: () => Promise.resolve({ private: true, visibility: 'private' }),
      requestsMade: () => calls.length
    }
    const context = {
      workspaces: ['acme'],
      redact: false,
      failOnViolation: true,
      today: '2026-11-26',
      runUrl: null,
      label: '2fa-compliance',
      eventName: 'schedule'
    }
    const line = await trackIssue(api, { verdict: verdictOf([member('enabled')]) }, context)
    expect(calls).toEqual(['comment #9', 'update #9: Bitbucket 2FA: everyone in acme has two-factor authentication (closed 2026-11-26)', 'close #9'])
    expect(line).toBe('Tracking issue: closed #9, everyone is compliant. It took 3 requests to GitHub.')
  })

  it('keeps a repository gate and a workspace audit over the same workspace in separate issues, admins first', async () => {
    sim.workspaces[0] = {
      ...sim.workspaces[0]!,
      members: [...sim.workspaces[0]!.members, person(4, false, { display_name: 'Zed Admin' })],
      owners: [person(1, true).uuid, person(4, false).uuid],
      repositories: [{ slug: 'app', grants: [{ uuid: BOB, permission: 'write' }] }]
    }
    await track()
    await track({ workspace: '', repository: 'acme/app', token: REPO_ADMIN_TOKEN })
    expect(github.issues).toHaveLength(2)
    const [audit, gate] = github.issues
    expect(audit!.title).toBe('Bitbucket 2FA: 2 people without proven two-factor authentication in acme')
    expect(gate!.title).toBe('Bitbucket 2FA: 2 people without proven two-factor authentication who can write to acme/app')
    expect(gate!.body).toContain(markerFor(['acme'], ['acme/app']))
    expect(audit!.body).toContain(markerFor(['acme']))
    expect(markerFor(['acme'], ['acme/app'])).not.toBe(markerFor(['acme']))
    // The first-seen table: the admin first, marked.
    const rows = gate!.body.split('\n').filter((line) => /^\| `(Zed Admin|Bob NoTwoFactor)` \| `557058:[^`]+` \|/.test(line))
    expect(rows).toEqual([
      '| `Zed Admin` | `557058:00000004-0000-0000-0000-000000000000` | admin | 2026-11-26 |',
      `| \`Bob NoTwoFactor\` | \`${BOB_ACCOUNT}\` | – | 2026-11-26 |`
    ])
    // A second repository-gate run updates its own issue, never the audit's.
    await track({ workspace: '', repository: 'acme/app', token: REPO_ADMIN_TOKEN })
    expect(github.issues).toHaveLength(2)
  })
})
