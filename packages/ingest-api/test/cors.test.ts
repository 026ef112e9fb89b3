import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { headers, openHarness, type Harness } from './harness.js'

let h: Harness
beforeAll(async () => {
  h = await openHarness()
})
afterAll(async () => {
  await h.close()
})

const preflight = (origin: string) => ({
  method: 'OPTIONS',
  headers: {
    origin,
    'access-control-request-method': 'POST',
    'access-control-request-headers': 'authorization,content-type,content-encoding',
  },
})

describe('CORS', () => {
  it('answers a preflight from an allowed origin with that origin, the methods and headers', async () => {
    const app = h.api({ corsOrigins: ['https://app.example.com', 'http://localhost:5173'] }).app
    const res = await app.request('/v1/events', preflight('http://localhost:5173'))
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173')
    expect(res.headers.get('access-control-allow-methods')).toContain('POST')
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase().split(',')).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'content-encoding']),
    )
    expect(res.headers.get('vary')).toContain('Origin')
  })

  it('gives a refused origin no allow-origin header, on the preflight and on the request', async () => {
    const app = h.api({ corsOrigins: ['https://app.example.com'] }).app
    const res = await app.request('/v1/events', preflight('https://evil.example.com'))
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
    const read = await app.request('/v1/project', {
      headers: headers(h.keys.a.read, { origin: 'https://evil.example.com' }),
    })
    expect(read.status).toBe(200)
    expect(read.headers.get('access-control-allow-origin')).toBeNull()
    const own = await app.request('/v1/project', {
      headers: headers(h.keys.a.read, { origin: 'https://app.example.com' }),
    })
    expect(own.headers.get('access-control-allow-origin')).toBe('https://app.example.com')
  })

  it('sends no CORS headers at all when no origin is configured', async () => {
    const res = await h.api().app.request('/v1/events', preflight('https://app.example.com'))
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
    expect(res.headers.get('access-control-allow-methods')).toBeNull()
  })
})
