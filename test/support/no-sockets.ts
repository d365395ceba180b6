/**
 * Stands in for `@actions/http-client` in the mutation run (vitest.mutate.config.ts), where every test
 * runs on the in-memory transport: loading the real one (and undici, tunnel) would cost each of the
 * ~2,000 mutant runs about 60 ms. A transport can still be built; a request through it is a mistake.
 */
export class HttpClient {
  getAgent(): never {
    throw new Error('The mutation run has no sockets: a test that sends over one belongs outside vitest.mutate.config.ts.')
  }
}
