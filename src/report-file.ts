import { constants } from 'node:fs'
import { mkdir, open, stat } from 'node:fs/promises'
import { dirname, resolve, sep } from 'node:path'
import { GateError } from './errors.js'

/** A file the gate could not write: the clause names the path and the reason; `code` is the system's (EACCES, …). */
export class FileWriteError extends GateError {
  readonly code: string

  constructor(code: string, clause: string) {
    super(clause)
    this.name = 'FileWriteError'
    this.code = code
  }
}

/** What stands at a path, as far as writing a report there is concerned. */
type Kind = 'missing' | 'folder' | 'file' | 'other'

// A pipe opened for writing waits for a reader for ever; without a reader, O_NONBLOCK makes it fail
// (ENXIO) instead. Windows has no such flag, and no such pipes in its file system.
const NONBLOCK = typeof constants.O_NONBLOCK === 'number' ? constants.O_NONBLOCK : 0

/**
 * The one writer of every file the gate writes: writes `text` at `path` (relative to `base`), creating
 * the missing folders, and returns the absolute path. A run always ends: folders are made one level at
 * a time, without Node's recursive `mkdir` (which loops for ever where a folder cannot be made, as under
 * `/proc`), and nothing but a regular file is opened. A failure is a GateError whose message is a clause
 * naming the path and the reason (`the folder /a/b could not be created (EACCES), so /a/b/r.json cannot
 * be written`), for the door to put in its own sentence.
 */
export async function writeReportFile(path: string, base: string, text: string): Promise<string> {
  const absolute = resolve(base, path)
  await makeFolders(dirname(absolute), absolute)
  const kind = await kindOf(absolute, absolute)
  if (kind === 'folder') throw new FileWriteError('EISDIR', `${absolute} is a folder, not a file`)
  if (kind === 'other') throw notRegular(absolute)
  let handle
  try {
    handle = await open(absolute, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | NONBLOCK, 0o644)
  } catch (error) {
    throw new FileWriteError(codeOf(error), `${absolute} could not be written (${codeOf(error)})`)
  }
  try {
    // Between the look and the open, something else may have taken the name.
    if (!(await handle.stat()).isFile()) throw notRegular(absolute)
    await handle.writeFile(text, 'utf8')
  } catch (error) {
    throw error instanceof GateError ? error : new FileWriteError(codeOf(error), `${absolute} could not be written (${codeOf(error)})`)
  } finally {
    await handle.close()
  }
  return absolute
}

/**
 * Makes `folder` and any missing folders above it: walks up to the first that exists (a bounded walk:
 * each step is one level nearer the root), then makes each level below it, without `recursive`. A folder
 * made meanwhile by someone else (EEXIST) is fine if it is a folder.
 */
async function makeFolders(folder: string, file: string): Promise<void> {
  const missing: string[] = []
  let current = folder
  for (let level = folder.split(sep).length; ; level--) {
    const kind = await kindOf(current, file)
    if (kind === 'folder') break
    if (kind !== 'missing') throw notAFolder(current, file)
    const parent = dirname(current)
    if (parent === current || level <= 0) throw new FileWriteError('ENOENT', `no folder of ${file} exists, not even ${current}, so it cannot be written`)
    missing.push(current)
    current = parent
  }
  for (const each of missing.reverse()) {
    try {
      await mkdir(each)
    } catch (error) {
      const code = codeOf(error)
      if (code === 'EEXIST') {
        const kind = await kindOf(each, file)
        if (kind === 'folder') continue
        throw notAFolder(each, file)
      }
      throw new FileWriteError(code, `the folder ${each} could not be created (${code}), so ${file} cannot be written`)
    }
  }
}

/** Follows links, as writing does. A path under a file (ENOTDIR) is missing: the walk up finds the file. */
async function kindOf(path: string, file: string): Promise<Kind> {
  try {
    const found = await stat(path)
    return found.isDirectory() ? 'folder' : found.isFile() ? 'file' : 'other'
  } catch (error) {
    const code = codeOf(error)
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing'
    throw new FileWriteError(code, `${path} could not be examined (${code}), so ${file} cannot be written`)
  }
}

function notAFolder(path: string, file: string): GateError {
  return new FileWriteError('ENOTDIR', `${path} is not a folder, so ${file} cannot be written`)
}

function notRegular(path: string): GateError {
  return new FileWriteError('EINVAL', `${path} is not a regular file (a pipe, socket or device); the gate writes only regular files`)
}

function codeOf(error: unknown): string {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : 'unknown error'
}
