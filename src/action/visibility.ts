import type { RedactMode } from '../config/inputs.js'

/** What is known of the repository's visibility: private (names may be shown), public, internal, or not said. */
export type Visibility = 'private' | 'public' | 'internal' | 'unknown'

/**
 * Whether to withhold names. With `auto`, names are shown only for a repository known to be private and
 * not internal (`private: true` and `visibility: "private"`): public, internal (visible to every
 * member of the enterprise), or not said, withholds (in doubt, do not publish a target list).
 */
export function shouldRedact(mode: RedactMode, eventPayload: string | null): boolean {
  return redactFor(mode, visibilityFromEvent(eventPayload))
}

export function redactFor(mode: RedactMode, visibility: Visibility): boolean {
  if (mode === 'true') return true
  if (mode === 'false') return false
  return visibility !== 'private'
}

/**
 * The visibility the event payload states. `unknown` when it has no repository (a scheduled run's may
 * not) or does not say enough; then, with a GitHub token at hand, it is worth asking GitHub.
 */
export function visibilityFromEvent(eventPayload: string | null): Visibility {
  // Stryker disable next-line ConditionalExpression: equivalent, JSON.parse(null) reads "null", which has no repository either
  if (eventPayload === null) return 'unknown'
  let event: unknown
  try {
    event = JSON.parse(eventPayload)
  } catch {
    // Not JSON: `event` stays undefined, which has no repository, so 'unknown' below.
  }
  const repository = typeof event === 'object' && event !== null && 'repository' in event ? event.repository : null
  if (typeof repository !== 'object' || repository === null) return 'unknown'
  return visibilityOf('private' in repository ? repository.private : undefined, 'visibility' in repository ? repository.visibility : undefined)
}

/** From a repository's `private` and `visibility` fields, as the event or the REST API give them. */
export function visibilityOf(isPrivate: unknown, visibility: unknown): Visibility {
  if (isPrivate === true && visibility === 'private') return 'private'
  // Internal: every member of the enterprise can read it, so not private, and said so.
  if (visibility === 'internal') return 'internal'
  if (isPrivate === false || visibility === 'public') return 'public'
  return 'unknown'
}
