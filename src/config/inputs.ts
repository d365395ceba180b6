/** Parsers for the values both doors take, each checked before any request is made. */
import { InputError } from '../errors.js'
import { isBracedUuid } from './exemptions.js'
import { isIP } from 'node:net'
import { describeStrayCharacter, printable } from '../text.js'
import { say, type Sentence } from '../sentence.js'
import { code, named, valueOf, type InputKey } from './catalogue.js'

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
      say`${named('workspace')} is required: give one or more workspace slugs or {uuid}s, separated by commas or newlines (for example ${valueOf('workspace', 'acme')}).`
    )
  }
  const seen = new Set<string>()
  const workspaces: string[] = []
  for (const item of items) {
    const stray = describeStrayCharacter(item)
    if (stray !== null) {
      throw new InputError(say`${named('workspace')}: "${printable(item)}" ${stray}.`)
    }
    if (!SLUG.test(item) && !isBracedUuid(item)) {
      throw new InputError(
        say`${named('workspace')}: "${printable(item)}" is not a workspace slug or a braced {uuid}. Use the id from bitbucket.org/<workspace>/ (letters, digits, - and _), or the workspace UUID with its braces.`
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
  const url = parseServiceUrl('api-url', text, DEFAULT_API_URL, say`with ${code('email')} and ${code('token')}`)
  url.pathname = url.pathname.replace(/\/+$/, '')
  return url
}

export const DEFAULT_OAUTH_TOKEN_URL = 'https://bitbucket.org/site/oauth2/access_token'

/** Where the OAuth consumer's id and secret go, locked like `api-url`: https:// only, loopback excepted. */
export function parseOAuthTokenUrl(text: string): URL {
  return parseServiceUrl('oauth-token-url', text, DEFAULT_OAUTH_TOKEN_URL, say`with ${code('oauth-client-id')} and ${code('oauth-client-secret')}`)
}

export const DEFAULT_ATLASSIAN_API_URL = 'https://api.atlassian.com'

/** The organization admin API's base, locked like `api-url`: https:// only, loopback excepted. */
export function parseAtlassianApiUrl(text: string): URL {
  const url = parseServiceUrl('atlassian-api-url', text, DEFAULT_ATLASSIAN_API_URL, say`with ${code('atlassian-api-key')}`)
  url.pathname = url.pathname.replace(/\/+$/, '')
  return url
}

/**
 * A URL that credentials are sent to: https:// (plain http:// only to a loopback address, for a local
 * simulator), no credentials inside, no query or fragment. Empty text is the default.
 */
function parseServiceUrl(name: InputKey, text: string, fallback: string, passCredentials: Sentence): URL {
  const raw = text.trim() === '' ? fallback : text.trim()
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new InputError(say`${named(name)} is not a URL; use ${fallback} (the default) or your proxy's URL.`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(say`${named(name)} must start with https:// (got ${printable(url.protocol)}); the default is ${fallback}.`)
  }
  if (url.protocol === 'http:' && !isLoopback(url)) {
    throw new InputError(
      say`${named(name)} uses plain http:// to ${printable(url.host)}: the credentials would cross the network in clear text. Use https:// (the default is ${fallback}); plain http:// is accepted only for a loopback address (127.0.0.0/8, ::1, localhost).`
    )
  }
  if (url.username !== '' || url.password !== '') {
    throw new InputError(say`${named(name)} must not contain credentials; pass them ${passCredentials}.`)
  }
  if (url.search !== '' || url.hash !== '') {
    throw new InputError(say`${named(name)} must be a URL without ? or #, like ${fallback}.`)
  }
  return url
}

export function parseBoolean(name: InputKey, text: string, fallback: boolean): boolean {
  const value = text.trim()
  if (value === '') return fallback
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  throw new InputError(say`${named(name)} must be \`true\` or \`false\` (got "${printable(value)}").`)
}

export function parseRedact(text: string): RedactMode {
  const value = text.trim().toLowerCase()
  if (value === '') return 'auto'
  if (value === 'auto' || value === 'true' || value === 'false') return value
  throw new InputError(say`${named('redact')} must be \`auto\`, \`true\` or \`false\` (got "${printable(value)}").`)
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
