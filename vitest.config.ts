import { configDefaults, defineConfig } from 'vitest/config'

/**
 * Two projects: everything in process, and the end-to-end tests, which run the committed bundles. The
 * e2e project first builds src/ into a temporary folder and compares it with dist/ (once per run, and
 * only when an e2e file is in it): a stale dist/ fails the e2e files, never the others.
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, 'test/e2e/**'] }
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/fresh-dist.ts'],
          setupFiles: ['test/e2e/fresh-dist-check.ts']
        }
      }
    ]
  }
})
