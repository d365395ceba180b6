import * as core from '@actions/core'
import { formsOf, scrubberFor } from '../secrets.js'

/** What the action does to the runner: the one port through which it reads inputs and prints. */
export interface ActionIO {
  getInput(name: string): string
  /** Masks a secret in the runner's log; a scrubbing port also removes it from all it prints after. */
  setSecret(value: string): void
  info(text: string): void
  warning(text: string): void
  debug(text: string): void
  setOutput(name: string, value: string): void
  setFailed(text: string): void
  /** Appends Markdown to the job summary; throws when the runner gives no summary file. */
  writeSummary(markdown: string): Promise<void>
}

/**
 * Wraps a port so that every string it prints, outputs or writes is scrubbed of every secret it was
 * told about, in every form an echo may take: one place, not every call site.
 */
export function scrubbing(port: ActionIO): ActionIO {
  const secrets = new Set<string>()
  let clean = scrubberFor([])
  return {
    getInput: (name) => port.getInput(name),
    setSecret: (value) => {
      for (const form of formsOf([value])) {
        if (secrets.has(form)) continue
        secrets.add(form)
        port.setSecret(form)
      }
      clean = scrubberFor([...secrets])
    },
    info: (text) => {
      port.info(clean(text))
    },
    warning: (text) => {
      port.warning(clean(text))
    },
    debug: (text) => {
      port.debug(clean(text))
    },
    setOutput: (name, value) => {
      port.setOutput(name, clean(value))
    },
    setFailed: (text) => {
      port.setFailed(clean(text))
    },
    writeSummary: (markdown) => port.writeSummary(clean(markdown))
  }
}

/** The real runner, through @actions/core, scrubbed. */
export function coreIO(): ActionIO {
  return scrubbing({
    getInput: (name) => core.getInput(name),
    setSecret: (value) => {
      core.setSecret(value)
    },
    info: (text) => {
      core.info(text)
    },
    warning: (text) => {
      core.warning(text)
    },
    debug: (text) => {
      core.debug(text)
    },
    setOutput: (name, value) => {
      core.setOutput(name, value)
    },
    setFailed: (text) => {
      core.setFailed(text)
    },
    writeSummary: async (markdown) => {
      await core.summary.addRaw(markdown, true).write()
    }
  })
}
