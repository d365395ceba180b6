/**
 * `npm run simulator -- --port 8787` (`--port 0`: any free port): the project's Bitbucket simulator with
 * the demo's sample workspace `acme` (one person with 2FA, one without, one unknown, a bot), serving
 * until stopped. On start it prints where it listens, the credentials that work against it (the
 * simulator's own fixtures, not secrets) and a command to try each door from this checkout; the
 * repository's self-test job runs the action (`uses: ./`) against it. test/scripts/simulator.test.ts
 * runs the printed commands.
 */
import { parseArgs } from 'node:util'
import { adminCredential, bot, consumerCredential, person } from '../simulator/fixtures.js'
import { BitbucketSimulator } from '../simulator/server.js'

const { values } = parseArgs({ options: { port: { type: 'string', default: '8787' } } })
const sim = await new BitbucketSimulator({
  port: Number(values.port),
  credentials: [adminCredential, consumerCredential],
  workspaces: [
    {
      slug: 'acme',
      uuid: '{aaaaaaaa-1111-4111-8111-111111111111}',
      members: [
        person(1, true, { display_name: 'Ada Lovelace', nickname: 'ada' }),
        person(2, false, { display_name: 'Bob Builder', nickname: 'bob' }),
        person(3, null, { display_name: 'Cy Unknown', nickname: 'cy' }),
        bot(1, 'Deploy Bot')
      ]
    }
  ]
}).start()

const { email, token } = adminCredential
const { key, secret } = consumerCredential
const { apiUrl, tokenUrl } = sim
console.log(
  [
    `Bitbucket simulator: api-url ${apiUrl}, oauth-token-url ${tokenUrl}`,
    '',
    'Workspace acme: Ada Lovelace (2FA on), Bob Builder (2FA off), Cy Unknown (flag unknown), Deploy Bot (an app user).',
    'So every run below ends NOT COMPLIANT and exits 1: that is the gate working.',
    '',
    'Credentials that work against it (the simulator fixtures, not secrets):',
    `  API token:       email ${email}, token ${token}`,
    `  OAuth consumer:  client id ${key}, client secret ${secret}`,
    '',
    'Try each door from this checkout, in another terminal (Node 22 or later):',
    '',
    'The CLI:',
    `  BITBUCKET_EMAIL=${email} BITBUCKET_TOKEN=${token} node dist/cli.js --workspace acme --api-url ${apiUrl}`,
    '',
    'The CLI with the OAuth consumer:',
    `  BITBUCKET_OAUTH_CLIENT_ID=${key} BITBUCKET_OAUTH_CLIENT_SECRET=${secret} node dist/cli.js --workspace acme --api-url ${apiUrl} --oauth-token-url ${tokenUrl}`,
    '',
    'The action, as a runner starts it (inputs as INPUT_* variables, set with env because INPUT_API-URL has a hyphen;',
    'no event says the repository is private, so names are withheld; the job summary goes to stdout):',
    `  env INPUT_WORKSPACE=acme INPUT_EMAIL=${email} INPUT_TOKEN=${token} INPUT_API-URL=${apiUrl} GITHUB_STEP_SUMMARY=/dev/stdout node dist/index.js`,
    '',
    'The action in a workflow job that started this simulator on the runner (as the self-test job of .github/workflows/ci.yml does):',
    '  - uses: ./',
    '    with:',
    '      workspace: acme',
    `      email: ${email}`,
    `      token: ${token}`,
    `      api-url: ${apiUrl}`,
    '',
    'Serving until stopped (Ctrl-C).'
  ].join('\n')
)
const stop = (): void => {
  void sim.stop().then(() => process.exit(0))
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
