import { describe, expect, it } from 'vitest'
import { detectJwts } from './jwt.js'

const base64url = (value: string): string =>
  btoa(value).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
const jwt = (payload: object, signature = 'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'): string =>
  `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(payload))}.${signature}`
const values = (text: string): string[] => detectJwts(text).map((s) => text.slice(s.start, s.end))

describe('detectJwts', () => {
  it('finds a signed token and an unsigned one', () => {
    const signed = jwt({ sub: '1234567890', name: 'Ann' })
    const unsigned = jwt({ sub: '42' }, '')
    expect(values(`Authorization: Bearer ${signed}`)).toEqual([signed])
    expect(values(`token=${unsigned} end`)).toEqual([unsigned])
  })

  it('ignores a lone base64 JSON segment and a dotted identifier', () => {
    expect(values('header eyJhbGciOiJIUzI1NiJ9 only')).toEqual([])
    expect(values('eyJhbGciOiJIUzI1NiJ9.payload.signature')).toEqual([])
  })
})
