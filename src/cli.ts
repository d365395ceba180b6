#!/usr/bin/env node
import { readFileSync } from 'node:fs'
import { setFlagsFromString } from 'node:v8'
import packageJson from '../package.json' with { type: 'json' }
import { main } from './cli/main.js'
import { defaultDependencies } from './wiring.js'

// As in the action: the young generation at its first size saves memory on large listings.
setFlagsFromString('--semi-space-growth-factor=1')

// A reader that went away (`| head`) closes the pipe: what is left to print is not wanted, and the exit
// code still tells the verdict. Any other stream error is a real failure.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
  })
}

// no-color.org: NO_COLOR set to anything but '' turns colour off.
const color = process.stdout.isTTY && !process.env.NO_COLOR
// main() answers every failure it knows with exit 2; anything that escapes it is no verdict either, never
// Node's own exit code 1, which a CI told "1 is only a violation" would let pass. Its message is not
// printed: it never went through the scrubber of the credentials.
const noVerdict = (error: unknown): void => {
  const name = error instanceof Error ? error.name : typeof error
  process.stderr.write(`bitbucket-2fa-gate: unexpected ${name}; no verdict. Please report it at the issue tracker.\n`)
  process.exit(2)
}
process.on('uncaughtException', noVerdict)
process.on('unhandledRejection', noVerdict)
process.exitCode = await main(
  process.argv.slice(2),
  process.env,
  {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: process.stderr.isTTY,
    color,
    readFile: (path) => readFileSync(path, 'utf8'),
    cwd: process.cwd(),
    version: packageJson.version
  },
  defaultDependencies(process.env)
)
