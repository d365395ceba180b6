/**
 * Bitbucket's partial responses: `+a.b` adds a field, `-a.b` removes one, a bare `a.b` keeps only the
 * listed fields (and so drops `next`, `size` and `page` unless they are listed too).
 */
export interface FieldSpec {
  readonly whitelist: readonly string[]
  readonly add: readonly string[]
  readonly remove: readonly string[]
}

/** `fields` as the server decodes it: a `+` sent unencoded arrives as a space, i.e. a bare field. */
export function parseFields(value: string | null): FieldSpec {
  const spec = { whitelist: [] as string[], add: [] as string[], remove: [] as string[] }
  if (value === null) return spec
  for (const raw of value.split(',')) {
    const item = raw.trim()
    if (item === '') continue
    if (item.startsWith('+')) spec.add.push(item.slice(1))
    else if (item.startsWith('-')) spec.remove.push(item.slice(1))
    else spec.whitelist.push(item)
  }
  return spec
}

export function mentions(spec: FieldSpec, path: string): boolean {
  return spec.add.includes(path) || spec.whitelist.includes(path)
}

/** Applies `fields` to a freshly built body: removals happen in place (the body is never shared). */
export function applyFields(body: Record<string, unknown>, spec: FieldSpec): Record<string, unknown> {
  let result: unknown = body
  if (spec.whitelist.length > 0) {
    let picked: unknown = {}
    for (const path of [...spec.whitelist, ...spec.add]) picked = pick(body, path.split('.'), picked)
    result = picked
  }
  for (const path of spec.remove) removeInPlace(result, path.split('.'))
  return result as Record<string, unknown>
}

function pick(source: unknown, path: readonly string[], into: unknown): unknown {
  if (path.length === 0) return source
  const [head = '', ...rest] = path
  if (Array.isArray(source)) {
    const target = Array.isArray(into) ? into : []
    return source.map((item, index) => pick(item, path, target[index] ?? {}))
  }
  if (!isRecord(source) || !(head in source)) return into
  const target = isRecord(into) ? { ...into } : {}
  target[head] = pick(source[head], rest, target[head] ?? (Array.isArray(source[head]) ? [] : {}))
  return target
}

function removeInPlace(target: unknown, path: readonly string[]): void {
  if (Array.isArray(target)) {
    for (const item of target) removeInPlace(item, path)
    return
  }
  if (!isRecord(target)) return
  const [head = '', ...rest] = path
  if (!(head in target)) return
  if (rest.length === 0) Reflect.deleteProperty(target, head)
  else removeInPlace(target[head], rest)
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
