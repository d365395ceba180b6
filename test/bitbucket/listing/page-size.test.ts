import { describe, expect, it } from 'vitest'
import { listMembers } from '../../../src/bitbucket/listing/list.js'
import { ListingError } from '../../../src/errors.js'
import { compliantWorkspace } from '../../simulator/fixtures.js'
import { clientContext } from '../../support/client.js'
import { simulatorInMemory } from '../../support/simulator.js'

const start = simulatorInMemory()

describe('a page of more members than asked for', () => {
  it('is not the listing the gate asked for: it fails closed, naming the count and the page', async () => {
    const ws = compliantWorkspace('acme', 250)
    const s = await start({
      workspaces: [ws],
      faults: [{ when: (r) => r.page === 1, action: { rewrite: (body) => ({ ...body, values: [...body.values, body.values[0]], pagelen: 101 }) } }]
    })
    const error: unknown = await listMembers('acme', clientContext(s).context).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ListingError)
    expect((error as Error).message).toContain('Bitbucket answered page 1 of workspace "acme" with 101 members, more than the 100 a page was asked for.')
  })
})
