import { uuidV7Schema, uuidv7Timestamp } from '@anansi/protocol'
import { describe, expect, it } from 'vitest'
import { eventId } from './event-id.js'

describe('eventId', () => {
  it('makes RFC 9562 v7 UUIDs carrying the time', () => {
    const now = Date.parse('2026-11-25T18:00:00.123Z')
    const id = eventId(now)
    expect(uuidV7Schema.safeParse(id).success).toBe(true)
    expect(uuidv7Timestamp(id)).toBe(now)
  })

  it('stays unique and ordered within one millisecond, across pool refills', () => {
    const now = Date.now() + 10_000
    const ids = Array.from({ length: 3_000 }, () => eventId(now))
    expect(new Set(ids).size).toBe(ids.length)
    expect([...ids].sort()).toEqual(ids)
    for (const id of ids.slice(0, 50)) expect(uuidV7Schema.safeParse(id).success).toBe(true)
  })
})
