/**
 * Every failure the gate can report is a GateError: its message is written for a Bitbucket admin and
 * says what to do next. A message that names members (uuids, account ids) also comes as
 * `redactedMessage`, which says the same without them, for a public log.
 */
export class GateError extends Error {
  readonly redactedMessage: string

  constructor(message: string, redactedMessage: string = message) {
    super(message)
    this.name = 'GateError'
    this.redactedMessage = redactedMessage
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

  constructor(status: number, message: string) {
    super(message)
    this.name = 'BitbucketHttpError'
    this.status = status
  }
}

/** The member listing could not be read completely and consistently. */
export class ListingError extends GateError {
  constructor(message: string) {
    super(message)
    this.name = 'ListingError'
  }
}

/** The listing was read, but it cannot prove anything (empty, no 2FA flags visible, conflicting ids). */
export class UnprovableError extends GateError {
  constructor(message: string, redactedMessage: string = message) {
    super(message, redactedMessage)
    this.name = 'UnprovableError'
  }
}

/** The message to print: without member data in redact mode. */
export function errorMessage(error: unknown, redact = false): string {
  if (error instanceof GateError) return redact ? error.redactedMessage : error.message
  if (error instanceof Error) return error.message
  return String(error)
}
