import { InputError } from './errors.js'
import { isBracedUuid, parseExemptions, type Exemption } from './exemptions.js'
import { isIP } from 'node:net'
import { describeStrayCharacter, printable } from './text.js'

export type Credentials =
  | { readonly kind: 'api-token'; readonly email: string; readonly token: string }
  | { readonly kind: 'access-token'; readonly token: string }

export type RedactMode = 'auto' | 'true' | 'false'

export interface Inputs {
  readonly workspaces: readonly string[]
  readonly credentials: Credentials
  readonly apiUrl: URL
  readonly exemptions: readonly Exemption[]
  readonly failOnUnknown: boolean
  readonly failOnViolation: boolean
  readonly summary: boolean
  readonly redact: RedactMode
}

export const DEFAULT_API_URL = 'https://api.bitbucket.org/2.0'

// Bitbucket workspace ids: letters, digits, `-`, `_` (and `.` inside); never a path separator.
const SLUG = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/
const EMAIL = /^[^\s@:]+@[^\s@:]+$/

/** Reads every input once, by its action.yml name, and checks it before any request is made. */
export function parseInputs(getInput: (name: string) => string): Inputs {
  return {
    workspaces: parseWorkspaces(getInput('workspace')),
    credentials: parseCredentials(getInput('email'), getInput('token')),
    apiUrl: parseApiUrl(getInput('api-url')),
    exemptions: parseExemptions(getInput('exempt')),
    failOnUnknown: parseBoolean('fail-on-unknown', getInput('fail-on-unknown'), true),
    failOnViolation: parseBoolean('fail-on-violation', getInput('fail-on-violation'), true),
    summary: parseBoolean('summary', getInput('summary'), true),
    redact: parseRedact(getInput('redact'))
  }
}

export function parseWorkspaces(text: string): string[] {
  const items = text
    .split(/[,\r\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== '')
  if (items.length === 0) {
    throw new InputError(
      'Input `workspace` is required: give one or more workspace slugs or {uuid}s, separated by commas or newlines (for example `workspace: acme`).'
    )
  }
  const seen = new Set<string>()
  const workspaces: string[] = []
  for (const item of items) {
    const stray = describeStrayCharacter(item)
    if (stray !== null) {
      throw new InputError(`Input \`workspace\`: "${printable(item)}" ${stray}.`)
    }
    if (!SLUG.test(item) && !isBracedUuid(item)) {
      throw new InputError(
        `Input \`workspace\`: "${printable(item)}" is not a workspace slug or a braced {uuid}. ` +
          'Use the id from bitbucket.org/<workspace>/ (letters, digits, - and _), or the workspace UUID with its braces.'
      )
    }
    const key = item.toLowerCase()
    if (seen.has(key)) continue
    seen.add(key)
    workspaces.push(isBracedUuid(item) ? key : item)
  }
  return workspaces
}

export function parseCredentials(emailInput: string, tokenInput: string): Credentials {
  const email = emailInput.trim()
  const token = tokenInput.trim()
  if (token === '') {
    throw new InputError(
      'Input `token` is required: pass a workspace admin\'s Atlassian API token (with `email`) or an access token, from a secret, e.g. `token: ${{ secrets.BITBUCKET_API_TOKEN }}`.'
    )
  }
  if (/\s/.test(token)) {
    throw new InputError('Input `token` contains white space; copy the token again without spaces or line breaks.')
  }
  if (token.startsWith('ATBB')) {
    throw new InputError(
      'Input `token` looks like a Bitbucket app password (it starts with ATBB). App passwords were removed on 28 Jul 2026. ' +
        'Create an Atlassian API token with scope `read:workspace:bitbucket` as a workspace admin and pass it with `email`.'
    )
  }
  if (email === '') {
    if (token.startsWith('ATAT')) {
      throw new InputError(
        'Input `token` looks like an Atlassian API token (it starts with ATAT): API tokens need `email`. ' +
          'Set `email` to the Atlassian account email of the admin who created the token.'
      )
    }
    return { kind: 'access-token', token }
  }
  if (!EMAIL.test(email)) {
    throw new InputError(
      'Input `email` is not an email address. Set it to the Atlassian account email of the admin who created the API token.'
    )
  }
  if (token.startsWith('ATCT')) {
    throw new InputError(
      'Input `token` looks like a workspace or project access token (it starts with ATCT); those are sent without `email`. ' +
        'Remove `email`, or pass an Atlassian API token instead.'
    )
  }
  return { kind: 'api-token', email, token }
}

export function parseApiUrl(text: string): URL {
  const raw = text.trim() === '' ? DEFAULT_API_URL : text.trim()
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new InputError(`Input \`api-url\` is not a URL; use ${DEFAULT_API_URL} (the default) or your proxy's base URL.`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(`Input \`api-url\` must start with https:// (got ${printable(url.protocol)}); the default is ${DEFAULT_API_URL}.`)
  }
  if (url.protocol === 'http:' && !isLoopback(url)) {
    throw new InputError(
      `Input \`api-url\` uses plain http:// to ${printable(url.host)}: the credentials would cross the network in clear text. ` +
        `Use https:// (the default is ${DEFAULT_API_URL}); plain http:// is accepted only for a loopback address (127.0.0.0/8, ::1, localhost).`
    )
  }
  if (url.username !== '' || url.password !== '') {
    throw new InputError('Input `api-url` must not contain credentials; pass them with `email` and `token`.')
  }
  if (url.search !== '' || url.hash !== '') {
    throw new InputError(`Input \`api-url\` must be a base URL without ? or #, like ${DEFAULT_API_URL}.`)
  }
  url.pathname = url.pathname.replace(/\/+$/, '')
  return url
}

export function parseBoolean(name: string, text: string, fallback: boolean): boolean {
  const value = text.trim()
  if (value === '') return fallback
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  throw new InputError(`Input \`${name}\` must be \`true\` or \`false\` (got "${printable(value)}").`)
}

export function parseRedact(text: string): RedactMode {
  const value = text.trim().toLowerCase()
  if (value === '') return 'auto'
  if (value === 'auto' || value === 'true' || value === 'false') return value
  throw new InputError(`Input \`redact\` must be \`auto\`, \`true\` or \`false\` (got "${printable(value)}").`)
}

/**
 * True when the URL's host is this machine: `localhost`, an IPv4 address in 127.0.0.0/8 or `[::1]`,
 * judged on the parsed host (the URL parser has already turned `127.1` or `0x7f.1` into 127.0.0.1), so
 * a name that merely starts with `127.` is not one.
 */
export function isLoopback(url: URL): boolean {
  const host = url.hostname.toLowerCase()
  if (host === 'localhost' || host === '[::1]') return true
  return isIP(host) === 4 && host.split('.')[0] === '127'
}
