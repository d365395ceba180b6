import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { main, type CliIO } from '../../src/cli/main.js'
import { fastDependencies } from './io.js'

export interface CliRun {
  readonly exitCode: number
  readonly stdout: string
  readonly stderr: string
  readonly cwd: string
}

const folders: string[] = []
afterAll(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true })
})

/** The CLI's main() in this process, with a fake terminal; `cwd` is a fresh folder unless given. */
export async function runCli(
  argv: string[],
  env: Record<string, string> = {},
  terminal: { isTTY?: boolean; color?: boolean; cwd?: string } = {}
): Promise<CliRun> {
  let stdout = ''
  let stderr = ''
  const cwd = terminal.cwd ?? mkdtempSync(join(tmpdir(), 'bb2fa-cli-'))
  if (terminal.cwd === undefined) folders.push(cwd)
  const io: CliIO = {
    stdout: (text) => {
      stdout += text
    },
    stderr: (text) => {
      stderr += text
    },
    isTTY: terminal.isTTY ?? false,
    color: terminal.color ?? false,
    readFile: (path) => readFileSync(join(cwd, path), 'utf8'),
    cwd,
    version: '9.9.9'
  }
  const exitCode = await main(argv, env, io, fastDependencies())
  return { exitCode, stdout, stderr, cwd }
}
