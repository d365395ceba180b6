/** Bitbucket's rate limit: API requests an hour per user (REFERENCE.md). */
export const HOURLY_BUDGET = 1000

const GROUPED = new Intl.NumberFormat('en')

/** A number in text for people, grouped the same way in every door and locale: 1,234. Machine files keep plain decimals. */
export function count(value: number): string {
  return GROUPED.format(value)
}

/** "1 API request", "2 API requests"; `many` for irregular plurals ("people"). */
export function plural(value: number, one: string, many = `${one}s`): string {
  return `${count(value)} ${value === 1 ? one : many}`
}
