/**
 * Member-supplied text (display names, nicknames) is attacker-controlled. These helpers make it safe
 * for each place it goes, while keeping real names (Zoë, 李, עברית, emoji) readable.
 */

// C0/C1 controls and line/paragraph separators become spaces: none belongs in a name.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g
// Bidi embeddings/overrides/isolates, zero-width characters, soft hyphen, BOM: they can disguise what
// follows them, so they go (emoji sequences fall apart into their parts, still readable).
const INVISIBLE = /[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g

const MAX_NAME = 80
const WORD_JOINER = '\u2060'

/** Removes invisible and control characters, folds white space and caps the length. */
export function cleanText(text: string, max = MAX_NAME): string {
  const clean = text.replace(CONTROLS, ' ').replace(INVISIBLE, '').replace(/\s+/g, ' ').trim()
  const chars = Array.from(clean)
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : clean
}

/**
 * Escapes text for a GFM table cell: every ASCII punctuation character gets a backslash, so no
 * emphasis, link, HTML, entity or cell break can start; `|` is escaped as the table needs. Escapes do
 * not stop GFM's autolink literals (www., http://, a@b.c), so an invisible word joiner goes before
 * each `.`, `:` and `@` as well.
 */
export function escapeMarkdown(text: string, max = MAX_NAME): string {
  return cleanText(text, max)
    .replace(/[!-/:-@[-`{-~]/g, (char) => `\\${char}`)
    .replace(/\\([.:@])/g, `${WORD_JOINER}\\$1`)
}

/** Text for one log line that the gate starts itself: no line break, no way to begin a `::` command. */
export function logSafe(text: string): string {
  return cleanText(text).replace(/::/g, ':\u200a:')
}

/** ASCII-only echo of something the user typed, for error messages. */
export function printable(text: string, max = 60): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?')
  return clean.length > max ? `${clean.slice(0, max)}…` : clean
}
