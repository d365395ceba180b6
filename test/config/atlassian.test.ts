import { describe, expect, it } from 'vitest'
import { parseAtlassianInputs } from '../../src/config/atlassian.js'

const none = { orgId: '', apiKey: '', apiUrl: '', accept: false }

describe('parseAtlassianInputs', () => {
  it('is null without an organization, and reads one with the default URL', () => {
    expect(parseAtlassianInputs(none)).toBeNull()
    expect(parseAtlassianInputs({ ...none, orgId: ' org-1 ', apiKey: ' key123 ' })).toEqual({
      orgId: 'org-1',
      apiKey: 'key123',
      apiUrl: new URL('https://api.atlassian.com'),
      accept: false
    })
    expect(parseAtlassianInputs({ ...none, orgId: 'o', apiKey: 'k', apiUrl: 'http://127.0.0.1:5/', accept: true })?.apiUrl.href).toBe('http://127.0.0.1:5/')
  })

  it.each([
    [{ accept: true }, /`accept-atlassian-2sv: true` needs the organization: set `atlassian-org-id`.*, or set `accept-atlassian-2sv: false`\./],
    [{ apiKey: 'supersecretkey' }, /Input `atlassian-api-key` was given without `atlassian-org-id`/],
    [{ orgId: 'org-1' }, /Input `atlassian-org-id` needs `atlassian-api-key`/],
    [{ orgId: 'org/1', apiKey: 'supersecretkey' }, /Input `atlassian-org-id` is not an organization id \(got "org\/1"\)/],
    [{ orgId: '-org', apiKey: 'supersecretkey' }, /is not an organization id/],
    [{ orgId: 'o'.repeat(101), apiKey: 'supersecretkey' }, /is not an organization id/],
    [{ orgId: 'org', apiKey: 'super secretkey' }, /Input `atlassian-api-key` contains white space/],
    [{ orgId: 'org', apiKey: 'supersecretkey', apiUrl: 'http://api.atlassian.example' }, /Input `atlassian-api-url` uses plain http:\/\//],
    [{ orgId: 'org', apiKey: 'supersecretkey', apiUrl: 'https://api.atlassian.com?x' }, /Input `atlassian-api-url` must be a URL without \? or #/]
  ])('refuses %j, never echoing the key', (given, message) => {
    expect(() => parseAtlassianInputs({ ...none, ...given })).toThrow(message)
    expect(() => parseAtlassianInputs({ ...none, ...given })).not.toThrow(/supersecret/)
  })

  it('quotes at most 60 characters of an id it refuses', () => {
    const attempt = () => parseAtlassianInputs({ ...none, orgId: `${'ab/'.repeat(30)}tail`, apiKey: 'k' })
    expect(attempt).toThrow(`(got "${'ab/'.repeat(20)}")`)
  })

  it('takes an id of 100 characters', () => {
    expect(parseAtlassianInputs({ ...none, orgId: `a${'0'.repeat(99)}`, apiKey: 'k' })?.orgId).toHaveLength(100)
  })
})
