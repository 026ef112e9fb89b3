import { describe, expect, it } from 'vitest'
import { classifyResponse } from './response-classifier.js'

const now = new Date('2030-05-01T12:00:00Z')
const reply = (statusCode: number, headers: Record<string, string> = {}, body = '') => ({
  statusCode,
  headers,
  body,
})

describe('classifyResponse', () => {
  it('treats every 2xx as delivered', () => {
    for (const status of [200, 201, 202, 204, 299]) {
      expect(classifyResponse(reply(status), now)).toEqual({
        ok: true,
        statusCode: status,
        retryable: false,
      })
    }
  })

  it('treats 410 Gone as permanent and other failures as retryable', () => {
    expect(classifyResponse(reply(410), now)).toMatchObject({ ok: false, retryable: false })
    for (const status of [400, 401, 404, 408, 429, 500, 502, 503, 504]) {
      expect(classifyResponse(reply(status), now)).toMatchObject({ ok: false, retryable: true })
    }
  })

  it('reports a redirect as a failure, naming where it pointed', () => {
    const result = classifyResponse(reply(302, { location: 'http://169.254.169.254/' }), now)
    expect(result).toMatchObject({ ok: false, statusCode: 302, retryable: true })
    expect(result.error).toContain('169.254.169.254')
    expect(result.error).toContain('not followed')
  })

  it('honours Retry-After only on 429 and 503', () => {
    expect(classifyResponse(reply(429, { 'retry-after': '5' }), now).retryAfterMs).toBe(5000)
    const date = 'Wed, 01 May 2030 12:01:00 GMT'
    expect(classifyResponse(reply(503, { 'retry-after': date }), now).retryAfterMs).toBe(60_000)
    expect(classifyResponse(reply(500, { 'retry-after': '5' }), now).retryAfterMs).toBeUndefined()
  })

  it('keeps a short, printable body excerpt for the delivery log', () => {
    const result = classifyResponse(reply(500, {}, `boom\r\n\u0000${'x'.repeat(500)}`), now)
    expect(result.error).toMatch(/^HTTP 500: boom x+$/)
    expect(result.error?.length).toBeLessThanOrEqual(220)
  })
})
