import { defineConfig } from 'vitest/config'

/**
 * The tests Stryker runs for each mutant (`npm run mutate`): the in-process tests of the modules that
 * decide, and the property test with few runs and a fixed seed. Left out: the end-to-end tests (they
 * run dist/, so they cannot kill a mutant of src/) and the doors' whole-run suites (action faults,
 * action and CLI main, engine), which cover the same decisions again at many times the cost per mutant.
 */
export default defineConfig({
  test: {
    include: [
      'test/config/**/*.test.ts',
      'test/gate/**/*.test.ts',
      'test/bitbucket/**/*.test.ts',
      'test/atlassian/search.test.ts',
      'test/report/**/*.test.ts',
      'test/action/inputs.test.ts',
      'test/action/visibility.test.ts',
      'test/action/tracking/**/*.test.ts',
      'test/secrets.test.ts',
      'test/text.test.ts',
      'test/property/**/*.test.ts'
    ],
    // One worker reused across files: no per-file start-up for each of the ~1,300 mutants.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    env: { PROPERTY_RUNS: '6', PROPERTY_SEED: '20261126', PROPERTY_TIMEOUT_MS: '200' }
  }
})
