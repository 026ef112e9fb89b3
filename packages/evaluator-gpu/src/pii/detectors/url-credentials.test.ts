import { describe, expect, it } from 'vitest'
import { detectUrlCredentials } from './url-credentials.js'

const values = (text: string): string[] =>
  detectUrlCredentials(text).map((s) => text.slice(s.start, s.end))

describe('detectUrlCredentials', () => {
  it('covers the user:password part of a URL', () => {
    expect(values('DATABASE_URL=postgres://app:s3cr3t-P4ss@db.internal:5432/app')).toEqual([
      'app:s3cr3t-P4ss',
    ])
    expect(values('git clone https://bot:ghtoken123@github.com/x/y')).toEqual(['bot:ghtoken123'])
  })

  it('ignores placeholders, URLs without a password and e-mail-like paths', () => {
    expect(values('postgres://user:${DB_PASSWORD}@db/app')).toEqual([])
    expect(values('redis://default:<password>@cache:6379')).toEqual([])
    expect(values('amqp://guest:****@mq')).toEqual([])
    expect(values('https://user@example.com/path')).toEqual([])
    expect(values('see https://example.com/a:b@c')).toEqual([])
  })
})
