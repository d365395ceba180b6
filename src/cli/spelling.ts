/**
 * The engine's and the parsers' messages name inputs the action's way (`token`, `fail-on-unknown:
 * false`). The CLI says the same sentences, naming each input the way the command line spells it.
 */
const FLAGS: Readonly<Record<string, string>> = {
  workspace: '--workspace',
  email: '--email',
  token: '--token',
  'api-url': '--api-url',
  'oauth-client-id': '--oauth-client-id',
  'oauth-client-secret': 'BITBUCKET_OAUTH_CLIENT_SECRET',
  'oauth-token-url': '--oauth-token-url',
  'atlassian-org-id': '--atlassian-org-id',
  'atlassian-api-key': '--atlassian-api-key',
  'atlassian-api-url': '--atlassian-api-url',
  'accept-atlassian-2sv': '--accept-atlassian-2sv',
  exempt: '--exempt',
  'fail-on-unknown': '--fail-on-unknown',
  'fail-on-violation': '--fail-on-violation',
  redact: '--redact',
  'report-file': '--report-file'
}

const ENVIRONMENT: Readonly<Record<string, string>> = {
  workspace: 'BITBUCKET_WORKSPACE',
  email: 'BITBUCKET_EMAIL',
  token: 'BITBUCKET_TOKEN',
  'api-url': 'BITBUCKET_API_URL',
  'oauth-client-id': 'BITBUCKET_OAUTH_CLIENT_ID',
  'oauth-token-url': 'BITBUCKET_OAUTH_TOKEN_URL',
  'atlassian-org-id': 'ATLASSIAN_ORG_ID',
  'atlassian-api-key': 'ATLASSIAN_API_KEY',
  'atlassian-api-url': 'ATLASSIAN_API_URL'
}

export function respell(message: string): string {
  return message
    .replace(/Input `([a-z-]+)`/g, (whole, name: string) => {
      const flag = FLAGS[name]
      if (flag === undefined) return whole
      const variable = ENVIRONMENT[name]
      return variable === undefined ? `\`${flag}\`` : `\`${flag}\` (or \`${variable}\`)`
    })
    .replace(/`(fail-on-unknown|fail-on-violation): false`/g, '`--no-$1`')
    .replace(/`accept-atlassian-2sv: true`/g, '`--accept-atlassian-2sv`')
    .replace(/`redact: false` on a private repository/g, 'the CLI without `--redact`')
    .replace(/`exempt` line/g, '`--exempt`/`--exempt-file` line')
    .replace(/`([a-z-]+)`/g, (whole, name: string) => {
      const flag = FLAGS[name]
      return flag === undefined ? whole : `\`${flag}\``
    })
}
