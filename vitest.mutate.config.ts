import { defineConfig } from 'vitest/config'

/**
 * The in-process tests, for Stryker (`npm run mutate`): the end-to-end tests run the committed
 * dist/ bundle and so cannot kill a mutant of src/; the property test runs few cases here.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    env: { PROPERTY_RUNS: '8', PROPERTY_SEED: '20261126' }
  }
})
