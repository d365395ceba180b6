import { readFileSync } from 'node:fs'

/**
 * What the runner tells the action about where it runs, read once at the action's entry: the
 * `GITHUB_*` variables it uses and the event payload. Nothing below the entry reads the environment.
 */
export interface RunnerContext {
  /** GITHUB_REPOSITORY: owner/name. */
  readonly repository: string
  /** GITHUB_API_URL, as the runner sets it (checked where it is used). */
  readonly apiUrl: string
  /** GITHUB_SERVER_URL, GITHUB_RUN_ID: for the run's URL. */
  readonly serverUrl: string
  readonly runId: string
  /** GITHUB_EVENT_NAME: `schedule`, `push`, … */
  readonly eventName: string
  /** GITHUB_WORKSPACE, else the working folder: where a relative `report-file` lands. */
  readonly workspace: string
  /** The event payload's text (GITHUB_EVENT_PATH); null when there is none or it cannot be read. */
  readonly eventPayload: string | null
  /** GITHUB_ACTION_REPOSITORY and GITHUB_ACTION_REF: the release of this action the workflow runs. */
  readonly actionRepository: string
  readonly actionRef: string
}

export function readRunnerContext(env: NodeJS.ProcessEnv, readFile: (path: string) => string = (path) => readFileSync(path, 'utf8')): RunnerContext {
  return {
    repository: env.GITHUB_REPOSITORY ?? '',
    apiUrl: env.GITHUB_API_URL ?? '',
    serverUrl: env.GITHUB_SERVER_URL ?? '',
    runId: env.GITHUB_RUN_ID ?? '',
    eventName: env.GITHUB_EVENT_NAME ?? '',
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    eventPayload: readPayload(env.GITHUB_EVENT_PATH, readFile),
    actionRepository: env.GITHUB_ACTION_REPOSITORY ?? '',
    actionRef: env.GITHUB_ACTION_REF ?? ''
  }
}

function readPayload(path: string | undefined, readFile: (path: string) => string): string | null {
  if (!path) return null
  try {
    return readFile(path)
  } catch {
    return null
  }
}

/** The run's page, when the runner gave all of its parts in their expected shapes. */
export function runUrlOf(context: RunnerContext): string | null {
  const { serverUrl, repository, runId } = context
  if (!/^https:\/\/[^\s()]+$/.test(serverUrl) || !/^\d+$/.test(runId) || !/^[\w.-]+\/[\w.-]+$/.test(repository)) return null
  return `${serverUrl}/${repository}/actions/runs/${runId}`
}
