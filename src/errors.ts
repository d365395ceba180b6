import { KEY_SPELLING, sentenceOf, type Sentence, type Spelling } from './sentence.js'
import type { ServerText } from './text.js'

/**
 * What a server said, kept apart from the gate's own sentence: the door decides whether to show it
 * (never in redact mode, where only its shape is given). `says` is a message field of an error body,
 * `starts` the start of a body that is not the expected JSON, `link` a link the server gave.
 */
export interface ServerSaid {
  /** Who said it, as the sentence names them: "Bitbucket", "GitHub", "The organization API". */
  readonly who: string
  readonly how: 'says' | 'starts' | 'link'
  readonly text: ServerText
}

export interface GateErrorParts {
  /** The message without member data (uuids, account ids), for a public log; default the message. */
  readonly redactedMessage?: string | Sentence
  /** Server text that goes with the message; never spliced into it. */
  readonly said?: ServerSaid | null
}

/**
 * Every failure the gate can report is a GateError: its message is written for a Bitbucket admin and
 * says what to do next, in the gate's own words only. A message that names members (uuids, account ids)
 * also comes as `redactedMessage`, which says the same without them, for a public log. What a server
 * said travels beside it, as `said`, and only `errorMessage` joins the two.
 */
export class GateError extends Error {
  /** The message, with the inputs it names kept apart, so that each door spells them its own way. */
  readonly sentence: Sentence
  readonly redactedSentence: Sentence
  readonly said: ServerSaid | null

  constructor(message: string | Sentence, parts: GateErrorParts = {}) {
    const sentence = sentenceOf(message)
    super(sentence.toString())
    this.name = 'GateError'
    this.sentence = sentence
    this.redactedSentence = parts.redactedMessage === undefined ? sentence : sentenceOf(parts.redactedMessage)
    this.said = parts.said ?? null
  }

  get redactedMessage(): string {
    return this.redactedSentence.toString()
  }
}

/** An input is missing or malformed; nothing was sent to Bitbucket. */
export class InputError extends GateError {
  /** `redactedMessage`: the same without the member data the message quotes (an exemption line's id). */
  constructor(message: string | Sentence, redactedMessage?: string | Sentence) {
    super(message, redactedMessage === undefined ? {} : { redactedMessage })
    this.name = 'InputError'
  }
}

/** Bitbucket answered with a status the gate cannot use. */
export class BitbucketHttpError extends GateError {
  readonly status: number

  constructor(status: number, message: string | Sentence, said: ServerSaid | null = null) {
    super(message, { said })
    this.name = 'BitbucketHttpError'
    this.status = status
  }
}

/** The member listing could not be read completely and consistently. */
export class ListingError extends GateError {
  constructor(message: string | Sentence, said: ServerSaid | null = null) {
    super(message, { said })
    this.name = 'ListingError'
  }
}

/** The listing was read, but it cannot prove anything (empty, no 2FA flags visible, conflicting ids). */
export class UnprovableError extends GateError {
  constructor(message: string | Sentence, redactedMessage: string | Sentence = message) {
    super(message, { redactedMessage })
    this.name = 'UnprovableError'
  }
}

/** Longest quote of server text in a message. */
const MAX_QUOTE = 300

/**
 * The message to print, in a door's spelling of the inputs it names (the action's by default), the one
 * place where a server's words join the gate's: outside redact mode the
 * server text is quoted (scrubbed, then cut); in redact mode the message is the one without member data,
 * and of the server's answer only its shape is given (content type, length), never a word of it.
 */
export function errorMessage(error: unknown, redact = false, spelling: Spelling = KEY_SPELLING): string {
  return errorSentence(error, redact).spell(spelling)
}

/** The message as a sentence, for a door to spell: `errorMessage` before its spelling. */
export function errorSentence(error: unknown, redact = false): Sentence {
  if (!(error instanceof GateError)) return sentenceOf(error instanceof Error ? error.message : String(error))
  const sentence = redact ? error.redactedSentence : error.sentence
  return error.said === null ? sentence : sentence.concat(saidText(error.said, redact))
}

function saidText(said: ServerSaid, redact: boolean): string {
  const what = said.how === 'link' ? 'link' : 'answer'
  if (redact) return ` ${possessive(said.who)} ${what} (${said.text.shape()}) is not quoted in redact mode.`
  const quote = said.text.quote(MAX_QUOTE)
  switch (said.how) {
    case 'says':
      return ` ${said.who} says: \`${quote}\`.`
    case 'starts':
      return ` ${possessive(said.who)} answer (${said.text.shape()}) starts: \`${quote}\`.`
    case 'link':
      return ` The link: \`${quote}\`.`
  }
}

function possessive(who: string): string {
  return who.endsWith('s') ? `${who}'` : `${who}'s`
}
