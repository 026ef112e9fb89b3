import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { OutgoingMessage } from '../messages.js'
import { chunkBySize } from './kafka-producer.js'

describe('chunkBySize', () => {
  it('keeps every message, in order, in chunks under the limit unless a message alone exceeds it', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ key: fc.string({ maxLength: 20 }), value: fc.string({ maxLength: 3_000 }) }),
          { maxLength: 200 },
        ),
        fc.integer({ min: 100, max: 20_000 }),
        (messages: OutgoingMessage[], limit) => {
          const chunks = chunkBySize(messages, limit)
          expect(chunks.flat()).toEqual(messages)
          for (const chunk of chunks) {
            expect(chunk.length).toBeGreaterThan(0)
            const bytes = chunk.reduce(
              (sum, m) => sum + 64 + Buffer.byteLength(m.key) + Buffer.byteLength(String(m.value)),
              0,
            )
            if (chunk.length > 1) expect(bytes).toBeLessThanOrEqual(limit)
          }
        },
      ),
    )
  })
})
