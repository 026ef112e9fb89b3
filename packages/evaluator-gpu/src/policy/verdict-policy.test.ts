import type { EvaluationResult } from '@anansi/protocol'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decide, DEFAULT_POLICY, verdictPolicySchema } from './verdict-policy.js'

const result = (
  evaluator: string,
  score: number,
  flagged: boolean,
  tier: EvaluationResult['tier'] = 'lexical',
): EvaluationResult => ({
  evaluator,
  modelId: `${evaluator}-m`,
  modelVersion: '1',
  tier,
  target: 'output',
  score,
  label: flagged ? 'bad' : 'none',
  threshold: 0.5,
  flagged,
  latencyMs: 0.1,
})

describe('verdict policy', () => {
  it('blocks on a flagged blocking evaluator and names it as the reason', () => {
    const d = decide(DEFAULT_POLICY, [result('toxicity', 0.9, true), result('pii', 0, false)])
    expect(d).toMatchObject({ safe: false, action: 'block', score: 0.9, policy: 'default' })
    expect(d.reasons.map((r) => r.evaluator)).toEqual(['toxicity'])
  })

  it('records hallucination and refusal without blocking by default', () => {
    expect(
      decide(DEFAULT_POLICY, [result('hallucination', 0.95, true), result('refusal', 0.99, true)])
        .safe,
    ).toBe(true)
  })

  it('applies per-evaluator threshold overrides and disabled evaluators', () => {
    const policy = verdictPolicySchema.parse({
      evaluators: { toxicity: { threshold: 0.95 }, jailbreak: { enabled: false } },
    })
    expect(decide(policy, [result('toxicity', 0.9, true)]).safe).toBe(true)
    expect(decide(policy, [result('toxicity', 0.96, false)]).safe).toBe(false)
    expect(decide(policy, [result('jailbreak', 1, true)]).safe).toBe(true)
  })

  it('lets only the chosen tier gate (rule-based PII always counts)', () => {
    const lexicalOnly = verdictPolicySchema.parse({ gatingTier: 'lexical' })
    expect(decide(lexicalOnly, [result('jailbreak', 0.9, true, 'semantic')]).safe).toBe(true)
    expect(decide(lexicalOnly, [result('pii', 1, true, 'rule')]).safe).toBe(false)
  })

  it('is unsafe exactly when some counted blocking result is flagged (property)', () => {
    const names = ['toxicity', 'jailbreak', 'hallucination', 'custom_x']
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            name: fc.constantFrom(...names),
            score: fc.double({ min: 0, max: 1, noNaN: true }),
            flagged: fc.boolean(),
          }),
        ),
        (rows) => {
          const d = decide(
            DEFAULT_POLICY,
            rows.map((r) => result(r.name, r.score, r.flagged)),
          )
          const expected = rows.some((r) => r.flagged && r.name !== 'hallucination')
          expect(d.safe).toBe(!expected)
          expect(d.score).toBeGreaterThanOrEqual(0)
          expect(d.score).toBeLessThanOrEqual(1)
        },
      ),
    )
  })
})
