import type { Anomaly } from '@anansi/protocol'
import type { DetectorStateRow } from '@anansi/store'
import type { DetectorSettings } from './detector-settings.js'
import { MetricDetector } from './metric-detector.js'
import type { Observation } from './observations.js'

/** Keys are joined with NUL, which cannot occur in a project id (uuid) or a stored model name. */
const modelKey = (projectId: string, model: string): string => `${projectId}\u0000${model}`

interface ModelDetectors {
  projectId: string
  model: string
  partition: number
  metrics: Map<string, MetricDetector>
  dirty: Set<string>
}

/**
 * Every detector this processor owns, grouped by (project, model) — the unit a bus partition
 * carries. A model's detectors are restored from their checkpoint before its first event and
 * forgotten when its partition goes away or a batch fails, so in-memory state never runs ahead of
 * what was committed with the verdicts.
 */
export class DetectorBank {
  private readonly models = new Map<string, ModelDetectors>()

  constructor(private readonly settings: DetectorSettings) {}

  /** Whether the model's detectors are in memory (otherwise restore them first). */
  has(projectId: string, model: string): boolean {
    return this.models.has(modelKey(projectId, model))
  }

  /** Installs a model's detectors from its checkpoint rows (none for a new model). */
  restore(projectId: string, model: string, partition: number, rows: readonly DetectorStateRow[]) {
    const metrics = new Map<string, MetricDetector>()
    const byMetric = new Map<string, DetectorStateRow[]>()
    for (const row of rows) byMetric.set(row.metric, [...(byMetric.get(row.metric) ?? []), row])
    for (const [metric, saved] of byMetric)
      metrics.set(metric, new MetricDetector(model, metric, this.settings, saved))
    this.models.set(modelKey(projectId, model), {
      projectId,
      model,
      partition,
      metrics,
      dirty: new Set(),
    })
  }

  /** Feeds one event's observations to its model's detectors; returns the anomalies raised. */
  observe(
    projectId: string,
    model: string,
    observations: readonly Observation[],
    detectedAt: string,
  ): Anomaly[] {
    const entry = this.models.get(modelKey(projectId, model))
    if (entry === undefined) throw new Error(`detectors of ${projectId}/${model} not restored`)
    const anomalies: Anomaly[] = []
    for (const { metric, value, kind } of observations) {
      let detector = entry.metrics.get(metric)
      if (detector === undefined) {
        detector = new MetricDetector(model, metric, this.settings)
        entry.metrics.set(metric, detector)
      }
      anomalies.push(...detector.observe(value, kind, detectedAt))
      entry.dirty.add(metric)
    }
    return anomalies
  }

  /**
   * Checkpoint rows of the project's detectors on one partition changed since the last `markSaved`.
   * Scoped to the partition because partitions run concurrently and another one's batch may not
   * have committed yet.
   */
  changed(projectId: string, partition: number): DetectorStateRow[] {
    const rows: DetectorStateRow[] = []
    for (const entry of this.models.values()) {
      if (entry.projectId !== projectId || entry.partition !== partition) continue
      for (const metric of entry.dirty) {
        const detector = entry.metrics.get(metric)
        if (detector === undefined) continue
        for (const row of detector.checkpoint()) rows.push({ model: entry.model, metric, ...row })
      }
    }
    return rows
  }

  /** Clears the changed marks of the project's detectors on a partition once committed. */
  markSaved(projectId: string, partition: number): void {
    for (const entry of this.models.values())
      if (entry.projectId === projectId && entry.partition === partition) entry.dirty.clear()
  }

  /** Drops the detectors of models carried by these partitions (revoked, or their batch failed). */
  forgetPartitions(partitions: ReadonlySet<number>): void {
    for (const [key, entry] of this.models)
      if (partitions.has(entry.partition)) this.models.delete(key)
  }

  /** How many models have detectors in memory (metrics, tests). */
  get size(): number {
    return this.models.size
  }
}
