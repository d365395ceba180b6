/**
 * `npm run simulator -- --port 8787`: the project's Bitbucket simulator with the demo's sample workspace
 * `acme` (one person with 2FA, one without, one unknown, a bot), serving until stopped. The repository's
 * self-test job runs the action (`uses: ./`) against it; the credentials are the simulator's own
 * fixtures, not secrets.
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
console.log(`Bitbucket simulator: api-url ${sim.apiUrl}, oauth-token-url ${sim.tokenUrl}`)
const stop = (): void => {
  void sim.stop().then(() => process.exit(0))
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
