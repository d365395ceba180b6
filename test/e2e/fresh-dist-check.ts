/**
 * A setup file of the e2e project (vitest.config.ts): before any test of an e2e file, fail with what
 * the global setup (test/e2e/fresh-dist.ts) found wrong with dist/. A run in which the check did not
 * happen (another config, a global setup left out) fails too: no e2e test runs an unchecked bundle.
 */
import { beforeAll, inject } from 'vitest'

beforeAll(() => {
  const stale = inject('staleDist') as string | null | undefined
  if (stale === undefined)
    throw new Error('dist/ was not checked against src/: run the e2e tests with vitest.config.ts (its e2e project builds and compares first).')
  if (stale !== null) throw new Error(stale)
})
