/** Bitbucket's rate limit: API requests an hour per user (REFERENCE.md). */
export const HOURLY_BUDGET = 1000

/** "1 API request", "2 API requests"; `many` for irregular plurals ("people"). */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en')} ${count === 1 ? one : many}`
}

/** The command that shows the names privately: the CLI on the admin's own machine, for these workspaces. */
export function privateCommand(workspaces: readonly string[]): string {
  return `npx bitbucket-2fa-gate@1 --workspace ${workspaces.join(',')}`
}

/** How to see withheld names privately, in one sentence (the credentials come from the environment). */
export function privateWay(workspaces: readonly string[]): string {
  return `To see the names privately, run \`${privateCommand(workspaces)}\` on your own machine with \`BITBUCKET_EMAIL\` and \`BITBUCKET_TOKEN\` set.`
}
