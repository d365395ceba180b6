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
  readonly redactedMessage?: string
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
  readonly redactedMessage: string
  readonly said: ServerSaid | null

  constructor(message: string, parts: GateErrorParts = {}) {
    super(message)
    this.name = 'GateError'
    this.redactedMessage = parts.redactedMessage ?? message
    this.said = parts.said ?? null
  }
}

/** An input is missing or malformed; nothing was sent to Bitbucket. */
export class InputError extends GateError {
  constructor(message: string) {
    super(message)
    this.name = 'InputError'
  }
}

/** Bitbucket answered with a status the gate cannot use. */
export class BitbucketHttpError extends GateError {
  readonly status: number

  constructor(status: number, message: string, said: ServerSaid | null = null) {
    super(message, { said })
    this.name = 'BitbucketHttpError'
    this.status = status
  }
}

/** The member listing could not be read completely and consistently. */
export class ListingError extends GateError {
  constructor(message: string, said: ServerSaid | null = null) {
    super(message, { said })
    this.name = 'ListingError'
  }
}

/** The listing was read, but it cannot prove anything (empty, no 2FA flags visible, conflicting ids). */
export class UnprovableError extends GateError {
  constructor(message: string, redactedMessage: string = message) {
    super(message, { redactedMessage })
    this.name = 'UnprovableError'
  }
}

/** Longest quote of server text in a message. */
const MAX_QUOTE = 300

/**
 * The message to print, the one place where a server's words join the gate's: outside redact mode the
 * server text is quoted (scrubbed, then cut); in redact mode the message is the one without member data,
 * and of the server's answer only its shape is given (content type, length), never a word of it.
 */
export function errorMessage(error: unknown, redact = false): string {
  if (!(error instanceof GateError)) return error instanceof Error ? error.message : String(error)
  const message = redact ? error.redactedMessage : error.message
  return error.said === null ? message : `${message}${saidText(error.said, redact)}`
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
