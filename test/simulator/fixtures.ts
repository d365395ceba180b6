import type { SimApiToken, SimOAuthConsumer, SimUser, SimWorkspace } from './server.js'

export const ADMIN_EMAIL = 'admin@example.com'
export const ADMIN_TOKEN = 'ATATT3xFfGF0-simulated-admin-token-7f3a9c'
export const MEMBER_TOKEN = 'ATATT3xFfGF0-simulated-member-token-51be0'
export const ACCESS_TOKEN = 'ATCTT3xFfGF0-simulated-access-token-c0ffee'

export const adminCredential: SimApiToken = { kind: 'api-token', email: ADMIN_EMAIL, token: ADMIN_TOKEN }

/** A deterministic braced uuid for test member number `n`. */
export function uuidFor(n: number, prefix = 'a'): string {
  const hex = n.toString(16).padStart(12, '0')
  return `{${prefix.repeat(8).slice(0, 8)}-0000-4000-8000-${hex}}`
}

export function person(n: number, has2fa: boolean | null | undefined, extra: Partial<SimUser> = {}): SimUser {
  return {
    uuid: uuidFor(n),
    account_id: `557058:${n.toString(16).padStart(8, '0')}-0000-0000-0000-000000000000`,
    display_name: `Person ${n}`,
    nickname: `person${n}`,
    type: 'user',
    has_2fa_enabled: has2fa,
    ...extra
  }
}

export function bot(n: number, name = `Bot ${n}`): SimUser {
  return { uuid: uuidFor(n, 'b'), account_id: `712020:${n.toString(16).padStart(8, '0')}`, display_name: name, type: 'app_user' }
}

/** `count` people, all with 2FA on. */
export function compliantWorkspace(slug: string, count: number, offset = 0): SimWorkspace {
  return {
    slug,
    uuid: `{${slug
      .padEnd(8, '0')
      .slice(0, 8)
      .replace(/[^0-9a-f]/g, 'e')}-1111-4111-8111-111111111111}`,
    members: Array.from({ length: count }, (_, i) => person(offset + i + 1, true))
  }
}

export const CONSUMER_KEY = 'SimConsumerKey7a2b'
export const CONSUMER_SECRET = 'sim-consumer-secret-4d9e1f2a8b'

export const consumerCredential: SimOAuthConsumer = { kind: 'oauth-consumer', key: CONSUMER_KEY, secret: CONSUMER_SECRET }

/** An API token that may also read repository permissions (for GET …/permissions/repositories/{slug}). */
export const REPO_ADMIN_TOKEN = 'ATATT3xFfGF0-simulated-repo-admin-token-9e4d21'

/** The workspace admin with both read scopes: the member listing, `/permissions` and a repository's permissions. */
export const repoAdminCredential: SimApiToken = {
  kind: 'api-token',
  email: ADMIN_EMAIL,
  token: REPO_ADMIN_TOKEN,
  scopes: ['read:workspace:bitbucket', 'read:repository:bitbucket']
}

export const REPO_CONSUMER_KEY = 'SimRepoConsumerKey3c8d'
export const REPO_CONSUMER_SECRET = 'sim-repo-consumer-secret-6b0a7e5c91'

/** An OAuth consumer with the scopes of the member listing (`account`) and of repository permissions (`repository`). */
export const repoConsumerCredential: SimOAuthConsumer = {
  kind: 'oauth-consumer',
  key: REPO_CONSUMER_KEY,
  secret: REPO_CONSUMER_SECRET,
  scopes: ['account', 'repository']
}
