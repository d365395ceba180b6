import { execFileSync } from 'node:child_process'
import { mkdtemp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeReportFile } from '../src/report-file.js'

let dir = ''
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bb2fa-report-file-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

// Under /proc no folder can be made (not even by root), and Node's recursive mkdir loops on it for ever.
// A small timeout: the writer must give up by itself, at once.
const onLinux = process.platform === 'linux'

describe('writeReportFile', () => {
  it('creates the missing folders of a nested path, writes the text and gives the absolute path', async () => {
    const absolute = await writeReportFile('a/b/c/report.json', dir, '{"ok":true}\n')
    expect(absolute).toBe(join(dir, 'a', 'b', 'c', 'report.json'))
    expect(await readFile(join(dir, 'a/b/c/report.json'), 'utf8')).toBe('{"ok":true}\n')
    expect((await stat(join(dir, 'a/b'))).isDirectory()).toBe(true)
  })

  it('writes into folders that exist, an absolute path ignoring the base, and overwrites an old report', async () => {
    await mkdir(join(dir, 'out'))
    await writeFile(join(dir, 'out', 'r.json'), 'old report, longer than the new one')
    expect(await writeReportFile(join(dir, 'out', 'r.json'), '/nowhere', 'new')).toBe(join(dir, 'out', 'r.json'))
    expect(await readFile(join(dir, 'out', 'r.json'), 'utf8')).toBe('new')
  })

  it.runIf(onLinux)('gives up on a folder that cannot be made under /proc, naming it and the reason', { timeout: 2_000 }, async () => {
    await expect(writeReportFile('/proc/bb2fa-nope/x/report.json', dir, '{}')).rejects.toThrow(
      'the folder /proc/bb2fa-nope could not be created (ENOENT), so /proc/bb2fa-nope/x/report.json cannot be written'
    )
    await expect(writeReportFile('/proc/self/foo/r.json', dir, '{}')).rejects.toThrow(
      'the folder /proc/self/foo could not be created (ENOENT), so /proc/self/foo/r.json cannot be written'
    )
  })

  it('fails naming the file that stands where a folder should be', { timeout: 2_000 }, async () => {
    await writeFile(join(dir, 'plain'), 'a file')
    await expect(writeReportFile('plain/sub/r.json', dir, '{}')).rejects.toThrow(
      `${join(dir, 'plain')} is not a folder, so ${join(dir, 'plain/sub/r.json')} cannot be written`
    )
    await expect(writeReportFile('plain/r.json', dir, '{}')).rejects.toThrow(`${join(dir, 'plain')} is not a folder`)
    expect(await readFile(join(dir, 'plain'), 'utf8')).toBe('a file')
  })

  it('fails naming the path when a folder stands where the report should be', { timeout: 2_000 }, async () => {
    await mkdir(join(dir, 'taken'))
    await expect(writeReportFile('taken', dir, '{}')).rejects.toThrow(`${join(dir, 'taken')} is a folder, not a file`)
  })

  it.runIf(onLinux)('refuses a named pipe instead of waiting for a reader that never comes', { timeout: 2_000 }, async () => {
    execFileSync('mkfifo', [join(dir, 'pipe')])
    await expect(writeReportFile('pipe', dir, '{}')).rejects.toThrow(`${join(dir, 'pipe')} is not a regular file (a pipe, socket or device)`)
  })
})
