import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_EMAIL, ADMIN_TOKEN, adminCredential, person } from '../simulator/fixtures.js'
import { BitbucketSimulator } from '../simulator/server.js'
import { runCli } from '../support/cli.js'

const sim = new BitbucketSimulator({
  workspaces: [{ slug: 'acme', uuid: '{aaaaaaaa-1111-4111-8111-111111111111}', members: [person(1, true)] }],
  credentials: [adminCredential]
})
beforeAll(async () => {
  await sim.start()
})
afterAll(async () => {
  await sim.stop()
})
const env = () => ({ BITBUCKET_EMAIL: ADMIN_EMAIL, BITBUCKET_TOKEN: ADMIN_TOKEN, BITBUCKET_API_URL: sim.apiUrl })

describe('two files asked for at one path are an input error', () => {
  it('--report-file and --attestation-predicate-file at the same path, before any request', async () => {
    const run = await runCli(['--workspace', 'acme', '--report-file', 'evidence.json', '--attestation-predicate-file', 'evidence.json'], env())
    const onDisk = readFileSync(join(run.cwd, 'evidence.json'), 'utf8')
    const predicate = JSON.parse(onDisk) as { result?: string; configuration?: { name: string; digest?: { sha256: string } }[] }
    const bound = predicate.configuration?.find((c) => c.name === 'evidence.json')?.digest?.sha256
    // Either refused as an input error, or the file named by --report-file is the report the predicate binds.
    if (run.exitCode !== 2) expect(createHash('sha256').update(onDisk).digest('hex')).toBe(bound)
  })

  it('--report-file and --junit-file at the same path, likewise', async () => {
    const run = await runCli(['--workspace', 'acme', '--report-file', 'out', '--junit-file', 'out'], env())
    if (run.exitCode !== 2) expect(() => JSON.parse(readFileSync(join(run.cwd, 'out'), 'utf8')) as unknown).not.toThrow()
  })
})
