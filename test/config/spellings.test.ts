import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { code, INPUT_KEYS, INPUTS, named, setTo, valueOf, type InputKey } from '../../src/config/catalogue.js'
import { ACTION_SPELLING, CLI_SPELLING, PIPE_SPELLING } from '../../src/config/spellings.js'
import { say, type Mention } from '../../src/sentence.js'
import { errorMessage } from '../../src/errors.js'
import { RedirectRefusedError } from '../../src/http/request.js'

/** Every way a message can name an input, for every input: what the tests below iterate over. */
function mentionsOf(key: InputKey): Mention[] {
  const values = INPUTS[key].type === 'boolean' ? ['true', 'false'] : INPUTS[key].type === 'mode' ? ['true', 'false', 'auto'] : ['x']
  return [named(key), code(key), ...values.flatMap((v) => [valueOf(key, v), setTo(key, v)])]
}

const ACTION_NAMES = INPUT_KEYS.map((key) => INPUTS[key].action).filter((name) => name !== null) as string[]

describe("the request core's messages in each door", () => {
  it('names the URL input of a refused redirect the way each door spells it', () => {
    const error = new RedirectRefusedError(302, { name: 'Bitbucket', urlInput: 'api-url' }, '')
    expect(errorMessage(error, false, ACTION_SPELLING)).toContain('Check `api-url`: it must name the API itself')
    expect(errorMessage(error, false, CLI_SPELLING)).toContain('Check `--api-url`: it must name the API itself')
  })
})

describe('the one table of inputs', () => {
  it('spells each example of the issue in each door its own way', () => {
    expect(say`${valueOf('fail-on-unknown', 'false')}`.spell(ACTION_SPELLING)).toBe('`fail-on-unknown: false`')
    expect(say`${valueOf('fail-on-unknown', 'false')}`.spell(CLI_SPELLING)).toBe('`--no-fail-on-unknown`')
    expect(say`${valueOf('fail-on-unknown', 'false')}`.spell(PIPE_SPELLING)).toBe("`FAIL_ON_UNKNOWN: 'false'`")
    expect(say`${named('token')} is required.`.spell(ACTION_SPELLING)).toBe('Input `token` is required.')
    expect(say`${named('token')} is required.`.spell(CLI_SPELLING)).toBe('`--token` (or `BITBUCKET_TOKEN`) is required.')
    expect(say`${named('token')} is required.`.spell(PIPE_SPELLING)).toBe('Variable `BITBUCKET_TOKEN` is required.')
    expect(say`${setTo('accept-atlassian-2sv', 'false')}`.spell(CLI_SPELLING)).toBe('Leave out `--accept-atlassian-2sv`')
    expect(say`${code('exempt')} line 3`.spell(CLI_SPELLING)).toBe('`--exempt`/`--exempt-file` line 3')
    expect(say`${code('oauth-client-secret')}`.spell(CLI_SPELLING)).toBe('`BITBUCKET_OAUTH_CLIENT_SECRET`')
  })

  it.each(INPUT_KEYS.filter((key) => INPUTS[key].action !== null))('the action names %s without a flag', (key) => {
    for (const mention of mentionsOf(key)) {
      const text = say`${mention}`.spell(ACTION_SPELLING)
      expect(text).not.toMatch(/--[a-z]/)
      expect(text).toContain(`\`${INPUTS[key].action ?? ''}`)
    }
  })

  it.each(INPUT_KEYS.filter((key) => INPUTS[key].flag !== null || INPUTS[key].env !== null))(
    'the CLI names %s by its flag or variable only: no action input name in code, no "Input `…`"',
    (key) => {
      for (const mention of mentionsOf(key)) {
        const text = say`${mention}`.spell(CLI_SPELLING)
        expect(text).not.toMatch(/\binput `/i)
        for (const [, inCode] of text.matchAll(/`([^`]*)`/g)) expect(ACTION_NAMES).not.toContain(inCode)
      }
    }
  )

  it('keeps the names users type: every action input, CLI flag and variable is unique', () => {
    const column = (pick: (spec: (typeof INPUTS)[InputKey]) => string | null): string[] =>
      INPUT_KEYS.map((key) => pick(INPUTS[key])).filter((name): name is string => name !== null)
    for (const names of [column((s) => s.action), column((s) => s.flag), column((s) => s.env), column((s) => s.pipe)]) {
      expect(new Set(names).size).toBe(names.length)
    }
  })

  it('matches action.yml: every input the action declares is in the table, with its default', () => {
    const yml = readFileSync(resolve(import.meta.dirname, '../../action.yml'), 'utf8')
    const inputs = yml.split(/^outputs:/m)[0] ?? ''
    const declared = [...inputs.matchAll(/^ {2}([a-z0-9-]+):$/gm)].map((m) => m[1])
    expect(declared.sort()).toEqual([...ACTION_NAMES].sort())
  })
})
