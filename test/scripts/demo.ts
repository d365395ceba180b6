/**
 * `npm run demo`: no credentials needed. Starts the local Bitbucket API simulator with a sample
 * workspace and runs the bundled action against it exactly as a GitHub runner would, then prints the
 * log, the outputs and the job summary.
 */
import { ADMIN_EMAIL, ADMIN_TOKEN, adminCredential, bot, person } from '../simulator/fixtures.js'
import { BitbucketSimulator } from '../simulator/server.js'
import { runAction } from '../support/action.js'

const exempted = person(5, false, { display_name: 'Eve Exempted', nickname: 'eve' })
const sim = await new BitbucketSimulator({
  credentials: [adminCredential],
  workspaces: [
    {
      slug: 'acme',
      uuid: '{aaaaaaaa-1111-4111-8111-111111111111}',
      members: [
        person(1, true, { display_name: 'Ada Lovelace', nickname: 'ada' }),
        person(2, false, { display_name: 'Bob Builder', nickname: 'bob' }),
        person(3, null, { display_name: 'Cy Unknown', nickname: 'cy' }),
        bot(1, 'Deploy Bot'),
        exempted
      ]
    }
  ]
}).start()

const inputs = {
  workspace: 'acme',
  email: ADMIN_EMAIL,
  token: ADMIN_TOKEN,
  'api-url': sim.apiUrl,
  exempt: `${exempted.account_id ?? ''} until 2999-12-31 # hardware key on order`
}
console.log('Running dist/index.js as a GitHub runner would, with a private-repository event (so names are shown)')
console.log('and retry waits scaled to zero (the test hook BITBUCKET_2FA_GATE_TEST_TIMING), with these inputs:')
for (const [name, value] of Object.entries(inputs)) console.log(`  INPUT_${name.toUpperCase()}=${name === 'token' ? '***' : value}`)

try {
  const run = await runAction(inputs)
  const log = run.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n')
  console.log('\n──────── step log ────────\n' + log.trimEnd() + (run.stderr ? `\n${run.stderr}` : ''))
  console.log('\n──────── outputs ────────')
  for (const [name, value] of Object.entries(run.outputs)) console.log(`  ${name} = ${value}`)
  console.log('\n──────── job summary (Markdown) ────────\n' + run.summary.trimEnd())
  console.log(
    `\nThe action exited ${String(run.exitCode)}: ${run.exitCode === 1 ? 'the gate failed, as it should (Bob has 2FA off, Cy is unknown)' : 'unexpected'}.` +
      ` ${sim.requests} API ${sim.requests === 1 ? 'request' : 'requests'} to the simulator.`
  )
  if (run.exitCode !== 1) process.exitCode = 1
} finally {
  await sim.stop()
}
