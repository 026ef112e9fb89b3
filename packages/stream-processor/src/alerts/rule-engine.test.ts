import type { AlertRule, Anomaly } from '@anansi/protocol'
import { describe, expect, it } from 'vitest'
import type { Observation } from '../anomaly/observations.js'
import { RuleEngine, type LastFirings, type RuleInput } from './rule-engine.js'

const RULE_ID = '0190a5b0-0000-7000-8000-000000000001'
const MINUTE = 60_000

function rule(overrides: Partial<AlertRule> = {}): AlertRule {
  return {
    id: RULE_ID,
    name: 'rule',
    metric: 'latency_ms',
    condition: { type: 'threshold', operator: 'gt', value: 1_000 },
    severity: 'high',
    cooldownSeconds: 0,
    channels: [],
    enabled: true,
    ...overrides,
  }
}

function anomaly(metric: string, zScore: number): Anomaly {
  return {
    metric,
    model: 'm',
    method: 'zscore',
    value: 100 + 10 * zScore,
    baseline: 100,
    spread: 10,
    zScore,
    threshold: 3,
    samples: 500,
    detectedAt: new Date(0).toISOString(),
  }
}

let sequence = 0
function input(
  at: number,
  observations: readonly Observation[],
  anomalies: readonly Anomaly[] = [],
  model = 'm',
): RuleInput {
  sequence += 1
  return { partition: 0, model, eventId: `event-${sequence}`, at, observations, anomalies }
}

const latency = (value: number): Observation[] => [{ metric: 'latency_ms', value, kind: 'value' }]
const unsafe = (isUnsafe: boolean): Observation[] => [
  { metric: 'unsafe_rate', value: isUnsafe ? 1 : 0, kind: 'rate' },
]

describe('RuleEngine conditions', () => {
  it('fires a zscore rule only on an anomaly of its metric at or above its threshold', () => {
    const engine = new RuleEngine()
    const rules = [rule({ condition: { type: 'zscore', threshold: 4 } })]
    expect(engine.evaluate(rules, input(0, latency(130), [anomaly('latency_ms', 3.5)]))).toEqual([])
    expect(engine.evaluate(rules, input(1, latency(150), [anomaly('output_tokens', 9)]))).toEqual(
      [],
    )
    const [alert, ...rest] = engine.evaluate(
      rules,
      input(2, latency(50), [anomaly('latency_ms', -5)]),
    )
    expect(rest).toEqual([])
    expect(alert?.anomaly?.zScore).toBe(-5)
    expect(alert?.value).toBe(50)
    expect(alert?.message).toContain('-5 σ from its mean 100')
    expect(alert?.dedupeKey).toBe(`rule:${RULE_ID}:event:event-${sequence}`)
  })

  it('fires a threshold rule by its operator', () => {
    const engine = new RuleEngine()
    const rules = [rule({ condition: { type: 'threshold', operator: 'gte', value: 1_000 } })]
    expect(engine.evaluate(rules, input(0, latency(999)))).toHaveLength(0)
    expect(engine.evaluate(rules, input(1, latency(1_000)))).toHaveLength(1)
  })

  it('fires a rate rule once the share of hits over the window reaches the rate', () => {
    const engine = new RuleEngine()
    const rules = [
      rule({
        metric: 'unsafe_rate',
        condition: { type: 'rate', rate: 0.5, windowSeconds: 60, minEvents: 4 },
      }),
    ]
    // 3 of 3 unsafe: above the rate, but fewer events than minEvents.
    for (let i = 0; i < 3; i += 1)
      expect(engine.evaluate(rules, input(i * 1_000, unsafe(true)))).toEqual([])
    const [fired] = engine.evaluate(rules, input(3_000, unsafe(false))) // 3 of 4
    expect(fired?.value).toBe(0.75)
    expect(fired?.message).toContain('3 of the last 4 events in 60 s')
  })

  it('judges a rate rule over the window only: old hits slide out', () => {
    const engine = new RuleEngine()
    const rules = [
      rule({
        metric: 'unsafe_rate',
        condition: { type: 'rate', rate: 0.5, windowSeconds: 60, minEvents: 4 },
      }),
    ]
    for (let i = 0; i < 3; i += 1) engine.evaluate(rules, input(i * 1_000, unsafe(true)))
    // Two minutes later the early hits are gone: 1 of 4 recent events is unsafe.
    const later = 2 * MINUTE
    for (let i = 0; i < 3; i += 1)
      expect(engine.evaluate(rules, input(later + i * 1_000, unsafe(false)))).toEqual([])
    expect(engine.evaluate(rules, input(later + 3_000, unsafe(true)))).toEqual([])
  })

  it('counts flagged evaluator results for a rate rule on a score metric', () => {
    const engine = new RuleEngine()
    const metric = 'evaluator.toxicity.score'
    const rules = [
      rule({ metric, condition: { type: 'rate', rate: 1, windowSeconds: 60, minEvents: 2 } }),
    ]
    const score = (flagged: boolean): Observation[] => [
      { metric, value: 0.2, kind: 'value', flagged },
    ]
    expect(engine.evaluate(rules, input(0, score(true)))).toEqual([])
    expect(engine.evaluate(rules, input(1, score(true)))).toHaveLength(1)
  })

  it('skips disabled rules and rules for another model', () => {
    const engine = new RuleEngine()
    expect(engine.evaluate([rule({ enabled: false })], input(0, latency(5_000)))).toEqual([])
    expect(engine.evaluate([rule({ model: 'other' })], input(0, latency(5_000)))).toEqual([])
    expect(engine.evaluate([rule({ model: 'm' })], input(0, latency(5_000)))).toHaveLength(1)
  })
})

describe('RuleEngine cooldowns', () => {
  const cooled = [rule({ cooldownSeconds: 300 })]

  it('suppresses a rule inside its cooldown and fires again after it', () => {
    const engine = new RuleEngine()
    expect(engine.evaluate(cooled, input(0, latency(5_000)))).toHaveLength(1)
    expect(engine.evaluate(cooled, input(1_000, latency(5_000)))).toEqual([])
    expect(engine.evaluate(cooled, input(299_999, latency(5_000)))).toEqual([])
    expect(engine.evaluate(cooled, input(300_000, latency(5_000)))).toHaveLength(1)
    expect(engine.evaluate(cooled, input(300_001, latency(5_000)))).toEqual([])
  })

  it('keeps one cooldown per model', () => {
    const engine = new RuleEngine()
    expect(engine.evaluate(cooled, input(0, latency(5_000), [], 'a'))).toHaveLength(1)
    expect(engine.evaluate(cooled, input(1, latency(5_000), [], 'b'))).toHaveLength(1)
    expect(engine.evaluate(cooled, input(2, latency(5_000), [], 'a'))).toEqual([])
  })

  it('a restarted engine resumes the cooldown from the stored firings', async () => {
    const asked: { ruleIds: readonly string[]; models: readonly string[] }[] = []
    const stored: LastFirings = (ruleIds, models) => {
      asked.push({ ruleIds, models })
      // The store answers ids in lowercase whatever case the rule was written in.
      return Promise.resolve([{ ruleId: RULE_ID.toLowerCase(), model: 'a', at: new Date(10_000) }])
    }
    const engine = new RuleEngine()
    await engine.restore(cooled, ['a', 'b'], 0, stored)
    expect(asked).toEqual([{ ruleIds: [RULE_ID], models: ['a', 'b'] }])
    expect(engine.evaluate(cooled, input(20_000, latency(5_000), [], 'a'))).toEqual([])
    expect(engine.evaluate(cooled, input(20_000, latency(5_000), [], 'b'))).toHaveLength(1)
    expect(engine.evaluate(cooled, input(310_000, latency(5_000), [], 'a'))).toHaveLength(1)
    // Everything is known now: no second query.
    await engine.restore(cooled, ['a', 'b'], 0, stored)
    expect(asked).toHaveLength(1)
  })

  it('asks the store again for partitions it forgot (taken over, or a batch failed)', async () => {
    let firings = 0
    const stored: LastFirings = () => {
      firings += 1
      return Promise.resolve([{ ruleId: RULE_ID, model: 'a', at: new Date(0) }])
    }
    const engine = new RuleEngine()
    await engine.restore(cooled, ['a'], 3, stored)
    engine.forgetPartitions(new Set([1]))
    await engine.restore(cooled, ['a'], 3, stored)
    expect(firings).toBe(1)
    engine.forgetPartitions(new Set([3]))
    await engine.restore(cooled, ['a'], 3, stored)
    expect(firings).toBe(2)
    expect(engine.evaluate(cooled, input(1_000, latency(5_000), [], 'a'))).toEqual([])
  })

  it('does not query for rules that cannot apply', async () => {
    const engine = new RuleEngine()
    const never: LastFirings = () => Promise.reject(new Error('should not be asked'))
    const rules = [rule({ enabled: false }), rule({ model: 'x' }), rule({ cooldownSeconds: 0 })]
    await engine.restore(rules, ['a'], 0, never)
    await engine.restore(cooled, [], 0, never)
  })
})
