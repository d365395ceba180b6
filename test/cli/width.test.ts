import { describe, expect, it } from 'vitest'
import { displayWidth, truncateToWidth } from '../../src/cli/width.js'

/**
 * Columns a terminal gives each text, per UAX #11 and as a wcwidth terminal (xterm, tmux) draws each
 * code point: Wide and Fullwidth characters and emoji shown as emoji take 2 columns, combining marks none.
 */
describe('display width', () => {
  it.each([
    ['empty text', '', 0],
    ['ASCII', 'Ada Lovelace', 12],
    ['precomposed Latin (ë is East Asian Ambiguous: narrow outside a CJK locale)', 'Zoë Ångström', 12],
    ['a combining acute accent (Mn)', 'Ame\u0301lie', 6],
    ['a combining enclosing circle (Me)', 'a\u20dd', 1],
    ['stacked combining marks', 'Z\u0351\u0352\u0353', 1],
    ['Cyrillic and Greek', 'Жанна Ωμέγα', 11],
    ['Hebrew with niqqud (Mn)', 'שָׁלוֹם', 4],
    ['Arabic', 'محمد', 4],
    ['Arabic with harakat (Mn)', 'مُحَمَّد', 4],
    ['Devanagari: a spacing vowel sign (Mc) takes a column, a virama (Mn) none', 'हिन्दी', 5],
    ['Han ideographs', '李小龍', 6],
    ['a Han ideograph outside the BMP (CJK Extension B)', '𠀋', 2],
    ['hiragana', 'はなこ', 6],
    ['katakana with the long vowel mark', 'ハナコー', 8],
    ['halfwidth katakana (East Asian Halfwidth)', 'ﾊﾅｺ', 3],
    ['CJK punctuation and the ideographic space', '、。\u3000「」', 10],
    ['CJK angle brackets U+2329/U+232A', '\u2329x\u232a', 5],
    ['Hangul syllables', '김민준', 6],
    ['conjoining Hangul jamo: a wide leading consonant, vowel and trailing consonant of width 0', '\u1100\u1161\u11a8', 2],
    ['Hangul compatibility jamo', 'ㄱㅏ', 4],
    ['fullwidth Latin and digits', 'ｂｒｕｃｅ１', 12],
    ['fullwidth signs', '￥￦', 4],
    ['halfwidth forms', 'ｰﾟ', 2],
    ['an emoji with emoji presentation', '🚀', 2],
    ['an emoji in the BMP with emoji presentation', '⌚⚡', 4],
    ['a name with an emoji', 'Zoë 🚀', 6],
    ['a pictograph with text presentation by default (no VS16 reaches the table)', '❤', 1],
    ['keycap bases and other Emoji that are text by default', '#1©', 3],
    ['a flag: two regional indicators of width 1 each', '🇫🇷', 2],
    ['an emoji and a skin-tone modifier, drawn apart once cleanText drops the joiners', '👍🏽', 4],
    ['a pictograph reserved for a future emoji', '\u{1FC00}', 2],
    ['a zero-width joiner and a variation selector', '\u200d\ufe0f', 0]
  ])('%s', (_, text, columns) => {
    expect(displayWidth(text)).toBe(columns)
  })
})

describe('cutting text to a width', () => {
  it('leaves text that fits as it is, to the last column', () => {
    expect(truncateToWidth('李小龍', 6)).toBe('李小龍')
    expect(truncateToWidth('Ada', 3)).toBe('Ada')
  })

  it('ends cut text in an ellipsis, within the width', () => {
    expect(truncateToWidth('abcdef', 5)).toBe('abcd…')
  })

  it('never cuts a wide character in half: the column it would need stays empty', () => {
    expect(truncateToWidth('李小龍', 5)).toBe('李小…')
    expect(truncateToWidth('李小龍', 4)).toBe('李…')
    expect(truncateToWidth('a李小龍', 5)).toBe('a李…')
  })

  it('never splits a surrogate pair', () => {
    const cut = truncateToWidth('🚀🚀🚀', 4)
    expect(cut).toBe('🚀…')
    expect(cut).not.toMatch(/\p{Cs}/u) // no lone surrogate
    expect(truncateToWidth('𠀋𠀋𠀋', 5)).toBe('𠀋𠀋…')
  })

  it('keeps a combining mark with its letter', () => {
    expect(truncateToWidth('Ame\u0301lie', 4)).toBe('Ame\u0301…')
    expect(truncateToWidth('Ame\u0301lie', 3)).toBe('Am…')
    expect(truncateToWidth('مُحَمَّد', 3)).toBe('مُحَ…')
  })

  it('never splits a flag, or an emoji from its skin-tone modifier', () => {
    expect(truncateToWidth('🇫🇷🇩🇪', 3)).toBe('🇫🇷…')
    expect(truncateToWidth('🇫🇷🇩🇪', 2)).toBe('…')
    expect(truncateToWidth('👍🏽👍🏽', 5)).toBe('👍🏽…')
    expect(truncateToWidth('👍🏽👍🏽', 4)).toBe('…')
  })

  it('gives just the ellipsis when only one column is left', () => {
    expect(truncateToWidth('李', 1)).toBe('…')
  })
})
