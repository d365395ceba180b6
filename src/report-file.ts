import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'

/** Writes the JSON report at `path` (relative to `base`), creating folders; returns the absolute path. */
export async function writeReportFile(path: string, base: string, text: string): Promise<string> {
  const absolute = resolve(base, path)
  await mkdir(dirname(absolute), { recursive: true })
  await writeFile(absolute, text, 'utf8')
  return absolute
}
