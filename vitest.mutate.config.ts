import { stat } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { BaseSequencer, type TestSpecification } from 'vitest/node'
import { defineConfig } from 'vitest/config'
// Keeps each runner's test worker thread from one mutant's run to the next (see the module).
import './test/support/reused-thread.js'

/**
 * The tests Stryker runs for each mutant (`npm run mutate`): the in-process tests of the modules that
 * decide, the request core, and the listing and the engine on the simulators' in-memory transport (no
 * socket, no real waiting). Left out: tests that need a socket (client tests against the simulators on
 * 127.0.0.1, the transport itself, the end-to-end tests, which run dist/ and so cannot kill a mutant of
 * src/); the doors' whole-run suites (action faults, action and CLI main), which cover the same
 * decisions again at many times the cost per mutant; and two suites that, in two full runs, killed no
 * mutant a unit test had not, while running for every survivor: the property test (about 1 s a run,
 * the invariant's guard in `npm test`) and the summary renderer's (2 s, and Markdown parsing loaded for
 * every verdict mutant). `test/text.test.ts` is left out too: `src/text.ts` imports no mutated module,
 * so its tests cannot kill a mutant, and they load a Markdown parser.
 */

/**
 * Files that cover much and cost much, run last in this order: a mutant a unit test kills never waits
 * for them. The organization lookup's tests retry on an instant clock, so a retry mutant that never
 * gives up spins there until the timeout, while the retry tests kill it at once; Octokit's adapter and
 * the JSON report load a library for every run (about 170 ms and 70 ms); the engine's tests run whole
 * checks.
 */
const LAST = [
  // The renderers of issue 17 decide a verdict from a few members each: they cover the verdict's and the
  // accounts' mutants too, which the gate's own tests kill at once, and the predicate's loads a schema
  // validator. Their own modules' mutants meet them whatever the order.
  'test/present/variables.test.ts',
  'test/present/suites.test.ts',
  'test/present/policy.test.ts',
  'test/present/insights.test.ts',
  'test/present/attestation.test.ts',
  'test/atlassian/lookup.test.ts',
  'test/action/tracking/fetch.test.ts',
  'test/present/json.test.ts',
  'test/engine.test.ts'
]

/**
 * Cheapest first. Stryker runs each mutant's covering tests with bail, so the first failing test ends
 * the run; vitest's own order (the longest file first) would run the slowest test for every mutant it
 * covers, even when a unit test would have killed it in a millisecond.
 */
class CheapFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sizes = new Map(await Promise.all(files.map(async (file) => [file.moduleId, (await stat(file.moduleId)).size] as const)))
    const rank = (file: TestSpecification): number => LAST.findIndex((path) => file.moduleId.endsWith(path))
    return [...files].sort((a, b) => rank(a) - rank(b) || (sizes.get(a.moduleId) ?? 0) - (sizes.get(b.moduleId) ?? 0))
  }
}

export default defineConfig({
  resolve: {
    // No test here sends over a socket: the socket transport's client library (with undici and tunnel)
    // is replaced by a stub that refuses to send, which saves every mutant's run about 60 ms of loading.
    alias: { '@actions/http-client': fileURLToPath(new URL('./test/support/no-sockets.ts', import.meta.url)) }
  },
  test: {
    include: [
      'test/config/**/*.test.ts',
      'test/gate/**/*.test.ts',
      'test/http/**/*.test.ts',
      'test/bitbucket/**/*.test.ts',
      'test/atlassian/**/*.test.ts',
      'test/engine.test.ts',
      'test/present/**/*.test.ts',
      'test/action/inputs.test.ts',
      'test/action/visibility.test.ts',
      // The tracking issue's state and plan (mutated), and its requests through the core; not its text
      // or its Octokit adapter, which decide nothing mutated here.
      'test/action/tracking/plan.test.ts',
      'test/action/tracking/state.test.ts',
      'test/action/tracking/fetch.test.ts',
      'test/cli/redaction.test.ts',
      'test/secrets.test.ts'
    ],
    exclude: [
      // Sockets: the transport below the seam, an explicit forward proxy, the Bitbucket and GitHub
      // simulators on 127.0.0.1 (client tests).
      'test/http/transport.test.ts',
      'test/http/body-cap.test.ts',
      'test/http/proxy.test.ts',
      'test/bitbucket/api/errors.test.ts',
      'test/bitbucket/insights.test.ts',
      // A process (xmllint) a run: the JUnit renderer is not mutated, and its suites are killed in memory.
      'test/present/junit.test.ts',
      // No kill of its own (see above).
      'test/present/summary.test.ts'
    ],
    sequence: { sequencer: CheapFirst },
    // One worker reused across files: no per-file start-up for each of the ~2,300 mutants.
    isolate: false,
    // Below Stryker's own timeout (stryker.config.mjs timeoutMS): a test a mutant leaves waiting for
    // ever fails here, a kill, instead of a Stryker timeout that also restarts its test runner. The
    // slowest test here takes about 0.3 s on an idle machine.
    testTimeout: 3_000,
    hookTimeout: 3_000
  }
})
