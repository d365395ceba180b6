/** Parsers for the values both doors take, each checked before any request is made. */
import { InputError } from '../errors.js'
import { isBracedUuid } from './exemptions.js'
import { isIP } from 'node:net'
import { describeStrayCharacter, printable } from '../text.js'

/** `auto`: the door decides (the action from the event payload); `true`/`false`: always/never withhold names. */
export type RedactMode = 'auto' | 'true' | 'false'

export const DEFAULT_API_URL = 'https://api.bitbucket.org/2.0'

// Bitbucket workspace ids: letters, digits, `-`, `_` (and `.` inside); never a path separator.
const SLUG = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/

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
