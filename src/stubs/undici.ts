/**
 * Stands in for `undici` in the bundle (tsconfig `paths`). @actions/http-client imports undici's
 * ProxyAgent only for `getAgentDispatcher()`, a fetch-based proxy route that neither this action nor
 * @actions/core calls: proxies go through `getAgent()` and its tunnel agents. Loading undici costs
 * about 70 ms of start-up on every run of a release gate, so it is left out.
 */
// eslint-disable-next-line @typescript-eslint/no-extraneous-class -- a class, because http-client calls `new ProxyAgent()`
export class ProxyAgent {
  constructor() {
    throw new Error('bitbucket-2fa-gate does not bundle undici: use HttpClient.getAgent(), not getAgentDispatcher().')
  }
}
