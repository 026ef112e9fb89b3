import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { classifySdkError, parseRetryAfter } from './provider.js'

const headers = (entries: Record<string, string>) => new Headers(entries)

describe('retry-after', () => {
  it('reads retry-after-ms, seconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(parseRetryAfter(headers({ 'retry-after-ms': '250' }))).toBe(250)
    expect(parseRetryAfter(headers({ 'retry-after': '2' }))).toBe(2000)
    expect(parseRetryAfter(headers({ 'retry-after': '0.5' }))).toBe(500)
    expect(parseRetryAfter(headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }), now)).toBe(
      3000,
    )
    expect(parseRetryAfter(headers({}))).toBeUndefined()
    expect(parseRetryAfter(undefined)).toBeUndefined()
  })

  it('never returns a negative or non-finite wait for any header value', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const clean = value.replace(/[^\x20-\x7e]/g, '')
        const wait = parseRetryAfter(headers({ 'retry-after': clean }))
        if (wait !== undefined) {
          expect(Number.isFinite(wait)).toBe(true)
          expect(wait).toBeGreaterThanOrEqual(0)
        }
      }),
    )
  })
})

describe('error classification', () => {
  class APIConnectionTimeoutError extends Error {}
  it('maps statuses and SDK error classes to retriable kinds', () => {
    const withStatus = (status: number, h: Record<string, string> = {}) =>
      Object.assign(new Error(`HTTP ${status}`), { status, headers: headers(h) })
    expect(classifySdkError(withStatus(429, { 'retry-after': '1' }))).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 1000,
      retriable: true,
    })
    expect(classifySdkError(withStatus(503))).toMatchObject({ kind: 'server', retriable: true })
    expect(classifySdkError(withStatus(400))).toMatchObject({ kind: 'client', retriable: false })
    expect(classifySdkError(new APIConnectionTimeoutError('Request timed out.'))).toMatchObject({
      kind: 'timeout',
      retriable: true,
    })
    expect(classifySdkError(new Error('ECONNREFUSED'))).toMatchObject({ kind: 'network' })
    const controller = new AbortController()
    controller.abort()
    expect(classifySdkError(new Error('x'), controller.signal)).toMatchObject({
      kind: 'aborted',
      retriable: false,
    })
  })
})
