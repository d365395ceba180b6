import { describe, expect, it } from 'vitest'
import { inPipelines, insightsTarget, parseInsightsProxy, pipelineUrl, redactionFor } from '../../src/config/pipelines.js'
import { CLI_SPELLING, PIPE_SPELLING } from '../../src/config/spellings.js'
import { errorMessage } from '../../src/errors.js'

const message = (run: () => unknown, spelling = CLI_SPELLING): string => {
  try {
    run()
  } catch (error) {
    return errorMessage(error, false, spelling)
  }
  throw new Error('no error')
}

describe('a Pipelines step', () => {
  it('is known by its build number or its pipeline uuid, and nothing else', () => {
    expect(inPipelines({})).toBe(false)
    expect(inPipelines({ BITBUCKET_BUILD_NUMBER: '', BITBUCKET_PIPELINE_UUID: '' })).toBe(false)
    expect(inPipelines({ BITBUCKET_BUILD_NUMBER: '7' })).toBe(true)
    expect(inPipelines({ BITBUCKET_PIPELINE_UUID: '{x}' })).toBe(true)
    expect(inPipelines({ BITBUCKET_WORKSPACE: 'acme', BITBUCKET_COMMIT: 'abcdef0' })).toBe(false)
  })
})

describe('who may see names', () => {
  const step = { BITBUCKET_BUILD_NUMBER: '7' }
  it('shows them in a terminal and withholds them in a step or a pipe, unless the repository is exactly private', () => {
    expect(redactionFor(null, {}, false)).toBe(false)
    expect(redactionFor(null, { BITBUCKET_REPO_IS_PRIVATE: 'false' }, false)).toBe(false)
    expect(redactionFor(null, step, false)).toBe(true)
    expect(redactionFor(null, { ...step, BITBUCKET_REPO_IS_PRIVATE: 'false' }, false)).toBe(true)
    expect(redactionFor(null, { ...step, BITBUCKET_REPO_IS_PRIVATE: 'TRUE' }, false)).toBe(true)
    expect(redactionFor(null, { ...step, BITBUCKET_REPO_IS_PRIVATE: ' true' }, false)).toBe(true)
    expect(redactionFor(null, { ...step, BITBUCKET_REPO_IS_PRIVATE: 'true' }, false)).toBe(false)
    expect(redactionFor(null, {}, true)).toBe(true)
    expect(redactionFor(null, { BITBUCKET_REPO_IS_PRIVATE: 'true' }, true)).toBe(false)
  })

  it('lets an explicit choice win everywhere', () => {
    expect(redactionFor(true, {}, false)).toBe(true)
    expect(redactionFor(false, step, true)).toBe(false)
    expect(redactionFor(true, { ...step, BITBUCKET_REPO_IS_PRIVATE: 'true' }, true)).toBe(true)
  })
})

describe('the commit Code Insights reports on', () => {
  const good = { BITBUCKET_COMMIT: 'abcdef0', BITBUCKET_REPO_FULL_NAME: 'acme/app' }
  it('takes a 7 to 40 digit hash and workspace/repo_slug', () => {
    expect(insightsTarget(good)).toEqual({ repository: 'acme/app', commit: 'abcdef0' })
    const full = '0123456789abcdef0123456789abcdef01234567'
    expect(insightsTarget({ ...good, BITBUCKET_COMMIT: full }).commit).toBe(full)
  })

  it('names what is missing, in the door’s words', () => {
    expect(message(() => insightsTarget({}))).toBe(
      '`--code-insights` posts to the commit Bitbucket Pipelines builds, and BITBUCKET_COMMIT and BITBUCKET_REPO_FULL_NAME are not set. Pipelines sets both on every step: run it in a Pipelines step, or leave Code Insights off.'
    )
    expect(message(() => insightsTarget({ BITBUCKET_COMMIT: 'abcdef0' }), PIPE_SPELLING)).toBe(
      'Variable `CODE_INSIGHTS` posts to the commit Bitbucket Pipelines builds, and BITBUCKET_REPO_FULL_NAME is not set. Pipelines sets both on every step: run it in a Pipelines step, or leave Code Insights off.'
    )
    expect(message(() => insightsTarget({ BITBUCKET_REPO_FULL_NAME: 'acme/app' }))).toContain('and BITBUCKET_COMMIT is not set.')
  })

  it.each([
    ['abcdef', 'too short'],
    ['0123456789abcdef0123456789abcdef012345678', 'too long'],
    ['ABCDEF0', 'upper case'],
    ['abcdefg', 'not hex'],
    ['abcdef0\n', 'a newline']
  ])('refuses the commit %j (%s)', (commit) => {
    expect(message(() => insightsTarget({ ...good, BITBUCKET_COMMIT: commit }))).toContain('is not a commit hash (7 to 40 lower-case hex digits)')
  })

  it.each(['acme', 'acme/app/x', '/app', 'acme/', 'acme/../x', '../app', 'acme/a pp', 'acme/.app'])('refuses the repository %j', (name) => {
    expect(message(() => insightsTarget({ ...good, BITBUCKET_REPO_FULL_NAME: name }))).toContain('is not workspace/repo_slug')
  })
})

describe('the proxy for Code Insights', () => {
  it('takes a plain http://host:port, else the door’s default', () => {
    expect(parseInsightsProxy('', 'http://localhost:29418').href).toBe('http://localhost:29418/')
    expect(parseInsightsProxy(' http://host.docker.internal:29418 ', 'http://localhost:29418').host).toBe('host.docker.internal:29418')
    expect(parseInsightsProxy('http://127.0.0.1:8080/', 'x').port).toBe('8080')
    expect(parseInsightsProxy(' \t ', 'http://localhost:29418').href).toBe('http://localhost:29418/')
  })

  it('names the value it refuses without the spaces around it', () => {
    expect(message(() => parseInsightsProxy('  https://localhost:29418 ', 'http://localhost:29418'))).toContain(
      '`--code-insights-proxy` (https://localhost:29418) must'
    )
  })

  it.each([
    'https://localhost:29418',
    'http://u:p@localhost:29418',
    'http://u@localhost:29418',
    'http://:p@localhost:29418',
    'http://localhost:29418/path',
    'http://localhost:29418?x',
    'http://localhost:29418#x',
    'localhost:29418',
    'not a url'
  ])('refuses %j, naming the input', (value) => {
    expect(message(() => parseInsightsProxy(value, 'http://localhost:29418'))).toContain('`--code-insights-proxy` (')
    expect(message(() => parseInsightsProxy(value, 'http://localhost:29418'))).toContain('must be a plain http://host:port')
  })
})

describe('a refused proxy, as the message shows it', () => {
  it('by its scheme and host only, never a user name or password', () => {
    expect(message(() => parseInsightsProxy('http://ci:Pr0xyPa55@localhost:29418', 'x'))).toBe(
      '`--code-insights-proxy` (http://localhost:29418, with a user name or password) must be a plain http://host:port, as the Pipelines proxy is (http://localhost:29418 from a step, http://host.docker.internal:29418 from a pipe).'
    )
    expect(message(() => parseInsightsProxy('http://ci@proxy:1', 'x'))).toContain('(http://proxy:1, with a user name or password)')
    expect(message(() => parseInsightsProxy('http://:secret@proxy:1', 'x'))).toContain('(http://proxy:1, with a user name or password)')
    expect(message(() => parseInsightsProxy('http://proxy:1/secret-path', 'x'))).toContain('(http://proxy:1) must')
    expect(message(() => parseInsightsProxy('not a url with s3cret', 'x'))).toContain('(not a URL) must')
  })
})

describe("the pipeline's page", () => {
  it('is known from the repository and the build number, and only then', () => {
    expect(pipelineUrl({ BITBUCKET_REPO_FULL_NAME: 'acme/app', BITBUCKET_BUILD_NUMBER: '42' })).toBe('https://bitbucket.org/acme/app/pipelines/results/42')
    expect(pipelineUrl({ BITBUCKET_REPO_FULL_NAME: 'acme/app' })).toBeNull()
    expect(pipelineUrl({ BITBUCKET_BUILD_NUMBER: '42' })).toBeNull()
    expect(pipelineUrl({ BITBUCKET_REPO_FULL_NAME: 'acme/app', BITBUCKET_BUILD_NUMBER: '7' })).toBe('https://bitbucket.org/acme/app/pipelines/results/7')
    expect(pipelineUrl({ BITBUCKET_REPO_FULL_NAME: 'acme/app', BITBUCKET_BUILD_NUMBER: '123' })).toBe('https://bitbucket.org/acme/app/pipelines/results/123')
    expect(pipelineUrl({ BITBUCKET_REPO_FULL_NAME: 'acme/app', BITBUCKET_BUILD_NUMBER: '1234567890' })).toBe(
      'https://bitbucket.org/acme/app/pipelines/results/1234567890'
    )
    expect(pipelineUrl({ BITBUCKET_REPO_FULL_NAME: 'acme/app', BITBUCKET_BUILD_NUMBER: '12345678901' })).toBeNull()
    expect(pipelineUrl({ BITBUCKET_REPO_FULL_NAME: 'acme/app', BITBUCKET_BUILD_NUMBER: '0' })).toBeNull()
    expect(pipelineUrl({ BITBUCKET_REPO_FULL_NAME: 'acme/app', BITBUCKET_BUILD_NUMBER: '042' })).toBeNull()
    expect(pipelineUrl({ BITBUCKET_REPO_FULL_NAME: 'acme/app', BITBUCKET_BUILD_NUMBER: '4 2' })).toBeNull()
    expect(pipelineUrl({ BITBUCKET_REPO_FULL_NAME: 'ac me/app', BITBUCKET_BUILD_NUMBER: '42' })).toBeNull()
    expect(pipelineUrl({ BITBUCKET_REPO_FULL_NAME: 'acme/app/x', BITBUCKET_BUILD_NUMBER: '42' })).toBeNull()
  })
})
