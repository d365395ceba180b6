import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'

const root = resolve(import.meta.dirname, '..')
const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

describe('examples/gitlab-ci.yml never lets a run that did not run the gate pass as "report only"', () => {
  it('a tarball that fails its checksum ends the job with exit 3, which allow_failure does not let through', () => {
    const job = (
      parse(readFileSync(join(root, 'examples/gitlab-ci.yml'), 'utf8')) as Record<string, { script: string[]; allow_failure: { exit_codes: number[] } }>
    )['bitbucket-2fa-gate']
    if (job === undefined) throw new Error('no job')
    const dir = mkdtempSync(join(tmpdir(), 'bb2fa-gl-'))
    dirs.push(dir)
    // A stand-in curl: the tarball is not the one the .sha256 file describes (a corrupt or swapped download).
    const bin = join(dir, 'bin')
    spawnSync('mkdir', [bin])
    writeFileSync(
      join(bin, 'curl'),
      '#!/bin/sh\nfor a; do u=$a; done\nf=${u##*/}\ncase $f in *.sha256) echo "0000000000000000000000000000000000000000000000000000000000000000  bitbucket-2fa-gate-1.0.0.tgz" > $f ;; *) echo tampered > $f ;; esac\n'
    )
    chmodSync(join(bin, 'curl'), 0o755)
    writeFileSync(join(bin, 'npx'), '#!/bin/sh\necho "the gate ran" >&2\nexit 0\n')
    chmodSync(join(bin, 'npx'), 0o755)
    // GitLab runs the script lines in one shell that stops at the first failing line (set -e semantics).
    const run = spawnSync('sh', ['-e', '-c', job.script.join('\n')], { cwd: dir, env: { PATH: `${bin}:${process.env.PATH ?? ''}` }, encoding: 'utf8' })
    expect(run.stderr).not.toContain('the gate ran')
    // The gate never ran, so there is no verdict: the job must fail, not pass as an allowed failure.
    expect(job.allow_failure.exit_codes).not.toContain(run.status)
    expect(run.status).toBe(3)
  })

  it('a download that fails ends the job with exit 3 too', () => {
    const job = (parse(readFileSync(join(root, 'examples/gitlab-ci.yml'), 'utf8')) as Record<string, { script: string[] }>)['bitbucket-2fa-gate']
    if (job === undefined) throw new Error('no job')
    const dir = mkdtempSync(join(tmpdir(), 'bb2fa-gl-'))
    dirs.push(dir)
    const bin = join(dir, 'bin')
    spawnSync('mkdir', [bin])
    // curl -f on a 404: exit 22.
    writeFileSync(join(bin, 'curl'), '#!/bin/sh\nexit 22\n')
    chmodSync(join(bin, 'curl'), 0o755)
    const run = spawnSync('sh', ['-e', '-c', job.script.join('\n')], { cwd: dir, env: { PATH: `${bin}:${process.env.PATH ?? ''}` }, encoding: 'utf8' })
    expect(run.status).toBe(3)
  })
})
