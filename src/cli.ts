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
