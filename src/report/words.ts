/** "1 API request", "2 API requests"; `many` for irregular plurals ("people"). */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en')} ${count === 1 ? one : many}`
}
