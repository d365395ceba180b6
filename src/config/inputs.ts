/** Parsers for the values both doors take, each checked before any request is made. */
import { InputError } from '../errors.js'
import { isBracedUuid } from './exemptions.js'
import { isIP } from 'node:net'
import { resolve as resolvePath } from 'node:path'
import { describeStrayCharacter, printable } from '../text.js'
import { say, type Sentence } from '../sentence.js'
import { code, named, valueOf, type InputKey } from './catalogue.js'
import type { Repository } from '../gate/types.js'

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

/** The workspaces to list and, in repository scope, the repositories (`workspace`, `repository`). */
export interface ScopeInputs {
  readonly workspaces: readonly string[]
  /** Empty: every member of the workspaces is judged. */
  readonly repositories: readonly Repository[]
}

/**
 * `workspace` and `repository` together. Without `repository`, the workspaces as given (or the
 * door's default, such as `BITBUCKET_WORKSPACE`). With it, the workspaces are exactly those of the
 * repositories: `workspace` may be left out, and one given explicitly must name the same set; a bare
 * `repo_slug` takes the one workspace given (explicitly, else the default). The default only resolves
 * bare slugs; it is never compared.
 */
export function parseScope(input: { readonly workspace: string; readonly repository: string; readonly defaultWorkspace?: string }): ScopeInputs {
  const explicit = input.workspace.trim() === '' ? null : parseWorkspaces(input.workspace)
  const items = listItems(input.repository)
  if (items.length === 0) {
    if (explicit === null && (input.defaultWorkspace ?? '').trim() === '') {
      throw new InputError(
        say`${named('workspace')} is required, unless ${code('repository')} is given: give one or more workspace slugs or {uuid}s, separated by commas or newlines (for example ${valueOf('workspace', 'acme')}), or the Bitbucket repositories to gate (${valueOf('repository', 'acme/app')}).`
      )
    }
    return { workspaces: explicit ?? parseWorkspaces(input.defaultWorkspace ?? ''), repositories: [] }
  }
  const fallback = explicit ?? (input.defaultWorkspace?.trim() ? parseWorkspaces(input.defaultWorkspace) : [])
  const workspaces: string[] = []
  const spelling = (ws: string): string => {
    const key = ws.toLowerCase()
    const known = workspaces.find((w) => w.toLowerCase() === key)
    if (known !== undefined) return known
    workspaces.push(ws)
    return ws
  }
  const repositories: Repository[] = []
  const seen = new Set<string>()
  for (const item of items) {
    const stray = describeStrayCharacter(item)
    if (stray !== null) throw new InputError(say`${named('repository')}: "${printable(item)}" ${stray}.`)
    const parts = item.split('/')
    let workspace: string
    let slug: string
    if (parts.length === 1) {
      const [only, ...others] = fallback
      if (only === undefined || others.length > 0) {
        throw new InputError(
          say`${named('repository')}: "${printable(item)}" has no workspace, and a bare repo_slug needs exactly one workspace (${fallback.length === 0 ? 'none is given' : `${fallback.length} are given`}). Write it as workspace/repo_slug, as in bitbucket.org/<workspace>/<repo_slug>.`
        )
      }
      workspace = only
      slug = parts[0] ?? ''
    } else if (parts.length === 2) {
      workspace = parts[0] ?? ''
      slug = parts[1] ?? ''
      if (!SLUG.test(workspace) && !isBracedUuid(workspace)) {
        throw new InputError(
          say`${named('repository')}: "${printable(item)}" has no valid workspace before the /: use the workspace's id from bitbucket.org/<workspace>/<repo_slug> (letters, digits, - and _), or its braced {uuid}.`
        )
      }
    } else {
      throw new InputError(
        say`${named('repository')}: "${printable(item)}" is not workspace/repo_slug. Give Bitbucket repositories as in bitbucket.org/<workspace>/<repo_slug> (not GitHub's owner/name).`
      )
    }
    if (!SLUG.test(slug)) {
      throw new InputError(
        say`${named('repository')}: "${printable(item)}" has no valid repo_slug (letters, digits, -, _ and .). Use the slug from bitbucket.org/<workspace>/<repo_slug>.`
      )
    }
    const ws = spelling(isBracedUuid(workspace) ? workspace.toLowerCase() : workspace)
    // Bitbucket's repository slugs are lower case; its links name them so (a `next` link keeps the path exactly).
    const fullName = `${ws}/${slug.toLowerCase()}`
    if (seen.has(fullName.toLowerCase())) continue
    seen.add(fullName.toLowerCase())
    repositories.push({ workspace: ws, slug: slug.toLowerCase(), fullName })
  }
  if (explicit !== null) {
    const given = new Set(explicit.map((w) => w.toLowerCase()))
    const inRepositories = new Set(workspaces.map((w) => w.toLowerCase()))
    if (given.size !== inRepositories.size || [...given].some((w) => !inRepositories.has(w))) {
      throw new InputError(
        say`${named('workspace')} names ${explicit.join(', ')}, but the repositories in ${code('repository')} are in ${workspaces.join(', ')}. With ${code('repository')} the workspaces are those of the repositories: leave ${code('workspace')} out, or name exactly those.`
      )
    }
  }
  return { workspaces, repositories }
}

function listItems(text: string): string[] {
  return text
    .split(/[,\r\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== '')
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

/** `--attestation-predicate-file` binds the report's digest: without a report there is nothing to bind. */
export function checkPredicateNeedsReport(predicateFile: string, reportFile: string): void {
  if (predicateFile !== '' && reportFile === '') {
    throw new InputError(
      say`${named('attestation-predicate-file')} binds the JSON report's sha256, so it needs ${named('report-file')} too: give both (for example ${valueOf('report-file', 'bitbucket-2fa-report.json')}).`
    )
  }
}

/**
 * The files a run writes must be different files: one written over another would leave a report that the
 * predicate's digest no longer matches, or XML where the JSON report should be. Compared as resolved from
 * `base` (the working folder, or GITHUB_WORKSPACE); '' is no file.
 */
export function checkDistinctFiles(files: readonly (readonly [InputKey, string])[], base: string): void {
  const seen = new Map<string, InputKey>()
  for (const [input, path] of files) {
    if (path === '') continue
    const absolute = resolvePath(base, path)
    const other = seen.get(absolute)
    if (other !== undefined) {
      throw new InputError(say`${named(other)} and ${named(input)} name the same file (${printable(absolute, 200)}); give each its own path.`)
    }
    seen.set(absolute, input)
  }
}
