import type { RedactMode } from '../config/inputs.js'

/**
 * Whether to withhold names. With `auto`, names are shown only for a repository that the event payload
 * calls private and not internal (`private: true` and `visibility: "private"`): public, internal
 * (visible to every member of the enterprise), or not said, withholds (in doubt, do not publish a
 * target list).
 */
export function shouldRedact(mode: RedactMode, eventPayload: string | null): boolean {
  if (mode === 'true') return true
  if (mode === 'false') return false
  if (eventPayload === null) return true
  let event: unknown
  try {
    event = JSON.parse(eventPayload)
  } catch {
    return true
  }
  const repository = typeof event === 'object' && event !== null && 'repository' in event ? event.repository : null
  if (typeof repository !== 'object' || repository === null) return true
  const isPrivate = 'private' in repository ? repository.private : undefined
  const visibility = 'visibility' in repository ? repository.visibility : undefined
  return !(isPrivate === true && visibility === 'private')
}
