import { deepStrictEqual } from 'node:assert/strict'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { eventByteSize, eventSchema, validateBatch, validateEvent } from '../src/index.js'
import { eventArbitrary } from './arbitraries.js'

const roundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value))
// node's deepStrictEqual, not vitest's toStrictEqual: the latter compares `a.constructor`, which
// breaks on the (legal) metadata key "constructor".

describe('wire contracts, property-based', () => {
  it('accepts every generated event and keeps it unchanged through serialize → parse', () => {
    fc.assert(
      fc.property(eventArbitrary, (event) => {
        const parsed = eventSchema.parse(event)
        deepStrictEqual(eventSchema.parse(roundTrip(parsed)), parsed)
      }),
      { numRuns: 500 },
    )
  })

  it('measures event size as UTF-8 bytes of the JSON, whatever the characters', () => {
    fc.assert(
      fc.property(eventArbitrary, (event) => {
        expect(eventByteSize(event)).toBe(Buffer.byteLength(JSON.stringify(event), 'utf8'))
      }),
    )
  })

  it('never throws on arbitrary JSON: every input gets a verdict of valid or issues with paths', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        const result = validateBatch(value)
        if (!result.ok) expect(result.issues.length).toBeGreaterThan(0)
        else
          for (const item of result.items)
            if (!item.ok) expect(item.issues.length).toBeGreaterThan(0)
      }),
      { numRuns: 1000 },
    )
  })

  it('reports each bad event at its own index and keeps the good ones', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(eventArbitrary, fc.boolean()), { minLength: 1, maxLength: 20 }),
        (pairs) => {
          const events = pairs.map(([e, broken]) => (broken ? { ...e, status: 'nope' } : e))
          const result = validateBatch({ events })
          expect(result.ok).toBe(true)
          if (!result.ok) return
          result.items.forEach((item, i) => {
            expect(item.index).toBe(i)
            expect(item.ok).toBe(!pairs[i]?.[1])
            if (!item.ok) expect(item.issues[0]?.path.slice(0, 3)).toEqual(['events', i, 'status'])
          })
        },
      ),
    )
  })
})

describe('keys that JavaScript objects cannot hold', () => {
  it('refuses "__proto__" at any depth instead of silently dropping it', () => {
    const event = JSON.parse(
      '{"id":"01936d3c-7a1e-7b2c-9d4e-5f6a7b8c9d0e","timestamp":"2026-11-25T18:00:00Z","model":{"provider":"openai","name":"m"},"category":"c","input":{"type":"text","text":"x"},"status":"ok","metadata":{"a":[{"__proto__":{"polluted":true}}]}}',
    ) as unknown
    const result = validateEvent(event, 3)
    expect(result.ok).toBe(false)
    if (!result.ok)
      expect(result.issues[0]?.path).toEqual(['events', 3, 'metadata', 'a', 0, '__proto__'])
  })

  it('does not mistake the text "__proto__" inside a string for a key', () => {
    fc.assert(
      fc.property(eventArbitrary, (event) => {
        expect(
          validateEvent({ ...event, input: { type: 'text', text: '{"__proto__": 1}' } }, 0).ok,
        ).toBe(true)
      }),
      { numRuns: 50 },
    )
  })
})
