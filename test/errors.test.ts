import { describe, expect, it } from 'vitest'
import { errorMessage, GateError, UnprovableError, type ServerSaid } from '../src/errors.js'
import { answerShape, ServerText } from '../src/text.js'

const SECRET = 'ATATT3xFfGF0-secret-token-value'
const scrub = (text: string): string => text.split(SECRET).join('***')
const answer = (body: string, contentType = 'application/json') => ({ contentType, body })
const said = (how: ServerSaid['how'], raw: string, who = 'Bitbucket'): ServerSaid => ({ who, how, text: ServerText.of(raw, scrub, answer(`{"m":"${raw}"}`)) })

describe('errorMessage: the one place where a server’s words join the gate’s', () => {
  it('quotes what the server said after the sentence, scrubbed, in one clean line without quote marks', () => {
    const error = new GateError('Bitbucket answered 401.', { said: said('says', `bad "token" \`${SECRET}\`\nnext line`) })
    expect(errorMessage(error)).toBe("Bitbucket answered 401. Bitbucket says: `bad 'token' '***' next line`.")
    expect(error.message).toBe('Bitbucket answered 401.')
  })

  it('gives the start of a body, and a link, each in its own words', () => {
    expect(errorMessage(new GateError('X.', { said: said('starts', 'Bad Gateway') }))).toBe(
      "X. Bitbucket's answer (application/json, 19 bytes) starts: `Bad Gateway`."
    )
    expect(errorMessage(new GateError('X.', { said: said('link', 'https://evil.example/?page=2') }))).toBe('X. The link: `https://evil.example/?page=2`.')
    expect(errorMessage(new GateError('X.', { said: said('says', 'busy', 'GitHub') }))).toBe('X. GitHub says: `busy`.')
  })

  it('in redact mode quotes no word of it, only its shape, and gives the message without member data', () => {
    const error = new UnprovableError('Two members {aaaaaaaa-0000-4000-8000-000000000001}.', 'Two members (uuids withheld).')
    expect(errorMessage(error, true)).toBe('Two members (uuids withheld).')
    expect(errorMessage(error, false)).toBe('Two members {aaaaaaaa-0000-4000-8000-000000000001}.')
    const echo = new GateError('The organization API answered 400.', {
      redactedMessage: 'The organization API answered 400 (redacted).',
      said: said('says', 'accounts 557058:abc and 557058:def', 'The organization API')
    })
    expect(errorMessage(echo, true)).toBe(
      "The organization API answered 400 (redacted). The organization API's answer (application/json, 42 bytes) is not quoted in redact mode."
    )
    expect(errorMessage(new GateError('X.', { said: said('link', 'https://evil.example/') }), true)).toBe(
      "X. Bitbucket's link (application/json, 29 bytes) is not quoted in redact mode."
    )
    expect(errorMessage(new GateError('X.', { said: said('says', 'x', 'GitHub') }), true)).toContain("GitHub's answer")
  })

  it('cuts the quote only after scrubbing: no fragment of a secret survives the cut', () => {
    for (let pad = 280; pad < 300; pad++) {
      const raw = `${'x'.repeat(pad)} ${SECRET}`
      const printed = errorMessage(new GateError('X.', { said: said('says', raw) }))
      for (let i = 0; i + 4 <= SECRET.length; i++) expect(printed, `pad ${pad}`).not.toContain(SECRET.slice(i, i + 4))
    }
  })

  it('leaves no piece of a secret that an echo split with invisible characters, tags or character references', () => {
    const halves = [SECRET.slice(0, 12), SECRET.slice(12)]
    const echoes = [
      { raw: `token ${halves[0]}\u200b${halves[1]} refused`, markup: false },
      { raw: `token ${halves[0]}\u0007${halves[1]}`, markup: false },
      { raw: `<p>token ${halves[0]}<wbr>${halves[1]}</p>`, markup: true },
      { raw: `<p>${SECRET.replace(/-/g, '&#x2D;')}</p>`, markup: true },
      { raw: `<p>${SECRET.replace(/-/g, '&#45;')} &amp; more</p>`, markup: true }
    ]
    for (const { raw, markup } of echoes) {
      const text = ServerText.of(raw, scrub, answer(raw, markup ? 'text/html' : 'text/plain'), { markup })
      const printed = errorMessage(new GateError('X.', { said: { who: 'Bitbucket', how: 'starts', text } }))
      for (const half of halves) expect(printed, raw).not.toContain(half)
      expect(printed, raw).toContain('***')
    }
  })

  it('passes other errors through', () => {
    expect(errorMessage(new TypeError('bug'))).toBe('bug')
    expect(errorMessage('text')).toBe('text')
  })
})

describe('ServerText', () => {
  it('is empty when nothing printable is left', () => {
    expect(ServerText.of(' \u200b\n', scrub, answer('')).isEmpty).toBe(true)
    expect(ServerText.of('a', scrub, answer('')).isEmpty).toBe(false)
  })

  it('shows a content type only when it is a plain type/subtype, never the rest of the header', () => {
    expect(answerShape(answer('héllo', 'text/html; charset=utf-8'))).toBe('text/html, 6 bytes')
    expect(answerShape(answer('', ''))).toBe('no content-type, 0 bytes')
    expect(answerShape(answer('x', SECRET))).toBe('an unusual content-type, 1 bytes')
    expect(answerShape(answer('x', ' application/vnd.api+json '))).toBe('application/vnd.api+json, 1 bytes')
  })
})
