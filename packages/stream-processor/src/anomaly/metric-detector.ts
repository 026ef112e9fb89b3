import type { Anomaly, DetectorMethod } from '@anansi/protocol'
import { z } from 'zod'
import { DecayedZScore, decayedStateSchema, type Scored } from './decayed-zscore.js'
import { spreadFloor, type DetectorSettings } from './detector-settings.js'
import { RobustZScore, robustStateSchema } from './robust-zscore.js'

/** Events of a rate metric seen since its last observation (carried in every checkpoint row). */
const pendingRateSchema = z.strictObject({ count: z.int().nonnegative(), sum: z.number() })

/** One checkpoint row: the method's statistics plus the pending rate chunk. */
export interface MethodCheckpoint {
  method: DetectorMethod
  state: Record<string, unknown>
  samples: number
}

type Statistic = DecayedZScore | RobustZScore

/**
 * The detectors of one (project, model, metric): one statistic per configured method, and for
 * rate metrics the chunk being filled. Restoring from a checkpoint gives the same answers as never
 * having stopped.
 */
export class MetricDetector {
  private readonly statistics = new Map<DetectorMethod, Statistic>()
  private pending = { count: 0, sum: 0 }

  constructor(
    readonly model: string,
    readonly metric: string,
    private readonly settings: DetectorSettings,
    checkpoint: readonly MethodCheckpoint[] = [],
  ) {
    const floor = spreadFloor(metric)
    for (const method of settings.methods) {
      const saved = checkpoint.find((row) => row.method === method)?.state
      if (method === 'zscore') {
        const state = decayedStateSchema.safeParse(saved)
        this.statistics.set(
          method,
          new DecayedZScore(settings.halfLife, floor, state.success ? state.data : undefined),
        )
      } else {
        const state = robustStateSchema.safeParse(saved)
        this.statistics.set(
          method,
          new RobustZScore(settings.robustWindow, floor, state.success ? state.data : undefined),
        )
      }
      const pending = z.object({ pending: pendingRateSchema }).safeParse(saved)
      if (pending.success) this.pending = pending.data.pending
    }
  }

  /**
   * Feeds one event's value (a rate metric's 0/1 goes into the current chunk first) and returns the
   * anomalies it raised, if any.
   */
  observe(value: number, kind: 'value' | 'rate', detectedAt: string): Anomaly[] {
    if (!Number.isFinite(value)) return []
    if (kind === 'rate') {
      this.pending = { count: this.pending.count + 1, sum: this.pending.sum + value }
      if (this.pending.count < this.settings.rateChunk) return []
      value = this.pending.sum / this.pending.count
      this.pending = { count: 0, sum: 0 }
    }
    const anomalies: Anomaly[] = []
    for (const [method, statistic] of this.statistics) {
      const scored: Scored = statistic.observe(value)
      if (scored.samples < this.settings.minSamples) continue
      if (Math.abs(scored.zScore) < this.settings.threshold) continue
      anomalies.push({
        metric: this.metric,
        model: this.model,
        method,
        value,
        baseline: scored.baseline,
        spread: scored.spread,
        zScore: scored.zScore,
        threshold: this.settings.threshold,
        samples: scored.samples,
        detectedAt,
      })
    }
    return anomalies
  }

  /** One row per method, ready for `detector_state`. */
  checkpoint(): MethodCheckpoint[] {
    return [...this.statistics].map(([method, statistic]) => {
      const snapshot = statistic.snapshot()
      return { method, state: { ...snapshot, pending: this.pending }, samples: snapshot.samples }
    })
  }
}
