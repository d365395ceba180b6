/** Reading parsed JSON without trusting its shape. */

/** A JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** `value[key]` when `value` is a JSON object; undefined otherwise. */
export function field(value: unknown, key: string): unknown {
  return isRecord(value) ? value[key] : undefined
}
