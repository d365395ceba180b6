/**
 * Member-supplied text (display names, nicknames) is attacker-controlled. These helpers make it safe
 * for each place it goes, while keeping real names (Zoë, 李, עברית, emoji) readable.
 */

// C0/C1 controls and line/paragraph separators become spaces: none belongs in a name.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g
/**
 * Characters that show nothing but can disguise what follows them: every format character (Cf: bidi
 * controls, zero-width joiners, U+206x, tag characters, musical formatting such as U+1D173), the other
 * default-ignorable code points (variation selectors, Hangul fillers, …) and bidi controls. They are
 * removed from every name shown; emoji sequences fall apart into their parts, still readable.
 */
const INVISIBLE_SOURCE = '[\\p{Cf}\\p{Default_Ignorable_Code_Point}\\p{Bidi_Control}]'
const INVISIBLE = new RegExp(INVISIBLE_SOURCE, 'gu')
const ONE_INVISIBLE = new RegExp(`^${INVISIBLE_SOURCE}$`, 'u')

// Controls other than tab and line breaks: they part nothing a reader could see.
// eslint-disable-next-line no-control-regex
const SILENT_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g

const MAX_NAME = 80

/** True for a character that renders as nothing (see INVISIBLE). */
export function isInvisible(char: string): boolean {
  return ONE_INVISIBLE.test(char)
}

/** Removes invisible and control characters, folds white space and caps the length. */
export function cleanText(text: string, max = MAX_NAME): string {
  const clean = text.replace(CONTROLS, ' ').replace(INVISIBLE, '').replace(/\s+/g, ' ').trim()
  const chars = Array.from(clean)
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : clean
}

/**
 * Escapes prose for GitHub-flavoured Markdown: every ASCII punctuation character gets a backslash, so
 * no emphasis, link, HTML, entity, code span or table cell break can start. For text that a Bitbucket
 * server or a member wrote, use codeSpan instead: escapes do not stop GFM's autolink literals.
 */
export function escapeMarkdown(text: string, max = MAX_NAME): string {
  return escapePunctuation(cleanText(text, max))
}

/** The escaping half of escapeMarkdown, for text that is clean already (no trimming, no cut). */
export function escapePunctuation(text: string): string {
  return text.replace(/[!-/:-@[-`{-~]/g, (char) => `\\${char}`)
}

/**
 * Member-supplied text as a GFM code span: shown verbatim, never a link, emphasis or HTML, and an id
 * selected on the rendered page copies exactly. `inTable` escapes `|`, which a table cell needs even
 * inside a code span. Empty text is an en dash.
 */
export function codeSpan(text: string, options: { max?: number; inTable?: boolean } = {}): string {
  let clean = cleanText(text, options.max ?? MAX_NAME)
  if (clean === '') return '–'
  // A backslash right before a pipe would pair with the pipe's escape and end the cell: it is shown as
  // a look-alike (only names have one; ids never do).
  if (options.inTable === true) clean = clean.replace(/\\(?=\\*\|)/g, '⧵').replace(/\|/g, '\\|')
  const longestRun = Math.max(0, ...(clean.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(longestRun + 1)
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : ''
  return `${fence}${pad}${clean}${pad}${fence}`
}

/** Text for one log line that the gate starts itself: no line break, no way to begin a `::` command. */
export function logSafe(text: string): string {
  return cleanText(text).replace(/::/g, ': :')
}

/** ASCII-only echo of something the user typed, for error messages (no backtick: it would open a code span). */
export function printable(text: string, max = 60): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?').replace(/`/g, "'")
  return clean.length > max ? `${clean.slice(0, max)}…` : clean
}

/**
 * Why an id or slug the user typed is not plain ASCII, naming the first offending character as
 * `U+XXXX` and its 1-based position; null when every character is printable ASCII, space or tab. Ids copied from
 * a web page can carry an invisible character that no eye sees.
 */
export function describeStrayCharacter(text: string): string | null {
  let position = 0
  for (const char of text) {
    position++
    if (/^[\t\x20-\x7e]$/.test(char)) continue
    const code = `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`
    const what = isInvisible(char) || /\s/u.test(char) ? 'an invisible character' : 'a character that is not plain ASCII'
    return `contains ${what} (${code}) at position ${position}: retype the id by hand, or copy it again from Bitbucket`
  }
  return null
}

/**
 * Text a server wrote (an error message, a body, a link): a type of its own, so that no path can print
 * it but `quote`, which scrubs every secret first and only then makes one clean line and cuts it, so no
 * fragment of a secret survives the cut. The scrubber is the run's live one: a secret that comes into
 * being later (an OAuth access token) is removed too. Built only by `ServerText.of`.
 */
export class ServerText {
  readonly #raw: string
  readonly #scrub: (text: string) => string
  readonly #contentType: string
  readonly #bytes: number
  readonly #markup: boolean

  private constructor(raw: string, scrub: (text: string) => string, contentType: string, bytes: number, markup: boolean) {
    this.#raw = raw
    this.#scrub = scrub
    this.#contentType = contentType
    this.#bytes = bytes
    this.#markup = markup
  }

  /**
   * @param raw the part of the answer to quote (a message field, a body, a link)
   * @param answer the whole answer it came from, for its shape: content type and body
   * @param options `markup`: the text is HTML (a gateway page): tags and character references go before it is quoted
   */
  static of(
    raw: string,
    scrub: (text: string) => string,
    answer: { readonly contentType: string; readonly body: string },
    options: { readonly markup?: boolean } = {}
  ): ServerText {
    return new ServerText(raw, scrub, answer.contentType, Buffer.byteLength(answer.body, 'utf8'), options.markup === true)
  }

  /** True when there is nothing to quote (after cleaning). */
  get isEmpty(): boolean {
    return this.quote(1) === ''
  }

  /**
   * The one way to print it: scrubbed; then tags, character references and invisible characters gone,
   * which could have split a secret where the scrubber did not see it; scrubbed again; only then one line
   * without quote marks or backticks, cut to `max`.
   */
  quote(max: number): string {
    let text = this.#scrub(this.#raw)
    if (this.#markup) {
      // Tags part words (a space each), unless a secret shows once they are gone (`tok<wbr>en`): then none.
      const joined = decodeReferences(text.replace(/<[^>]*>/g, ''))
      text = this.#scrub(joined) === joined ? decodeReferences(text.replace(/<[^>]*>/g, ' ')) : joined
    }
    // What shows nothing goes without a trace (a line break still parts words), then the scrubber looks again.
    text = this.#scrub(text.replace(INVISIBLE, '').replace(SILENT_CONTROLS, ''))
    return cleanText(text, max).replace(/[`"]/g, "'")
  }

  /** What may be said of it in redact mode: the answer's content type (when it is a plain one) and length. */
  shape(): string {
    return shapeOf(this.#contentType, this.#bytes)
  }
}

const NAMED_REFERENCES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', sol: '/', plus: '+', equals: '=' }

/** HTML character references (`&#x2F;`, `&#47;`, `&amp;`, …) as the characters they stand for. */
function decodeReferences(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (whole, name: string) => {
    if (name.startsWith('#')) {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10)
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole
    }
    return NAMED_REFERENCES[name.toLowerCase()] ?? whole
  })
}

/** An answer's shape, never its content: its content type when it is a plain `type/subtype`, and its length. */
export function answerShape(answer: { readonly contentType: string; readonly body: string }): string {
  return shapeOf(answer.contentType, Buffer.byteLength(answer.body, 'utf8'))
}

function shapeOf(contentType: string, bytes: number): string {
  const type = /^[\w.+-]+\/[\w.+-]+/.exec(contentType.trim())?.[0]
  const kind = contentType.trim() === '' ? 'no content-type' : (type ?? 'an unusual content-type')
  return `${kind}, ${bytes} bytes`
}

/**
 * The raw values stay, but every character that shows nothing (INVISIBLE above) and U+2028/U+2029 (which
 * JSON.stringify leaves raw) is written as a `\uXXXX` escape: a reader of the outputs sees each one, and
 * the outputs file stays one line a value. Astral characters become their surrogate pair, as JSON does.
 */
export function escapeHidden(json: string): string {
  return json.replace(HIDDEN, (char) => Array.from({ length: char.length }, (_, i) => `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''))
}

const HIDDEN = new RegExp(`${INVISIBLE_SOURCE}|[\u2028\u2029]`, 'gu')
