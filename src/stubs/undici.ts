/**
 * Stands in for `undici` in the bundle (tsconfig `paths`). @actions/http-client imports undici's
 * ProxyAgent only for `getAgentDispatcher()`, and @actions/github its `fetch` for a default that the
 * gate replaces with its own (action/tracking/fetch.ts, through `getAgent()` and its tunnel agents).
 * Loading undici costs about 70 ms of start-up on every run of a release gate, so it is left out.
 * Building a ProxyAgent is harmless (@actions/github does it at import when a proxy is set); using
 * undici's fetch is a bug, and says so.
 */
// eslint-disable-next-line @typescript-eslint/no-extraneous-class -- a class, because http-client calls `new ProxyAgent()`
export class ProxyAgent {}

export function fetch(): never {
  throw new Error('bitbucket-2fa-gate does not bundle undici: pass a fetch built on HttpClient.getAgent().')
}
