/**
 * A sentence of the gate's that names inputs by key, so that each door spells them its own way: the
 * action `fail-on-unknown: false`, the CLI `--no-fail-on-unknown`, a pipe `FAIL_ON_UNKNOWN: 'false'`.
 * No message is rewritten after the fact: a door spells a sentence from its parts.
 */

/** An input named in a sentence, by its key in `config/catalogue.ts`. */
export type Mention =
  /** The input as the subject of a sentence: "input `token`" (capitalised at the start). */
  | { readonly input: string; readonly as: 'named' }
  /** The input's name as code: "`token`". */
  | { readonly input: string; readonly as: 'code' }
  /** The input with a value, as a noun: "`fail-on-unknown: false` lets them pass". */
  | { readonly input: string; readonly as: 'value'; readonly value: string }
  /** The input with a value, as an instruction: "set `fail-on-unknown: false`". */
  | { readonly input: string; readonly as: 'set'; readonly value: string }

export type Part = string | Mention

/** How a door writes a mention. */
export type Spelling = (mention: Mention) => string

/**
 * The spelling by key, which is the action's (every key the action has is its input name). It is
 * `Error.message`'s, so that a message is readable wherever it ends up; each door spells it itself.
 */
export const KEY_SPELLING: Spelling = (mention) => {
  switch (mention.as) {
    case 'named':
      return `input \`${mention.input}\``
    case 'code':
      return `\`${mention.input}\``
    case 'value':
      return `\`${mention.input}: ${mention.value}\``
    case 'set':
      return `set \`${mention.input}: ${mention.value}\``
  }
}

export class Sentence {
  constructor(readonly parts: readonly Part[]) {}

  /** The sentence in a door's spelling; a sentence that starts with a mention starts with a capital. */
  spell(spelling: Spelling): string {
    const text = this.parts.map((part) => (typeof part === 'string' ? part : spelling(part))).join('')
    return typeof this.parts[0] === 'object' ? text.charAt(0).toUpperCase() + text.slice(1) : text
  }

  toString(): string {
    return this.spell(KEY_SPELLING)
  }

  /** This sentence followed by more text or sentences. */
  concat(...more: readonly (Sentence | string)[]): Sentence {
    return new Sentence([...this.parts, ...more.flatMap((item) => (typeof item === 'string' ? [item] : item.parts))])
  }
}

/** A sentence from a template: `` say`${named('token')} is empty.` `` */
export function say(strings: TemplateStringsArray, ...values: readonly (Part | Sentence | number)[]): Sentence {
  const parts: Part[] = []
  strings.forEach((text, i) => {
    if (text !== '') parts.push(text)
    if (i >= values.length) return
    const value = values[i]
    if (value instanceof Sentence) parts.push(...value.parts)
    else if (typeof value === 'number') parts.push(String(value))
    else if (value !== undefined) parts.push(value)
  })
  return new Sentence(parts)
}

export function sentenceOf(text: string | Sentence): Sentence {
  return typeof text === 'string' ? new Sentence([text]) : text
}
