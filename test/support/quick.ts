/**
 * For describe blocks whose tests take milliseconds on the in-memory transport: a test that waits for
 * an answer that never comes (a broken limiter, a stream that drops a page) fails within 2 s instead of
 * hanging until the suite's timeout. In the mutation run that makes such a mutant a quick kill rather
 * than a Stryker timeout, which also costs a restart of its test runner.
 */
export const QUICK = { timeout: 2000 } as const
