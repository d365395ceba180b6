import { GateError } from '../errors.js'
import { say, type Mention, type Sentence } from '../sentence.js'
import { printable, ServerText } from '../text.js'
import { NetworkError, type HttpResponse, type Method, type RequestBody, type Transport } from './transport.js'

/**
 * The request core: the one primitive every request goes through (Bitbucket, the token endpoint, the
 * organization API, GitHub). Plain code above the Transport seam, so that tests on an in-memory
 * transport exercise all of it: each credential locked to its origin, no redirect followed, no
 * credential in a URL or a loose header, and one mapping of what went wrong.
 */

/** Who answers a request and which input says where they are, for the messages. */
export interface Service {
  /** As a sentence names it: "Bitbucket", "Bitbucket's token endpoint", "GitHub". */
  readonly name: string
  /** The input (or runner variable) that sets the origin: `api-url`, `GITHUB_API_URL`, … */
  readonly urlInput: string
}

/**
 * A credential and the one origin it may be sent to, fixed when it is made. Only the core reads the
 * header value, and only for a request to that origin; nothing else can put a credential on a request.
 */
export class Credential {
  readonly #authorization: string

  private constructor(
    /** What the credential is, for a message: "`github-token`", "the organization API key". */
    readonly name: string,
    /** The origin it is locked to, as `URL.origin` gives it. */
    readonly origin: string,
    /** The input that set that origin. */
    readonly originInput: string,
    authorization: string
  ) {
    this.#authorization = authorization
  }

  /** A credential for `url`'s origin only (the URL an input gave), sent as this `Authorization` value. */
  static lockedTo(url: URL, originInput: string, name: string, authorization: string): Credential {
    return new Credential(name, url.origin, originInput, authorization)
  }

  /** Whether two credentials carry the same header (an OAuth token renewed by another request or not). */
  sameAs(other: Credential): boolean {
    return this.#authorization === other.#authorization && this.origin === other.origin
  }

  /** The header value, for the core alone (`authorizationOf` below). */
  static header(credential: Credential): string {
    return credential.#authorization
  }
}

export interface OutgoingRequest {
  /** Default GET. */
  readonly method?: Method
  readonly url: string
  /** Plain headers; `Authorization`, `Proxy-Authorization` and `Cookie` are refused here: use `credential`. */
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: RequestBody
  /** The credential this request carries, or null for a credential-free request. */
  readonly credential: Credential | null
  /**
   * A forward proxy (http://host:port) to send this request through in absolute form, ignoring the
   * runner's proxy variables. Only a credential-free request may take one, and only it may go to http://.
   */
  readonly proxy?: URL
  readonly service: Service
}

/**
 * A credential asked to go somewhere other than its origin: nothing was sent. Where it was asked to go
 * came from a server (a link, a redirect), so it travels as server text: quoted, or in redact mode only
 * its shape (a host name can be a person's).
 */
export class OriginRefusedError extends GateError {
  constructor(credential: Credential, refused: string) {
    const runnerSet = /^[A-Z][A-Z0-9_]*$/.test(credential.originInput)
    const input: Mention = { input: credential.originInput, as: 'code' }
    super(
      say`The gate refused to send ${credential.name} to another origin than ${credential.origin}, which ${input} sets; nothing was sent there. A server pointed the gate elsewhere (a link or a redirect): report it to whoever runs that server or the proxy in between, as it may be an attempt to take the credential${runnerSet ? '' : say`; if the other host is the right one, set ${input} to it`}.`,
      { said: { who: 'The server', how: 'link', text: ServerText.of(refused, (text) => text, { contentType: '', body: refused }) } }
    )
    this.name = 'OriginRefusedError'
  }
}

/** A request the core will not send at all (a URL that is not http(s), credentials in a URL). */
export class RequestRefusedError extends GateError {
  constructor(message: string | Sentence) {
    super(message)
    this.name = 'RequestRefusedError'
  }
}

/** A 3xx answer: redirects are never followed, with a credential or without. Where it pointed is server text. */
export class RedirectRefusedError extends GateError {
  readonly status: number

  constructor(status: number, service: Service, location: string, scrub: (text: string) => string = (text) => text) {
    super(
      say`${service.name} answered ${status} (a redirect); the gate does not follow redirects, so that no credential goes where it was not meant to. Check ${inputOf(service)}: it must name the API itself, not a page that forwards to it.`,
      { said: location === '' ? null : { who: service.name, how: 'link', text: ServerText.of(location, scrub, { contentType: '', body: location }) } }
    )
    this.name = 'RedirectRefusedError'
    this.status = status
  }
}

const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie'])

/**
 * Sends one request (no retries) through `transport`: checks it, adds the credential, refuses a
 * redirect. Rejects with a NetworkError when no complete answer came (the retry layer's business), a
 * GateError when the core refuses the request or its answer.
 */
export async function sendRequest(transport: Transport, request: OutgoingRequest, signal?: AbortSignal): Promise<HttpResponse> {
  const url = targetOf(request)
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (CREDENTIAL_HEADERS.has(name.toLowerCase())) throw new TypeError(`the ${name} header is set only from a Credential`)
    headers[name] = value
  }
  if (request.credential !== null) headers.Authorization = Credential.header(request.credential)
  const response = await transport({
    method: request.method ?? 'GET',
    url,
    headers,
    ...(request.body === undefined ? {} : { body: request.body }),
    ...(request.proxy === undefined ? {} : { proxy: request.proxy }),
    ...(signal === undefined ? {} : { signal })
  })
  if (response.status >= 300 && response.status < 400) throw new RedirectRefusedError(response.status, request.service, locationOf(response, url))
  return response
}

/** The URL, once it is known to be a place this request may go. */
function targetOf(request: OutgoingRequest): URL {
  let url: URL
  try {
    url = new URL(request.url)
  } catch {
    throw new RequestRefusedError(
      say`The gate was about to send a request to ${request.service.name} at a URL that is not one. Check ${inputOf(request.service)}.`
    )
  }
  if (url.username !== '' || url.password !== '') {
    throw new RequestRefusedError(
      say`The gate refused a URL for ${request.service.name} that carries a user name or password (${url.origin}): credentials go only in their inputs. Check ${inputOf(request.service)}.`
    )
  }
  const { credential, proxy } = request
  if (credential !== null) {
    if (proxy !== undefined) throw new TypeError('a request through an explicit proxy carries no credential')
    if (url.origin !== credential.origin) throw new OriginRefusedError(credential, url.origin)
    return url
  }
  if (proxy !== undefined && (proxy.protocol !== 'http:' || proxy.username !== '' || proxy.password !== '' || proxy.pathname.length > 1)) {
    throw new RequestRefusedError(`The proxy for ${request.service.name} must be a plain http://host:port (got ${printable(proxy.origin, 80)}).`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new RequestRefusedError(say`The gate sends requests only over https or http, not ${printable(url.protocol, 20)}. Check ${inputOf(request.service)}.`)
  }
  return url
}

/** Where a redirect pointed, as an origin only (a full Location may carry tokens of its own). */
function locationOf(response: HttpResponse, base: URL): string {
  const location = response.headers.location
  if (location === undefined || location === '') return ''
  try {
    return new URL(location, base).origin
  } catch {
    return 'a place that is not a URL'
  }
}

/** A network failure that outlasted the retries (or a request that got no answer at all). */
export class NoAnswerError extends GateError {
  readonly attempts: number
  readonly code: string

  constructor(service: Service, origin: string, where: string, error: NetworkError, attempts: number) {
    super(noAnswerSentence(service, origin, where, error.code, attempts))
    this.name = 'NoAnswerError'
    this.attempts = attempts
    this.code = error.code
  }
}

/**
 * "No answer after N attempts", in one place for every service: which origin, what was asked, the
 * network's code, and what to check.
 */
/** The input (or runner variable) that sets a service's URL, for each door to spell. */
function inputOf(service: Service): Mention {
  return { input: service.urlInput, as: 'code' }
}

export function noAnswerSentence(service: Service, origin: string, where: string, code: string, attempts: number): Sentence {
  const tries = attempts === 1 ? '' : `, after ${attempts} attempts`
  const input = inputOf(service)
  return say`Could not get an answer from ${service.name} at ${origin}${where === '' ? '' : ` for ${where}`}: ${code}${tries}. Check ${input}, the network and its proxy settings (HTTPS_PROXY, NO_PROXY); if ${service.name} is down, run the gate again later.`
}
