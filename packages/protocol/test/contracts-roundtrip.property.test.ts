import { deepStrictEqual } from 'node:assert/strict'
import fc from 'fast-check'
import { describe, it } from 'vitest'
import type { z } from 'zod'
import {
  alertSchema,
  batchRequestSchema,
  batchResponseSchema,
  ERROR_CODES,
  errorBodySchema,
  evaluationResultSchema,
  verdictSchema,
  webhookPayloadSchema,
} from '../src/index.js'
import {
  alertArbitrary,
  evaluationArbitrary,
  eventArbitrary,
  issueArbitrary,
  timestampArbitrary,
  verdictArbitrary,
} from './arbitraries.js'

const roundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value))

/** Asserts the schema accepts every generated value and that JSON serialize → parse keeps it. */
function keepsThroughJson<T>(schema: z.ZodType, values: fc.Arbitrary<T>, numRuns = 200): void {
  fc.assert(
    fc.property(values, (value) => {
      const parsed = schema.parse(value)
      // node's deepStrictEqual: vitest's toStrictEqual trips over a (legal) key named "constructor".
      deepStrictEqual(schema.parse(roundTrip(parsed)), parsed)
    }),
    { numRuns },
  )
}

const eventResult = fc.record(
  {
    index: fc.nat(),
    id: fc.string({ maxLength: 40 }),
    status: fc.constantFrom('accepted', 'duplicate', 'rejected'),
    errors: fc.array(issueArbitrary, { maxLength: 3 }),
  },
  { requiredKeys: ['index', 'status'] },
)

describe('every wire contract survives serialize → parse unchanged (property)', () => {
  it('evaluation results', () => keepsThroughJson(evaluationResultSchema, evaluationArbitrary))

  it('verdicts, with evaluations and anomalies', () =>
    keepsThroughJson(verdictSchema, verdictArbitrary))

  it('batch requests', () =>
    keepsThroughJson(
      batchRequestSchema,
      fc.record(
        {
          events: fc.array(eventArbitrary, { minLength: 1, maxLength: 5 }),
          sentAt: timestampArbitrary,
        },
        { requiredKeys: ['events'] },
      ),
      50,
    ))

  it('batch responses with per-event results', () =>
    keepsThroughJson(
      batchResponseSchema,
      fc.record({
        accepted: fc.nat(),
        duplicates: fc.nat(),
        rejected: fc.nat(),
        results: fc.array(eventResult, { maxLength: 8 }),
      }),
    ))

  it('alerts', () => keepsThroughJson(alertSchema, alertArbitrary))

  it('webhook payloads of every type', () =>
    keepsThroughJson(
      webhookPayloadSchema,
      fc.oneof(
        fc.record({
          type: fc.constant('alert.created' as const),
          timestamp: timestampArbitrary,
          data: fc.record({ projectId: fc.string({ minLength: 1 }), alert: alertArbitrary }),
        }),
        fc.record({
          type: fc.constant('verdict.unsafe' as const),
          timestamp: timestampArbitrary,
          data: fc.record({ projectId: fc.string({ minLength: 1 }), verdict: verdictArbitrary }),
        }),
        fc.record({
          type: fc.constant('webhook.test' as const),
          timestamp: timestampArbitrary,
          data: fc.record({
            projectId: fc.string({ minLength: 1 }),
            message: fc.string({ maxLength: 1024 }),
          }),
        }),
      ),
    ))

  it('error bodies', () =>
    keepsThroughJson(
      errorBodySchema,
      fc.record({
        error: fc.record(
          {
            code: fc.constantFrom(...ERROR_CODES),
            message: fc.string({ minLength: 1, maxLength: 4096 }),
            details: fc.record(
              {
                issues: fc.array(issueArbitrary, { maxLength: 3 }),
                retryAfterSeconds: fc.nat(),
                limit: fc.nat(),
              },
              { requiredKeys: [] },
            ),
          },
          { requiredKeys: ['code', 'message'] },
        ),
      }),
    ))
})
