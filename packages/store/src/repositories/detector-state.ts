import type { DetectorMethod } from '@anansi/protocol'
import { and, eq, inArray, sql } from 'drizzle-orm'
import type { Database } from '../drivers/database.js'
import { wrapQueryError } from '../errors.js'
import { toStorable, toStorableText } from '../sanitize.js'
import { detectorState } from '../schema/index.js'
import { inSlices } from '../chunks.js'

/** The checkpoint of one anomaly detector of a project: per model, metric and method. */
export interface DetectorStateRow {
  model: string
  metric: string
  method: DetectorMethod
  /** Whatever the detector needs to resume (mean, variance, window…); opaque to the store. */
  state: Record<string, unknown>
  samples: number
}

/** Loads the project's detector checkpoints for these models (a partition's models on assignment). */
export async function loadDetectorStates(
  db: Database,
  projectId: string,
  models: readonly string[],
): Promise<DetectorStateRow[]> {
  if (models.length === 0) return []
  try {
    return await db
      .select({
        model: detectorState.model,
        metric: detectorState.metric,
        method: detectorState.method,
        state: detectorState.state,
        samples: detectorState.samples,
      })
      .from(detectorState)
      .where(
        and(
          eq(detectorState.projectId, projectId),
          inArray(detectorState.model, [...new Set(models.map((model) => toStorableText(model)))]),
        ),
      )
  } catch (cause) {
    throw wrapQueryError('load detector states', cause)
  }
}

/**
 * Writes detector checkpoints, replacing the stored ones. When a key repeats in one call the last
 * copy wins (Postgres refuses to update one row twice in a statement).
 */
export async function saveDetectorStates(
  tx: Database,
  projectId: string,
  states: readonly DetectorStateRow[],
): Promise<void> {
  const latest = new Map(
    states
      .map((row) => ({ ...toStorable(row), projectId }))
      .map((row) => [JSON.stringify([row.model, row.metric, row.method]), row]),
  )
  await inSlices([...latest.values()], (slice) =>
    tx
      .insert(detectorState)
      .values(slice)
      .onConflictDoUpdate({
        target: [
          detectorState.projectId,
          detectorState.model,
          detectorState.metric,
          detectorState.method,
        ],
        set: {
          state: sql`excluded.state`,
          samples: sql`excluded.samples`,
          updatedAt: sql`now()`,
        },
      })
      .returning({ model: detectorState.model }),
  )
}
