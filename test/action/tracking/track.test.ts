import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { octokitIssues, type IssuesApi } from '../../../src/action/tracking/github.js'
import { markerFor, readState, renderState } from '../../../src/action/tracking/state.js'
import { trackIssue, type TrackingContext } from '../../../src/action/tracking/track.js'
import { errorMessage, GateError } from '../../../src/errors.js'
import { scrubberFor } from '../../../src/secrets.js'
import { ACTIONS_BOT, GitHubFake, type FakeUser } from '../../simulator/github.js'
import { member, verdictOf } from '../../support/members.js'

/** The tracking issue end to end over the real Octokit, against the local fake of GitHub's REST API. */
const GITHUB_TOKEN = 'ghs_Q7xZ9kP2mW4vR8tY1uN6bC3dF5gH0jLqS'
const READ_ONLY_TOKEN = 'ghs_Vb3Nm8Kq2Wz7Xc5Lp9Rt4Jh6Gf1Ds0AeYu'
const PAT = 'github_pat_11AB2CD3E0xYz9WvUtSrQp8OnMlKjIhG'
const PAT_LOGIN = 'octo-admin'
const MALLORY: FakeUser = { login: 'mallory', type: 'User' }
const marker = markerFor(['acme'])
const bob = member('disabled', { displayName: 'Bob' })
const failing = verdictOf([member('enabled'), bob])
const context: TrackingContext = {
  workspaces: ['acme'],
  redact: false,
  failOnViolation: true,
  today: '2026-11-26',
  runUrl: null,
  label: '2fa-compliance',
  eventName: 'schedule'
}

let github: GitHubFake
beforeEach(async () => {
  github = await new GitHubFake({ owner: 'acme', name: 'app', private: true, visibility: 'private', issuesEnabled: true }).start()
  github.tokens.set(GITHUB_TOKEN, 'write')
  github.tokens.set(READ_ONLY_TOKEN, 'read')
  github.tokens.set(PAT, 'write')
  github.logins.set(PAT, PAT_LOGIN)
})
afterEach(async () => {
  await github.stop()
})

/** Node's own fetch to the fake on 127.0.0.1, redirects not followed: the request core's part in a test. */
const plainFetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => fetch(input, { ...init, redirect: 'manual' })
const api = (token = GITHUB_TOKEN, options: Partial<Parameters<typeof octokitIssues>[3]> = {}): Promise<IssuesApi> =>
  octokitIssues(
    token,
    github.apiUrl,
    { owner: 'acme', repo: 'app' },
    { fetch: plainFetch, scrub: scrubberFor([GITHUB_TOKEN, READ_ONLY_TOKEN, PAT]), ...options }
  )
const track = async (token = GITHUB_TOKEN, extra: Partial<TrackingContext> = {}): Promise<string> =>
  trackIssue(await api(token), { verdict: failing }, { ...context, ...extra })
/** A body an earlier run wrote, marker and hidden state, as anyone can copy it from the page source. */
const earlierBody = `${marker}\nearlier\n${renderState({ outcome: 'not-compliant', since: '2026-10-01', people: new Map([[bob.uuid, '2026-10-05']]), counts: { nonCompliant: 1, unknown: 0 } })}\n`
const requests = () => github.log.map((r) => `${r.method} ${r.path.replace(/\?.*/, '')}${r.path.includes('labels=') ? ' (labelled)' : ''}`)

describe('a copied marker does not hand over the tracking issue', () => {
  it('leaves alone an unlabelled issue with a pasted marker by someone else, and opens its own', async () => {
    const pasted = github.addIssue({ title: 'Free 2FA help', body: earlierBody, author: MALLORY })
    const line = await track()
    expect(pasted).toMatchObject({ title: 'Free 2FA help', body: earlierBody, state: 'open', comments: [] })
    expect(github.issues).toHaveLength(2)
    expect(github.issues[1]).toMatchObject({ number: 2, labels: ['2fa-compliance'], author: ACTIONS_BOT })
    expect(github.issues[1]!.body.startsWith(`${marker}\n`)).toBe(true)
    // Nothing is taken from the copy either: the first-seen date starts today.
    expect(readState(github.issues[1]!.body, context.today)?.people).toEqual(new Map([[bob.uuid, '2026-11-26']]))
    expect(requests()).toEqual(['GET /repos/acme/app/issues (labelled)', 'GET /repos/acme/app/issues', 'GET /user', 'POST /repos/acme/app/issues'])
    expect(line).toBe(
      'Tracking issue: opened #2. Left alone #1: it carries the marker but neither the label (`tracking-label`) nor this token as its author. It took 4 requests to GitHub.'
    )
    // The next run finds its own by the label, and still leaves the copy alone.
    expect(await track()).toBe('Tracking issue: updated #2. It took 2 requests to GitHub.')
    expect(pasted.body).toBe(earlierBody)
  })

  it('does not take a person whose name looks like the bot for the bot', async () => {
    const lookalike = github.addIssue({ body: earlierBody, author: { login: 'github-actions[bot]', type: 'User' } })
    await track()
    expect(lookalike.body).toBe(earlierBody)
    expect(github.issues).toHaveLength(2)
  })

  it('adopts an unlabelled issue that github-actions[bot] opened, when the token is GITHUB_TOKEN (GET /user: 403)', async () => {
    const own = github.addIssue({ body: earlierBody, author: ACTIONS_BOT })
    const line = await track()
    expect(github.issues).toHaveLength(1)
    expect(own.body).toContain('Bob')
    expect(readState(own.body, context.today)?.people).toEqual(new Map([[bob.uuid, '2026-10-05']]))
    expect(requests()).toEqual(['GET /repos/acme/app/issues (labelled)', 'GET /repos/acme/app/issues', 'GET /user', 'PATCH /repos/acme/app/issues/1'])
    expect(line).toBe('Tracking issue: updated #1. It took 4 requests to GitHub.')
  })

  it('adopts a labelled issue whoever opened it, without asking who the token is', async () => {
    const labelled = github.addIssue({ body: earlierBody, author: MALLORY, labels: ['2fa-compliance'] })
    const line = await track()
    expect(labelled.body).toContain('Bob')
    expect(requests()).toEqual(['GET /repos/acme/app/issues (labelled)', 'PATCH /repos/acme/app/issues/1'])
    expect(line).toBe('Tracking issue: updated #1. It took 2 requests to GitHub.')
  })

  it('with a personal token, adopts the issues of the login GET /user returns, and no one else’s (not even the bot’s)', async () => {
    const bots = github.addIssue({ body: earlierBody, author: ACTIONS_BOT })
    const theirs = github.addIssue({ body: earlierBody, author: MALLORY })
    const mine = github.addIssue({ body: earlierBody, author: { login: PAT_LOGIN, type: 'User' } })
    const line = await track(PAT)
    expect(mine.body).toContain('Bob')
    for (const issue of [bots, theirs]) expect(issue).toMatchObject({ body: earlierBody, comments: [], state: 'open' })
    expect(github.issues).toHaveLength(3)
    expect(requests().filter((r) => r === 'GET /user')).toHaveLength(1)
    expect(line).toBe(
      'Tracking issue: updated #3. Left alone #1, #2: they carry the marker but neither the label (`tracking-label`) nor this token as their author. It took 4 requests to GitHub.'
    )
  })

  it('adopts only labelled issues when it cannot tell who the token is', async () => {
    // A personal token that GET /user refuses: a 403 proves nothing about who it is.
    const unknown = 'ghp_Zq8Wx7Ec6Rv5Tb4Yn3Um2Ik1Ol0Pa9Sd8F'
    github.tokens.set(unknown, 'write')
    const bots = github.addIssue({ body: earlierBody, author: ACTIONS_BOT })
    await track(unknown)
    expect(bots.body).toBe(earlierBody)
    expect(github.issues).toHaveLength(2)
    expect(github.issues[1]!.labels).toEqual(['2fa-compliance'])
  })

  it('takes the oldest issue it may adopt, and never a newer copy', async () => {
    github.addIssue({ body: earlierBody, author: MALLORY })
    const own = github.addIssue({ body: earlierBody, author: ACTIONS_BOT })
    const later = github.addIssue({ body: earlierBody, author: ACTIONS_BOT })
    await track()
    expect(own.body).toContain('Bob')
    expect(later.body).toBe(earlierBody)
  })
})

describe('GitHub’s words in an error: scrubbed, then cut, and never in redact mode', () => {
  // Today's cut at 200 characters, before scrubbing, would keep 13 characters of the token.
  const echo = `${'Frobnicated wibble refusal '.repeat(7).slice(0, 187)}${READ_ONLY_TOKEN} quuxly denied`
  const failure = async (scrub: (text: string) => string): Promise<unknown> => {
    github.refusalMessage = echo
    github.addIssue({ body: marker, labels: ['2fa-compliance'] })
    const issues = await api(READ_ONLY_TOKEN, { scrub })
    return trackIssue(issues, { verdict: failing }, context).then(
      () => null,
      (error: unknown) => error
    )
  }
  const fragments = (secret: string): string[] => Array.from({ length: secret.length - 3 }, (_, i) => secret.slice(i, i + 4))

  it('quotes GitHub’s message scrubbed before it is cut: no fragment of the token survives', async () => {
    const error = await failure(scrubberFor([READ_ONLY_TOKEN]))
    expect(error).toBeInstanceOf(GateError)
    const shown = errorMessage(error, false)
    expect(shown).toMatch(/^The tracking issue was not updated: GitHub answered 403 when asked to update issue #1\. /)
    expect(shown).toContain('GitHub says: `Frobnicated wibble')
    expect(shown).toContain('***')
    for (const fragment of fragments(READ_ONLY_TOKEN)) expect(shown).not.toContain(fragment)
  })

  it('scrubs the token it was given even when the caller’s scrubber misses it', async () => {
    const shown = errorMessage(await failure((text) => text), false)
    for (const fragment of fragments(READ_ONLY_TOKEN)) expect(shown).not.toContain(fragment)
  })

  it('keeps GitHub’s text out of the sentence, tagged as what GitHub says, and gives only its shape in redact mode', async () => {
    const error = await failure(scrubberFor([READ_ONLY_TOKEN]))
    if (!(error instanceof GateError)) throw new Error('expected a GateError')
    expect(error.message).not.toMatch(/Frobnicated|wibble|quuxly/)
    expect(error.said).toMatchObject({ who: 'GitHub', how: 'says' })
    const redacted = errorMessage(error, true)
    for (const word of ['Frobnicated', 'wibble', 'refusal', 'quuxly', 'denied', 'documentation', ...fragments(READ_ONLY_TOKEN)]) {
      expect(redacted).not.toContain(word)
    }
    expect(redacted).toContain('give the job `permissions: issues: write`')
    expect(redacted).toMatch(/GitHub's answer \(application\/json, \d+ bytes\) is not quoted in redact mode\.$/)
  })

  it('names the origin the request core refused (a rel="next" to another host), never the token', async () => {
    for (let i = 0; i < 101; i++) github.addIssue({ body: `noise ${i}`, labels: ['2fa-compliance'] })
    github.nextLinkOrigin = 'http://elsewhere.test'
    const asked: string[] = []
    const locked = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const url = new URL(input instanceof Request ? input.url : input)
      asked.push(url.origin)
      if (url.origin !== new URL(github.apiUrl).origin)
        return Promise.reject(new GateError(`The github-token is only sent to ${github.apiUrl}, not to ${url.origin}.`))
      return plainFetch(input, init)
    }
    const error = await trackIssue(await api(GITHUB_TOKEN, { fetch: locked }), { verdict: failing }, context).then(
      () => null,
      (e: unknown) => e
    )
    expect(asked).toEqual([new URL(github.apiUrl).origin, 'http://elsewhere.test'])
    expect(error).toBeInstanceOf(GateError)
    expect(errorMessage(error, false)).toBe(
      `The tracking issue was not updated: no answer from GitHub when asked to list issues. The github-token is only sent to ${github.apiUrl}, not to http://elsewhere.test.`
    )
    expect(errorMessage(error, false)).not.toContain(GITHUB_TOKEN)
    expect(github.log).toHaveLength(1)
  })
})
