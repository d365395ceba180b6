import type { Mention, Spelling } from '../sentence.js'
import { INPUTS, isInputKey, type InputSpec } from './catalogue.js'

/**
 * How each door writes an input named in a sentence, from the one table of inputs. The action:
 * `token`, `fail-on-unknown: false`. The CLI: `--token` (or `BITBUCKET_TOKEN`), `--no-fail-on-unknown`.
 * A pipe: `BITBUCKET_TOKEN`, `FAIL_ON_UNKNOWN: 'false'`.
 */
export type Door = 'action' | 'cli' | 'pipe'

function specOf(mention: Mention): InputSpec | null {
  return isInputKey(mention.input) ? INPUTS[mention.input] : null
}

export const ACTION_SPELLING: Spelling = (mention) => {
  const name = specOf(mention)?.action ?? mention.input
  switch (mention.as) {
    case 'named':
      return `input \`${name}\``
    case 'code':
      return `\`${name}\``
    case 'value':
      return `\`${name}: ${mention.value}\``
    case 'set':
      return `set \`${name}: ${mention.value}\``
  }
}

export const CLI_SPELLING: Spelling = (mention) => {
  const spec = specOf(mention)
  const flag = spec?.flag ?? null
  const env = spec?.env ?? null
  // An input the CLI does not have (the tracking issue's): named as the action's, so a reader knows where it lives.
  if (spec === null || (flag === null && env === null)) return `the action's \`${mention.input}\` input`
  const flagCode = flag === null ? null : `\`--${flag}\``
  switch (mention.as) {
    case 'named':
      if (flagCode === null) return `\`${env ?? ''}\``
      return env === null ? flagCode : `${flagCode} (or \`${env}\`)`
    case 'code':
      // Exemption lines come from either flag, numbered across both.
      if (mention.input === 'exempt') return '`--exempt`/`--exempt-file`'
      return flagCode ?? `\`${env ?? ''}\``
    case 'value':
      return cliValue(spec, flag, env, mention.value)
    case 'set': {
      if (flag !== null && spec.type === 'boolean' && mention.value === 'false' && spec.negatable !== true) return `leave out \`--${flag}\``
      return `use ${cliValue(spec, flag, env, mention.value)}`
    }
  }
}

function cliValue(spec: InputSpec, flag: string | null, env: string | null, value: string): string {
  if (flag === null) return `\`${env ?? ''}=${value}\``
  if (spec.type === 'boolean' || spec.type === 'mode') {
    if (value === 'true') return `\`--${flag}\``
    if (value === 'false') return spec.negatable === true ? `\`--no-${flag}\`` : `no \`--${flag}\``
  }
  return `\`--${flag} ${value}\``
}

export const PIPE_SPELLING: Spelling = (mention) => {
  const variable = specOf(mention)?.pipe ?? null
  if (variable === null) return `the action's \`${mention.input}\` input`
  switch (mention.as) {
    case 'named':
      return `variable \`${variable}\``
    case 'code':
      return `\`${variable}\``
    case 'value':
      return `\`${variable}: '${mention.value}'\``
    case 'set':
      return `set \`${variable}: '${mention.value}'\``
  }
}

export const SPELLINGS: Readonly<Record<Door, Spelling>> = { action: ACTION_SPELLING, cli: CLI_SPELLING, pipe: PIPE_SPELLING }
