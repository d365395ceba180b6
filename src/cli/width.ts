/**
 * How many terminal columns text takes, for the CLI table. JS regular expressions have no
 * East_Asian_Width property, so the Wide and Fullwidth characters of UAX #11 are listed here by range,
 * emoji come from their Unicode properties, and each code point is counted as a wcwidth terminal (xterm,
 * tmux, most others) draws it: 2 columns for wide, 0 for a combining mark, 1 for the rest, East Asian
 * Ambiguous included (narrow outside a CJK locale). Names reach the table through `cleanText`, which has
 * dropped every joiner and variation selector, so an emoji sequence is drawn as its parts and counted so.
 */

/** East_Asian_Width W or F (Unicode 15.1) outside the emoji, which EMOJI below covers; inclusive pairs. */
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f], // Hangul Jamo: leading consonants (the vowels and finals that follow are ZERO)
  [0x2329, 0x232a], // left and right-pointing angle brackets
  [0x2e80, 0x303e], // CJK Radicals, Kangxi Radicals, Ideographic Description, CJK Symbols and Punctuation, U+3000
  [0x3041, 0x3247], // Hiragana, Katakana, Bopomofo, Hangul Compatibility Jamo, Kanbun, CJK Strokes, Enclosed CJK
  [0x3250, 0x4dbf], // Enclosed CJK, CJK Compatibility, CJK Extension A (Yijing hexagrams after it are narrow)
  [0x4e00, 0xa4cf], // CJK Unified Ideographs, Yi Syllables and Radicals
  [0xa960, 0xa97f], // Hangul Jamo Extended-A
  [0xac00, 0xd7a3], // Hangul Syllables
  [0xf900, 0xfaff], // CJK Compatibility Ideographs
  [0xfe10, 0xfe19], // Vertical Forms
  [0xfe30, 0xfe6f], // CJK Compatibility Forms, Small Form Variants
  [0xff00, 0xff60], // Fullwidth ASCII variants and brackets (the halfwidth forms from U+FF61 are narrow)
  [0xffe0, 0xffe6], // Fullwidth signs: ¢ £ ¬ ¯ ¦ ¥ ₩
  [0x16fe0, 0x16fe4], // Ideographic Symbols and Punctuation
  [0x16ff0, 0x16ff1],
  [0x17000, 0x18cff], // Tangut, Tangut Components, Khitan Small Script
  [0x18d00, 0x18d08], // Tangut Supplement
  [0x1aff0, 0x1b2fb], // Kana Extended-B, Kana Supplement, Kana Extended-A, Small Kana Extension, Nushu
  [0x1f200, 0x1f202], // Enclosed Ideographic Supplement
  [0x1f210, 0x1f23b],
  [0x1f240, 0x1f248],
  [0x1f250, 0x1f251],
  [0x1f260, 0x1f265],
  [0x20000, 0x2fffd], // CJK Extensions B to F, CJK Compatibility Ideographs Supplement
  [0x30000, 0x3fffd] // CJK Extensions G and H
]

/**
 * No column: combining marks (Mn, Me), format and control characters, and the Hangul medial vowels and
 * final consonants that join a leading consonant into one syllable (U+1160–U+11FF, U+D7B0–U+D7FF).
 */
const ZERO = /^[\p{Mn}\p{Me}\p{Cf}\p{Cc}\u1160-\u11ff\ud7b0-\ud7ff]$/u
/** Emoji shown as emoji by default (U+1F680 🚀, U+231A ⌚); ❤ or © without VS16 are shown as text. */
const EMOJI = /^\p{Emoji_Presentation}$/u
/** A regional indicator is narrow (East Asian Neutral): a flag, two of them, takes two columns. */
const REGIONAL_INDICATOR = /^[\u{1f1e6}-\u{1f1ff}]$/u
/** A code point reserved for a pictograph: an emoji newer than this runtime's Unicode data, wide like the others. */
const PICTOGRAPH = /^\p{Extended_Pictographic}$/u
const UNASSIGNED = /^\p{Cn}$/u
const ASCII = /^[\x20-\x7e]*$/

const GRAPHEMES = new Intl.Segmenter('en', { granularity: 'grapheme' })

/** Columns one code point takes (given as its one-character string). */
function columnsOf(char: string): number {
  if (ZERO.test(char)) return 0
  const code = char.codePointAt(0) ?? 0
  if (WIDE.some(([first, last]) => code >= first && code <= last)) return 2
  if (EMOJI.test(char)) return REGIONAL_INDICATOR.test(char) ? 1 : 2
  return PICTOGRAPH.test(char) && UNASSIGNED.test(char) ? 2 : 1
}

/** The columns `text` takes in a terminal. */
export function displayWidth(text: string): number {
  if (ASCII.test(text)) return text.length
  let columns = 0
  for (const char of text) columns += columnsOf(char)
  return columns
}

/**
 * `text` when it fits in `max` columns (at least 1), otherwise its longest start that leaves a column
 * for `…`, then `…`. It cuts between grapheme clusters only: never in a surrogate pair, never between a
 * letter and its combining marks; a wide character that does not fit whole is left out.
 */
export function truncateToWidth(text: string, max: number): string {
  if (displayWidth(text) <= max) return text
  let kept = ''
  let used = 0
  for (const { segment } of GRAPHEMES.segment(text)) {
    const columns = displayWidth(segment)
    if (used + columns > max - 1) break
    kept += segment
    used += columns
  }
  return `${kept}…`
}
