import { describe, expect, it } from 'vitest'
import { scrubbing } from '../../src/action/io.js'
import { recordingIO } from '../support/io.js'

describe('scrubbing', () => {
  it('masks every form of a secret once, and scrubs it from everything printed after', async () => {
    const recorder = recordingIO({ token: 'ATATT-s3cret/x' })
    const io = scrubbing(recorder)
    expect(io.getInput('token')).toBe('ATATT-s3cret/x')
    io.setSecret('ATATT-s3cret/x')
    io.setSecret('ATATT-s3cret/x')
    expect(recorder.masked).toEqual(['ATATT-s3cret%2Fx', 'ATATT-s3cret%2fx', 'ATATT-s3cret\\/x', 'ATATT-s3cret/x'])
    io.info('a ATATT-s3cret/x b')
    io.warning('w ATATT-s3cret%2Fx')
    io.debug('d ATATT-s3cret\\/x')
    io.setOutput('o', 'ATATT-s3cret/x')
    io.setFailed('f ATATT-s3cret/x')
    await io.writeSummary('s ATATT-s3cret/x')
    expect(recorder.lines).toEqual(['a *** b', '::warning::w ***', '::debug::d ***', '::error::f ***'])
    expect(recorder.outputs).toEqual({ o: '***' })
    expect(recorder.summary).toBe('s ***')
  })
})
