import { describe, expect, it } from 'vitest'
import { errorMessage, InputError } from '../../src/errors.js'
import {
  checkDistinctFiles,
  checkPredicateNeedsReport,
  isLoopback,
  parseApiUrl,
  parseAtlassianApiUrl,
  parseBoolean,
  parseRedact,
  parseWorkspaces
} from '../../src/config/inputs.js'
import { CLI_SPELLING } from '../../src/config/spellings.js'

describe('parseWorkspaces', () => {
  it('splits on commas and newlines, trims and dedupes', () => {
    expect(parseWorkspaces('acme, beta\n\n gamma ,acme\r\nBeta')).toEqual(['acme', 'beta', 'gamma'])
  })

  it('requires at least one workspace', () => {
    expect(() => parseWorkspaces(' , \n ,')).toThrow(InputError)
    expect(() => parseWorkspaces('')).toThrow(/`workspace` is required/)
  })

  it('accepts a braced uuid and lower-cases it', () => {
    expect(parseWorkspaces('{AAAAAAAA-1111-4111-8111-111111111111}')).toEqual(['{aaaaaaaa-1111-4111-8111-111111111111}'])
  })

  it.each([
    ['acme\u200b', 'U+200B', 5],
    ['\u2066acme', 'U+2066', 1],
    ['ac\u00a0me', 'U+00A0', 3],
    ['acm\u0435', 'U+0435', 4]
  ])('names a stray character in %j by code point and position', (value, code, position) => {
    expect(() => parseWorkspaces(value)).toThrow(`(${code}) at position ${position}: retype the id by hand`)
  })

  it.each(['../x', 'a/b', 'a b', '.hidden', '{not-a-uuid}', 'acme?x=1', 'a%2Fb', '-'])('refuses %j', (value) => {
    expect(() => parseWorkspaces(value)).toThrow(InputError)
    expect(() => parseWorkspaces(value)).toThrow(/Input `workspace`/)
  })
})

describe('parseApiUrl', () => {
  it('defaults to Bitbucket Cloud and strips a trailing slash', () => {
    expect(parseApiUrl('').href).toBe('https://api.bitbucket.org/2.0')
    expect(parseApiUrl('http://127.0.0.1:8080/2.0/').href).toBe('http://127.0.0.1:8080/2.0')
  })

  it('trims the input and every trailing slash, and keeps the path', () => {
    expect(parseApiUrl('  https://bb.example.com/proxy/2.0//  ').href).toBe('https://bb.example.com/proxy/2.0')
    expect(parseApiUrl('   ').href).toBe('https://api.bitbucket.org/2.0')
  })

  it('drops a no-break space or byte order mark pasted around the URL', () => {
    expect(parseApiUrl('\ufeffhttps://bb.example.com/2.0\u00a0').href).toBe('https://bb.example.com/2.0')
  })

  it.each([
    ['https://user@x/2.0', /must not contain credentials/],
    ['https://:pw@x/2.0', /must not contain credentials/],
    ['https://x/2.0#frag', /without \? or #/],
    ['ftp://x/2.0', /must start with https/],
    ['not a url', /not a URL/],
    ['https://user:pw@x/2.0', /must not contain credentials/],
    ['https://x/2.0?a=1', /without \? or #/]
  ])('refuses %s', (value, message) => {
    expect(() => parseApiUrl(value)).toThrow(message)
  })

  it.each([
    'http://bitbucket.internal/2.0',
    'http://127.evil.example/2.0',
    'http://127.0.0.1.nip.io/2.0',
    'http://10.0.0.1/2.0',
    'http://[::2]/2.0',
    'http://localhost.evil.example/2.0',
    'http://[::ffff:127.0.0.1]/2.0'
  ])('refuses plain http to %s: credentials would cross a network in clear text', (value) => {
    expect(() => parseApiUrl(value)).toThrow(
      /Input `api-url` uses plain http:\/\/ to .*: the credentials would cross the network in clear text\. Use https:\/\//
    )
  })

  it.each(['http://127.0.0.1:9/2.0', 'http://127.1.2.3/2.0', 'http://127.1/2.0', 'http://localhost:8080/2.0', 'http://LOCALHOST/2.0', 'http://[::1]:8080/2.0'])(
    'accepts plain http to the loopback address %s',
    (value) => {
      expect(parseApiUrl(value).protocol).toBe('http:')
    }
  )

  it('judges loopback on the parsed host, not on how the text starts', () => {
    expect(isLoopback(new URL('http://127.0.0.1/'))).toBe(true)
    expect(isLoopback(new URL('http://0x7f.0.0.1/'))).toBe(true)
    expect(isLoopback(new URL('http://128.0.0.1/'))).toBe(false)
    expect(isLoopback(new URL('http://127.example/'))).toBe(false)
    expect(isLoopback(new URL('https://api.bitbucket.org/'))).toBe(false)
  })
})

describe('parseAtlassianApiUrl', () => {
  it('defaults to the Atlassian API, trims the input and every trailing slash, and keeps the path', () => {
    expect(parseAtlassianApiUrl(' ').href).toBe('https://api.atlassian.com/')
    expect(parseAtlassianApiUrl(' https://proxy.example/atlassian//v1/// ').href).toBe('https://proxy.example/atlassian//v1')
  })
})

describe('booleans and redact', () => {
  it('takes the YAML 1.2 core booleans and lists the valid values otherwise', () => {
    expect(parseBoolean('summary', 'TRUE', false)).toBe(true)
    expect(parseBoolean('summary', 'False', true)).toBe(false)
    expect(parseBoolean('summary', '', true)).toBe(true)
    expect(() => parseBoolean('fail-on-unknown', 'yes', true)).toThrow('Input `fail-on-unknown` must be `true` or `false` (got "yes").')
  })

  it('takes auto, true or false for redact', () => {
    expect(parseRedact('')).toBe('auto')
    expect(parseRedact(' FALSE ')).toBe('false')
    expect(parseRedact('Auto')).toBe('auto')
    expect(parseRedact('TRUE')).toBe('true')
    expect(parseBoolean('summary', ' false ', true)).toBe(false)
    expect(() => parseRedact('maybe')).toThrow(/`auto`, `true` or `false`/)
  })
})

describe('the files a run writes', () => {
  const refusal = (run: () => void): string => {
    try {
      run()
    } catch (error) {
      expect(error).toBeInstanceOf(InputError)
      return errorMessage(error, false, CLI_SPELLING)
    }
    return 'no error'
  }

  it('needs a report for a predicate, and nothing else', () => {
    expect(
      refusal(() => {
        checkPredicateNeedsReport('p.json', '')
      })
    ).toBe(
      "`--attestation-predicate-file` binds the JSON report's sha256, so it needs `--report-file` too: give both (for example `--report-file bitbucket-2fa-report.json`)."
    )
    expect(
      refusal(() => {
        checkPredicateNeedsReport('p.json', 'r.json')
      })
    ).toBe('no error')
    expect(
      refusal(() => {
        checkPredicateNeedsReport('', '')
      })
    ).toBe('no error')
    expect(
      refusal(() => {
        checkPredicateNeedsReport('', 'r.json')
      })
    ).toBe('no error')
  })

  it('refuses two at one path, however it is written, and takes distinct ones and files not asked for', () => {
    expect(
      refusal(() => {
        checkDistinctFiles(
          [
            ['report-file', 'out/r.json'],
            ['junit-file', 'j.xml'],
            ['attestation-predicate-file', './out/../out/r.json']
          ],
          '/work'
        )
      })
    ).toBe('`--report-file` and `--attestation-predicate-file` name the same file (/work/out/r.json); give each its own path.')
    expect(
      refusal(() => {
        checkDistinctFiles(
          [
            ['report-file', '/work/a'],
            ['junit-file', 'a']
          ],
          '/work'
        )
      })
    ).toContain('name the same file (/work/a)')
    expect(
      refusal(() => {
        checkDistinctFiles(
          [
            ['report-file', ''],
            ['junit-file', ''],
            ['attestation-predicate-file', 'p.json']
          ],
          '/work'
        )
      })
    ).toBe('no error')
    expect(
      refusal(() => {
        checkDistinctFiles(
          [
            ['report-file', 'a'],
            ['junit-file', 'b'],
            ['attestation-predicate-file', 'c']
          ],
          '/work'
        )
      })
    ).toBe('no error')
  })
})
