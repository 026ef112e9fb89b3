import type { AlertRule, Anomaly } from '@anansi/protocol'
import type { NewAlert, RuleFiring } from '@anansi/store'
import type { Observation } from '../anomaly/observations.js'
import { RateWindow } from './rate-window.js'

/** One decided event as the rules see it. */
export interface RuleInput {
  partition: number
  model: string
  eventId: string
  /** When the platform received the event (ms): the clock for windows and cooldowns. */
  at: number
  observations: readonly Observation[]
  anomalies: readonly Anomaly[]
}

/** Where cooldowns resume from: the newest stored alert of each (rule, model). */
export type LastFirings = (
  ruleIds: readonly string[],
  models: readonly string[],
) => Promise<readonly RuleFiring[]>

interface RuleModelState {
  partition: number
  lastFiredAt?: number
  window?: RateWindow
}

const COMPARE = {
  gt: (a: number, b: number) => a > b,
  gte: (a: number, b: number) => a >= b,
  lt: (a: number, b: number) => a < b,
  lte: (a: number, b: number) => a <= b,
} as const

const OPERATOR_TEXT = { gt: '>', gte: '≥', lt: '<', lte: '≤' } as const

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(3)
}

function applies(rule: AlertRule, model: string): boolean {
  return rule.enabled && (rule.model === undefined || rule.model === model)
}

function stateKey(ruleId: string, model: string): string {
  return `${ruleId}\u0000${model}`
}

/**
 * Turns a project's alert rules and one event's observations and anomalies into alerts. Keeps the
 * cooldowns and rate windows per (rule, model) in memory; cooldowns are seeded from the stored
 * alerts (`restore`) whenever a (rule, model) has no state here, so a restarted processor or the
 * member that takes over a partition does not fire again inside a cooldown. The dedupe key is the
 * rule and the event, so a re-delivered event can never raise a second alert for the same rule.
 */
export class RuleEngine {
  private readonly state = new Map<string, RuleModelState>()

  /**
   * Loads the cooldown start of every (rule, model) that applies, has a cooldown and has no state
   * yet, with one query. Call before `evaluate` for a batch's models; states it creates belong to `partition`.
   */
  async restore(
    rules: readonly AlertRule[],
    models: readonly string[],
    partition: number,
    lastFirings: LastFirings,
  ): Promise<void> {
    const missing = rules.flatMap((rule) =>
      models
        .filter(
          (model) =>
            rule.cooldownSeconds > 0 &&
            applies(rule, model) &&
            !this.state.has(stateKey(rule.id, model)),
        )
        .map((model) => ({ ruleId: rule.id, model })),
    )
    if (missing.length === 0) return
    const firings = await lastFirings(
      [...new Set(missing.map((m) => m.ruleId))],
      [...new Set(missing.map((m) => m.model))],
    )
    const latest = new Map(
      firings.map((f) => [stateKey(f.ruleId.toLowerCase(), f.model), f.at.getTime()]),
    )
    for (const { ruleId, model } of missing) {
      const at = latest.get(stateKey(ruleId.toLowerCase(), model))
      this.state.set(stateKey(ruleId, model), {
        partition,
        ...(at === undefined ? {} : { lastFiredAt: at }),
      })
    }
  }

  /** Alerts the event raises under `rules` (disabled rules and other models' rules are skipped). */
  evaluate(rules: readonly AlertRule[], input: RuleInput): NewAlert[] {
    const alerts: NewAlert[] = []
    for (const rule of rules) {
      if (!applies(rule, input.model)) continue
      const fired = this.check(rule, input)
      if (fired === undefined) continue
      const state = this.stateOf(rule, input)
      if (
        state.lastFiredAt !== undefined &&
        input.at - state.lastFiredAt < rule.cooldownSeconds * 1000
      )
        continue
      state.lastFiredAt = input.at
      alerts.push({
        dedupeKey: `rule:${rule.id}:event:${input.eventId}`,
        ruleId: rule.id,
        severity: rule.severity,
        metric: rule.metric,
        model: input.model,
        value: fired.value,
        message: `${rule.name}: ${fired.message} on ${input.model}`,
        eventId: input.eventId,
        ...(fired.anomaly === undefined ? {} : { anomaly: fired.anomaly }),
        createdAt: new Date(input.at).toISOString(),
      })
    }
    return alerts
  }

  /** Forgets cooldowns and windows of models on these partitions (revoked, or a batch failed). */
  forgetPartitions(partitions: ReadonlySet<number>): void {
    for (const [key, state] of this.state)
      if (partitions.has(state.partition)) this.state.delete(key)
  }

  private stateOf(rule: AlertRule, input: RuleInput): RuleModelState {
    const key = stateKey(rule.id, input.model)
    let state = this.state.get(key)
    if (state === undefined) {
      state = { partition: input.partition }
      this.state.set(key, state)
    }
    return state
  }

  private check(
    rule: AlertRule,
    input: RuleInput,
  ): { value: number; message: string; anomaly?: Anomaly } | undefined {
    const { condition } = rule
    if (condition.type === 'zscore') {
      const anomaly = input.anomalies.find(
        (a) => a.metric === rule.metric && Math.abs(a.zScore) >= condition.threshold,
      )
      if (anomaly === undefined) return undefined
      return {
        value: anomaly.value,
        anomaly,
        message: `${rule.metric} = ${round(anomaly.value)} is ${round(anomaly.zScore)} σ from its ${anomaly.method === 'zscore' ? 'mean' : 'median'} ${round(anomaly.baseline)}`,
      }
    }
    const observation = input.observations.find((o) => o.metric === rule.metric)
    if (observation === undefined) return undefined
    if (condition.type === 'threshold') {
      if (!COMPARE[condition.operator](observation.value, condition.value)) return undefined
      return {
        value: observation.value,
        message: `${rule.metric} = ${round(observation.value)} ${OPERATOR_TEXT[condition.operator]} ${round(condition.value)}`,
      }
    }
    const state = this.stateOf(rule, input)
    state.window ??= new RateWindow(condition.windowSeconds * 1000)
    const hit =
      observation.kind === 'rate' ? observation.value >= 0.5 : observation.flagged === true
    const { total, hits } = state.window.add(input.at, hit)
    if (total < condition.minEvents || hits / total < condition.rate) return undefined
    return {
      value: hits / total,
      message: `${rule.metric}: ${hits} of the last ${total} events in ${condition.windowSeconds} s (${round((100 * hits) / total)}% ≥ ${round(100 * condition.rate)}%)`,
    }
  }
}
