import { describe, expect, it } from 'vitest'
import { onLine, redactionOf } from '../../src/cli/redaction.js'

describe('redactionOf', () => {
  it('follows the parsed flag once there is one', () => {
    expect(redactionOf(['--redact'], false)).toBe(false)
    expect(redactionOf([], true)).toBe(true)
  })

  it('before the flags parse, withholds when --redact stands on the line, before any bare --', () => {
    expect(redactionOf(['--workspace', 'acme', '--redact', '--bogus'], null)).toBe(true)
    expect(redactionOf(['--workspace', 'acme', '--bogus'], null)).toBe(false)
    expect(redactionOf(['--', '--redact'], null)).toBe(false)
    expect(redactionOf(['--redact', '--'], null)).toBe(true)
    expect(redactionOf(['--redacted'], null)).toBe(false)
  })
})

describe('onLine', () => {
  it('finds a flag before any bare --, whatever else the line holds', () => {
    expect(onLine(['--bogus', '--json'], '--json')).toBe(true)
    expect(onLine(['--jsonx'], '--json')).toBe(false)
    expect(onLine(['--', '--json'], '--json')).toBe(false)
    expect(onLine([], '--json')).toBe(false)
  })
})
