import { evaluationResultSchema } from '@anansi/protocol'
import { describe, expect, it } from 'vitest'
import { EvaluatorError } from '../errors.js'
import { type EvaluationInput } from '../evaluator.js'
import { PiiEvaluator, countScore } from './pii-evaluator.js'
import { PII_SEVERITY } from './severity.js'
import { PII_ENTITY_TYPES } from './types.js'

const input = (text: string): EvaluationInput => ({ text, target: 'output' })

describe('PiiEvaluator', () => {
  it('reports the worst entity, per-type scores and spans in a valid result', async () => {
    const evaluator = new PiiEvaluator()
    const [result] = await evaluator.evaluate([
      input('mail a@b.co or c@d.co, card 4111 1111 1111 1111'),
    ])
    expect(evaluationResultSchema.parse(result)).toEqual(result)
    expect(result).toMatchObject({
      evaluator: 'pii',
      modelId: 'pii-rules',
      modelVersion: '1.0.0',
      tier: 'rule',
      target: 'output',
      score: PII_SEVERITY.CREDIT_CARD,
      label: 'CREDIT_CARD',
      threshold: 0.5,
      flagged: true,
    })
    expect(result?.labels).toMatchObject({ EMAIL: 0.75, CREDIT_CARD: 0.5, PHONE: 0 })
    expect(result?.spans?.map((s) => s.label)).toEqual(['EMAIL', 'EMAIL', 'CREDIT_CARD'])
    expect(result?.latencyMs).toBeGreaterThanOrEqual(0)
  })

  it('scores clean and empty text 0 with label none, in input order', async () => {
    const results = await new PiiEvaluator().evaluate([
      input(''),
      input('hello there'),
      input('ip 8.8.4.4'),
    ])
    expect(results.map((r) => [r.score, r.label, r.flagged, r.spans?.length])).toEqual([
      [0, 'none', false, 0],
      [0, 'none', false, 0],
      [PII_SEVERITY.IP_ADDRESS, 'IP_ADDRESS', true, 1],
    ])
  })

  it('limits labels to the configured entity types', async () => {
    const [result] = await new PiiEvaluator({ entities: ['EMAIL'] }).evaluate([
      input('a@b.co 8.8.4.4'),
    ])
    expect(result?.labels).toEqual({ EMAIL: 0.5 })
    expect(result?.label).toBe('EMAIL')
  })

  it('keeps at most 1024 spans and says the list was truncated', async () => {
    const [result] = await new PiiEvaluator().evaluate([input('a@b.co '.repeat(1100))])
    expect(result?.spans).toHaveLength(1024)
    expect(result?.truncated).toBe(true)
    expect(evaluationResultSchema.safeParse(result).success).toBe(true)
  })

  it.each([
    ['a number as text', { text: 42, target: 'input' }],
    ['a missing text', { target: 'input' }],
    ['a null input', null],
  ])('rejects %s with invalid_input', async (_, bad) => {
    const inputs = [bad] as unknown as EvaluationInput[]
    const error: unknown = await new PiiEvaluator().evaluate(inputs).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(EvaluatorError)
    expect((error as EvaluatorError).code).toBe('invalid_input')
  })

  it('refuses work after close, and close is safe to call twice', async () => {
    const evaluator = new PiiEvaluator()
    await evaluator.close()
    await evaluator.close()
    await expect(evaluator.evaluate([input('x')])).rejects.toMatchObject({ code: 'closed' })
  })

  it('orders PII_ENTITY_TYPES by severity, so the first type found is the worst', () => {
    const weights = PII_ENTITY_TYPES.map((type) => PII_SEVERITY[type])
    expect(weights).toEqual([...weights].sort((a, b) => b - a))
    expect(Math.min(...weights)).toBeGreaterThanOrEqual(0.5)
  })

  it('maps counts to label scores that start at the threshold and approach 1', () => {
    expect([0, 1, 2, 3].map(countScore)).toEqual([0, 0.5, 0.75, 0.875])
  })
})
