import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest'
import { differences } from './fresh-dist.js'

let dir = ''
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bb2fa-dist-compare-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function folder(name: string, files: Record<string, string>): Promise<string> {
  const path = join(dir, name)
  await mkdir(path)
  for (const [file, text] of Object.entries(files)) {
    await mkdir(join(path, file, '..'), { recursive: true })
    await writeFile(join(path, file), text)
  }
  return path
}

describe('the comparison of a fresh build with dist/', () => {
  it('finds nothing when every file has the same bytes', async () => {
    const files = { 'index.js': 'a', 'cli.js': 'b', 'sub/x.js': 'c' }
    expect(await differences(await folder('fresh', files), await folder('dist', files))).toEqual([])
  })

  it('names a file whose bytes differ, even by one at the end, a missing one and a left-over chunk', async () => {
    const fresh = await folder('fresh', { 'index.js': 'same', 'cli.js': 'new\n', '221.index.js': 'chunk', 'sub/x.js': 'c' })
    const dist = await folder('dist', { 'index.js': 'same', 'cli.js': 'new', '413.index.js': 'old chunk', 'sub/x.js': 'C' })
    expect(await differences(fresh, dist)).toEqual(['221.index.js is missing', '413.index.js is left over', 'cli.js differs', 'sub/x.js differs'])
  })

  it('takes a dist/ that is not there as missing every file', async () => {
    expect(await differences(await folder('fresh', { 'index.js': 'a' }), join(dir, 'absent'))).toEqual(['index.js is missing'])
  })

  it('ran before this file, and found dist/ to be the bundle of src/', () => {
    expect(inject('staleDist')).toBeNull()
  })
})
