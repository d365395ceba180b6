import { describe, expect, it } from 'vitest'
import { listMembers } from '../../../src/bitbucket/listing/list.js'
import { errorMessage, ListingError } from '../../../src/errors.js'
import { parseExemptions } from '../../../src/config/exemptions.js'
import { decideCompliance } from '../../../src/gate/verdict.js'
import { ADMIN_EMAIL, ADMIN_TOKEN, compliantWorkspace, person } from '../../simulator/fixtures.js'
import type { SimWorkspace } from '../../simulator/server.js'
import { clientContext } from '../../support/client.js'
import { simulatorInMemory } from '../../support/simulator.js'
import { QUICK } from '../../support/quick.js'

const start = simulatorInMemory()
const BASE64 = Buffer.from(`${ADMIN_EMAIL}:${ADMIN_TOKEN}`).toString('base64')

/** Every run of `length` characters of the secrets: none may be in a text. */
function fragments(length = 8): string[] {
  return [ADMIN_TOKEN, BASE64].flatMap((secret) => Array.from({ length: secret.length - length + 1 }, (_, i) => secret.slice(i, i + length)))
}

function acmeWithViolatorOnPage2(): SimWorkspace {
  const acme = compliantWorkspace('acme', 150)
  acme.members[120] = person(121, false, { display_name: 'Vic Violator' })
  return acme
}

describe('next is locked to the listing it continues', QUICK, () => {
  it("fails closed on a next from acme to another workspace on the same host, where a green would hide acme's violator", async () => {
    const s = await start({
      workspaces: [acmeWithViolatorOnPage2(), compliantWorkspace('other', 150, 1000)],
      faults: [
        {
          when: (r) => r.workspace === 'acme' && r.page === 1,
          times: Infinity,
          action: {
            rewrite: (body, r) => ({
              ...body,
              next: `http://${r.url.host}/2.0/workspaces/other/members?pagelen=100&fields=${encodeURIComponent('+values.user.has_2fa_enabled')}&page=2`
            })
          }
        }
      ]
    })
    const error: unknown = await listMembers('acme', clientContext(s).context).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ListingError)
    expect(errorMessage(error)).toContain('`next` link on page 1 of workspace "acme" is not the next page of this listing: it leaves the path of this listing')
    expect(s.log.some((entry) => entry.path.includes('/workspaces/other/'))).toBe(false)
  })

  it('fails closed on a next that turns the flag request into a whitelist with a literal +', async () => {
    const s = await start({
      workspaces: [acmeWithViolatorOnPage2()],
      includeSize: false,
      faults: [{ when: (r) => r.page === 1, times: Infinity, action: { rewrite: (body) => ({ ...body, next: body.next?.replace('%2B', '+') }) } }]
    })
    await expect(listMembers('acme', clientContext(s).context)).rejects.toThrow(/it changes the query/)
  })

  it('follows a next that encodes the same parameters differently', async () => {
    const s = await start({
      workspaces: [acmeWithViolatorOnPage2()],
      faults: [
        {
          when: (r) => r.page === 1,
          times: Infinity,
          action: { rewrite: (body) => ({ ...body, next: body.next?.replace(/,/g, '%2C').replace('acme', 'ACME') }) }
        }
      ]
    })
    const listing = await listMembers('acme', clientContext(s).context)
    expect(listing.accounts.size).toBe(150)
    expect([...listing.accounts.otherAccounts()].map((m) => m.displayName)).toEqual(['Vic Violator'])
  })

  it('names the refused link without the credentials a proxy may have put in it', async () => {
    const s = await start({
      workspaces: [acmeWithViolatorOnPage2()],
      faults: [
        {
          when: (r) => r.page === 1,
          action: { rewrite: (body) => ({ ...body, next: `https://admin:${ADMIN_TOKEN}@evil.example/x?auth=${encodeURIComponent(BASE64)}` }) }
        }
      ]
    })
    const message = errorMessage(await listMembers('acme', clientContext(s).context).catch((e: unknown) => e))
    expect(message).toContain(' The link: `https://evil.example/x?auth=***`.')
    for (const fragment of fragments()) expect(message).not.toContain(fragment)
  })
})

describe('strict flag values', QUICK, () => {
  it.each([
    ['the string "false"', 'false'],
    ['0', 0],
    ['1', 1],
    ['an object', { value: false }],
    ['the string "true"', 'true']
  ])('refuses a page whose has_2fa_enabled is %s, even with fail-on-unknown false', async (_, flag) => {
    const acme = compliantWorkspace('acme', 3)
    const s = await start({
      workspaces: [acme],
      faults: [
        {
          times: Infinity,
          action: {
            rewrite: (body) => ({
              ...body,
              values: body.values.map((v, i) => (i === 1 ? { ...(v as object), user: { ...(v as { user: object }).user, has_2fa_enabled: flag } } : v))
            })
          }
        }
      ]
    })
    const outcome = listMembers('acme', clientContext(s).context).then((listing) =>
      decideCompliance([listing], { exemptions: parseExemptions(''), today: '2026-11-26', failOnUnknown: false })
    )
    await expect(outcome).rejects.toThrow('but values[1].user.has_2fa_enabled is not true, false or null.')
  })
})

describe('scrub first, then cut', QUICK, () => {
  it.each([
    ['plain text that echoes the Authorization header past the cut', 'text/plain', (header: string) => `${'x'.repeat(100)} you sent Authorization: ${header}`],
    ['HTML that echoes the base64 alone', 'text/html', () => `<p>${'y'.repeat(110)}</p> ${BASE64}`],
    [
      'JSON whose message echoes the URL-encoded token',
      'application/json',
      () => JSON.stringify({ type: 'error', error: { message: `${'z'.repeat(290)} ${encodeURIComponent(ADMIN_TOKEN)}` } })
    ]
  ])('leaves no fragment of a secret in the error for %s', async (_, contentType, body) => {
    const s = await start({
      workspaces: [compliantWorkspace('acme', 1)],
      faults: [{ times: Infinity, action: { status: 400, contentType, body: body(`Basic ${BASE64}`) } }]
    })
    const message = errorMessage(await listMembers('acme', clientContext(s).context).catch((e: unknown) => e))
    expect(message).toContain('Bitbucket answered 400')
    for (const fragment of fragments()) expect(message).not.toContain(fragment)
  })

  it("scrubs a secret echoed into a member's name before the name is cut", async () => {
    const acme = compliantWorkspace('acme', 2)
    acme.members[1] = person(2, false, { display_name: `${'n'.repeat(60)} Basic ${BASE64}`, nickname: ADMIN_TOKEN })
    const s = await start({ workspaces: [acme] })
    const listing = await listMembers('acme', clientContext(s).context)
    const [shown] = [...listing.accounts.otherAccounts()]
    expect(shown).toMatchObject({ displayName: `${'n'.repeat(60)} ***`, nickname: '***' })
  })
})

describe('redaction holds on error paths', QUICK, () => {
  it("describes a page that misses a uuid by its shape, never by the member's name", async () => {
    const acme = compliantWorkspace('acme', 5)
    acme.members[3] = person(4, false, { display_name: 'Secret Person', nickname: 'secretnick', account_id: '557058:secret-id' })
    const s = await start({
      workspaces: [acme],
      faults: [
        {
          times: Infinity,
          action: {
            rewrite: (body) => ({
              ...body,
              values: body.values.map((v, i) => (i === 3 ? { ...(v as object), user: { ...(v as { user: object }).user, uuid: undefined } } : v))
            })
          }
        }
      ]
    })
    for (const redact of [true, false]) {
      const message = errorMessage(await listMembers('acme', clientContext(s).context).catch((e: unknown) => e), redact)
      expect(message).toContain('but values[3].user has no uuid.')
      expect(message).not.toMatch(/Secret Person|secretnick|secret-id|aaaaaaaa-/)
    }
  })

  it('describes a truncated page without quoting it', async () => {
    const acme = compliantWorkspace('acme', 5)
    acme.members[0] = person(1, false, { display_name: 'Secret Person' })
    const s = await start({ workspaces: [acme], faults: [{ times: Infinity, action: { truncate: true } }] })
    const message = errorMessage(await listMembers('acme', clientContext(s).context).catch((e: unknown) => e), true)
    expect(message).toMatch(/but the body is not valid JSON \(application\/json, \d+ bytes\)\./)
    expect(message).not.toContain('Secret Person')
  })

  it('does not quote a non-JSON error body in redact mode', async () => {
    const s = await start({
      workspaces: [compliantWorkspace('acme', 1)],
      faults: [{ times: Infinity, action: { status: 400, contentType: 'text/html', body: '<p>Secret Person</p>' } }]
    })
    const message = errorMessage(await listMembers('acme', clientContext(s).context).catch((e: unknown) => e), true)
    expect(message).toContain("Bitbucket's answer (text/html, 20 bytes) is not quoted in redact mode.")
    expect(message).not.toContain('Secret Person')
  })
})
