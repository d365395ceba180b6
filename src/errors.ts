/**
 * Every failure the gate can report is a GateError: its message is written for a Bitbucket admin and
 * says what to do next. `kind` keeps a broken run apart from a non-compliant verdict in logs and summary.
 */
export type GateErrorKind = 'input' | 'auth' | 'http' | 'listing' | 'verdict'

export class GateError extends Error {
  readonly kind: GateErrorKind

  constructor(kind: GateErrorKind, message: string) {
    super(message)
    this.name = 'GateError'
    this.kind = kind
  }
}

/** An input is missing or malformed; nothing was sent to Bitbucket. */
export class InputError extends GateError {
  constructor(message: string) {
    super('input', message)
    this.name = 'InputError'
  }
}

/** Bitbucket answered with a status the gate cannot use. */
export class BitbucketHttpError extends GateError {
  readonly status: number

  constructor(status: number, message: string) {
    super(status === 401 || status === 403 ? 'auth' : 'http', message)
    this.name = 'BitbucketHttpError'
    this.status = status
  }
}

/** The member listing could not be read completely and consistently. */
export class ListingError extends GateError {
  constructor(message: string) {
    super('listing', message)
    this.name = 'ListingError'
  }
}

/** The listing was read, but it cannot prove anything (empty, or no 2FA flags visible). */
export class UnprovableError extends GateError {
  constructor(message: string) {
    super('verdict', message)
    this.name = 'UnprovableError'
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}
