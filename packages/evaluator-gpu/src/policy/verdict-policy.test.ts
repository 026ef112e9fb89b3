import type { EvaluationResult } from '@anansi/protocol'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { toEvaluationResult } from '../runtime/classifier-result.js'
import {
  decide,
  DEFAULT_POLICY,
  flaggedUnder,
  ruleFor,
  verdictPolicySchema,
} from './verdict-policy.js'

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

  it('keeps the default for evaluators and fields a project policy leaves out', () => {
    const partial = verdictPolicySchema.parse({
      name: 'support-bot',
      evaluators: { toxicity: { threshold: 0.6 }, refusal: { threshold: 0.9 } },
    })
    // Neither naming toxicity nor moving refusal's threshold makes hallucination or refusal block.
    expect(
      decide(partial, [result('hallucination', 0.99, true), result('refusal', 0.99, true)]).safe,
    ).toBe(true)
    expect(ruleFor(partial, 'bias')).toMatchObject({ enabled: true, blocks: true })
    expect(ruleFor(partial, 'refusal')).toMatchObject({ blocks: false, threshold: 0.9 })
    expect(ruleFor(partial, 'custom_x')).toMatchObject({ enabled: true, blocks: true })
    const loud = verdictPolicySchema.parse({ evaluators: { hallucination: { blocks: true } } })
    expect(decide(loud, [result('hallucination', 0.99, true)]).safe).toBe(false)
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

describe('per-label thresholds (multi-label results)', () => {
  const toxicity = (labels: Record<string, number>): EvaluationResult =>
    toEvaluationResult({
      evaluator: 'toxicity',
      modelId: 'toxicity-lexical',
      modelVersion: '1',
      tier: 'lexical',
      target: 'output',
      activation: 'sigmoid',
      labels: Object.keys(labels),
      primaryLabel: 'toxic',
      thresholds: { toxic: 0.42, hate: 0.61, threat: 0.66 },
      probabilities: Object.values(labels),
      latencyMs: 0.1,
      truncated: false,
    })
  const policy = (rule: Record<string, unknown>) =>
    verdictPolicySchema.parse({ evaluators: { toxicity: rule } })

  it('flags on a label whose threshold the project lowered, and not on one it raised', () => {
    const mild = toxicity({ toxic: 0.3, hate: 0.2, threat: 0.45 })
    expect(mild.flagged).toBe(false)
    expect(flaggedUnder(policy({ labelThresholds: { threat: 0.4 } }), mild)).toBe(true)
    const threat = toxicity({ toxic: 0.3, hate: 0.2, threat: 0.7 })
    expect(threat.flagged).toBe(true)
    expect(flaggedUnder(policy({ labelThresholds: { threat: 0.9 } }), threat)).toBe(false)
  })

  it('moves every label with `threshold`, and one label with `labelThresholds`', () => {
    const threat = toxicity({ toxic: 0.5, hate: 0.2, threat: 0.7 })
    expect(flaggedUnder(policy({ threshold: 0.95 }), threat)).toBe(false)
    expect(
      flaggedUnder(policy({ threshold: 0.95, labelThresholds: { threat: 0.6 } }), threat),
    ).toBe(true)
    expect(flaggedUnder(policy({ threshold: 0 }), toxicity({ toxic: 0, hate: 0, threat: 0 }))).toBe(
      true,
    )
  })

  it('agrees with the model when the overrides equal its own thresholds (property)', () => {
    fc.assert(
      fc.property(
        fc.tuple(
          fc.double({ min: 0, max: 1, noNaN: true }),
          fc.double({ min: 0, max: 1, noNaN: true }),
          fc.double({ min: 0, max: 1, noNaN: true }),
        ),
        ([toxic, hate, threat]) => {
          const r = toxicity({ toxic, hate, threat })
          const same = policy({ labelThresholds: { toxic: 0.42, hate: 0.61, threat: 0.66 } })
          expect(flaggedUnder(same, r)).toBe(r.flagged)
          expect(flaggedUnder(DEFAULT_POLICY, r)).toBe(r.flagged)
          expect(flaggedUnder(policy({ threshold: 0.5 }), r)).toBe(
            toxic >= 0.5 || hate >= 0.5 || threat >= 0.5,
          )
        },
      ),
    )
  })

  it('refuses a label threshold outside [0, 1]', () => {
    expect(() => policy({ labelThresholds: { threat: 1.5 } })).toThrow()
  })
})
