import { Sentence } from '../sentence.js'

/**
 * The release that is running, so that advice names something a reader can run: the version
 * (package.json's) and, in the action, the repository and ref the workflow runs it from
 * (GITHUB_ACTION_REPOSITORY, GITHUB_ACTION_REF) when the runner sets them.
 */
export interface ReleaseSource {
  readonly version: string
  /** owner/name of the action's repository; null when not known (the CLI, or a runner that does not say). */
  readonly repository: string | null
  /** The tag, branch or commit SHA the workflow runs; null when not known. */
  readonly ref: string | null
}

const REPOSITORY = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9._-]{1,100}$/
const REF = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$/

/** The runner's GITHUB_ACTION_REPOSITORY and GITHUB_ACTION_REF, when they are what they claim to be. */
export function actionRelease(version: string, repository: string, ref: string): ReleaseSource {
  return {
    version,
    repository: REPOSITORY.test(repository) ? repository : null,
    ref: REF.test(ref) && !ref.includes('..') ? ref : null
  }
}

/**
 * How to see withheld names privately, in one place: the CLI of the running release on the admin's
 * own machine, with the checkout that gives it (never a bare or major-only package name, which may
 * name another release or nothing at all).
 */
export function privateAdvice(
  release: ReleaseSource,
  workspaces: readonly string[],
  purpose: 'names' | 'everyone' = 'names',
  // The repository scope's command: the same people, not the whole workspaces.
  repositories: readonly string[] = []
): Sentence {
  const repository = release.repository ?? 'OWNER/bitbucket-2fa-gate'
  const ref = release.ref ?? `v${release.version}`
  const owner = release.repository === null ? ' (OWNER: the owner of the repository that hosts the action)' : ''
  const checkout = `git clone https://github.com/${repository}.git bitbucket-2fa-gate && git -C bitbucket-2fa-gate checkout ${ref}`
  const target = repositories.length > 0 ? `--repository ${repositories.join(',')}` : `--workspace ${workspaces.join(',')}`
  const command = `node bitbucket-2fa-gate/dist/cli.js ${target}`
  // The CLI's own variables: whichever door speaks, this is advice to run the CLI.
  return new Sentence([
    `${purpose === 'names' ? 'To see the names privately' : 'To see everyone'}, run bitbucket-2fa-gate ${release.version} on your own machine with \`BITBUCKET_EMAIL\` and \`BITBUCKET_TOKEN\` set: ` +
      `\`${checkout}\`${owner}, then \`${command}\`.`
  ])
}
