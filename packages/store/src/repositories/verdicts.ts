import type { EvaluationResult, Verdict } from '@anansi/protocol'
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import type { Database } from '../drivers/database.js'
import { wrapQueryError } from '../errors.js'
import { isUuid } from '../row-values.js'
import { toStorable } from '../sanitize.js'
import { evaluations, verdicts } from '../schema/index.js'
import type { InsertOutcome } from './events.js'
import { insertJsonRows } from '../bulk-insert.js'

function evaluationRow(
  projectId: string,
  eventId: string,
  result: EvaluationResult,
): typeof evaluations.$inferInsert {
  return {
    projectId,
    eventId,
    evaluator: result.evaluator,
    target: result.target,
    modelId: result.modelId,
    modelVersion: result.modelVersion,
    tier: result.tier,
    score: result.score,
    label: result.label,
    threshold: result.threshold,
    flagged: result.flagged,
    latencyMs: result.latencyMs,
    result,
  }
}

// Both row builders expect values already passed through toStorable.
function verdictRow(projectId: string, stored: Verdict): typeof verdicts.$inferInsert {
  return {
    projectId,
    eventId: stored.eventId,
    safe: stored.safe,
    action: stored.action,
    score: stored.score,
    decidedBy: stored.decidedBy,
    decidedAt: stored.decidedAt,
    latencyMs: stored.latencyMs,
    anomalies: stored.anomalies,
    payload: stored,
  }
}

/**
 * Inserts verdicts and the evaluations of those that are new, skipping any verdict already stored
 * for its event (or repeated in this call). Returns the newly stored verdicts, sanitised, in input
 * order. Run it inside a transaction so a verdict never lands without its evaluations.
 */
export async function insertVerdicts(
  tx: Database,
  projectId: string,
  batch: readonly Verdict[],
): Promise<Verdict[]> {
  if (batch.length === 0) return []
  const stored = batch.map((verdict) => toStorable(verdict))
  const inserted = await insertJsonRows(
    tx,
    verdicts,
    stored.map((verdict) => verdictRow(projectId, verdict)),
    ['event_id'],
  )
  // Postgres answers uuids in lowercase; the first copy of a repeated event id is the one inserted.
  const fresh = new Set(inserted.map((row) => String(row.event_id).toLowerCase()))
  const won = stored.filter((verdict) => fresh.delete(verdict.eventId.toLowerCase()))
  const rows = won.flatMap((verdict) =>
    verdict.evaluations.map((result) => evaluationRow(projectId, verdict.eventId, result)),
  )
  await insertJsonRows(tx, evaluations, rows, ['event_id'])
  return won
}

/**
 * Stores a verdict and its evaluations in one transaction, idempotently: a verdict already stored
 * for the event reports `duplicate` and nothing is written (re-delivery never adds rows).
 */
export async function recordVerdict(
  db: Database,
  projectId: string,
  verdict: Verdict,
): Promise<InsertOutcome> {
  try {
    const won = await db.transaction((tx) => insertVerdicts(tx, projectId, [verdict]))
    return won.length > 0 ? 'inserted' : 'duplicate'
  } catch (cause) {
    throw wrapQueryError('record verdict', cause)
  }
}

/** Reads the verdict of one of the project's events. */
export async function getVerdict(
  db: Database,
  projectId: string,
  eventId: string,
): Promise<Verdict | undefined> {
  try {
    const [row] = await db
      .select({ payload: verdicts.payload })
      .from(verdicts)
      .where(and(eq(verdicts.projectId, projectId), eq(verdicts.eventId, eventId)))
    return row?.payload
  } catch (cause) {
    throw wrapQueryError('get verdict', cause)
  }
}

/** Reads the verdicts of several of the project's events, keyed by lower-cased event id. */
export async function getVerdicts(
  db: Database,
  projectId: string,
  eventIds: readonly string[],
): Promise<Map<string, Verdict>> {
  const ids = [...new Set(eventIds.filter(isUuid).map((id) => id.toLowerCase()))]
  if (ids.length === 0) return new Map()
  try {
    const rows = await db
      .select({ eventId: verdicts.eventId, payload: verdicts.payload })
      .from(verdicts)
      .where(and(eq(verdicts.projectId, projectId), inArray(verdicts.eventId, ids)))
    return new Map(rows.map((row) => [row.eventId.toLowerCase(), row.payload]))
  } catch (cause) {
    throw wrapQueryError('get verdicts', cause)
  }
}

/** Lists the evaluation results of one of the project's events, by evaluator name. */
export async function listEvaluations(
  db: Database,
  projectId: string,
  eventId: string,
): Promise<EvaluationResult[]> {
  try {
    const rows = await db
      .select({ result: evaluations.result })
      .from(evaluations)
      .where(and(eq(evaluations.projectId, projectId), eq(evaluations.eventId, eventId)))
      .orderBy(asc(evaluations.evaluator), asc(evaluations.target), asc(evaluations.modelId))
    return rows.map((row) => row.result)
  } catch (cause) {
    throw wrapQueryError('list evaluations', cause)
  }
}

/**
 * Verdicts decided after the verdict of `afterEventId` (a client resuming a subscription), oldest
 * first; all of the project's verdicts from the start when that event has none (or is no uuid).
 * The position is the pair (decidedAt, eventId), so verdicts decided in the same instant as the
 * anchor are not lost, and passing the last verdict of a page reads the next page.
 */
export async function listVerdictsAfter(
  db: Database,
  projectId: string,
  afterEventId: string,
  limit = 1000,
): Promise<Verdict[]> {
  // An anchor that is no uuid cannot be in the table, and comparing it with the column would fail.
  const anchor = isUuid(afterEventId)
    ? sql`select anchor.decided_at, anchor.event_id from ${verdicts} anchor where anchor.project_id = ${projectId} and anchor.event_id = ${afterEventId}`
    : undefined
  const since =
    anchor === undefined
      ? sql`true`
      : sql`(not exists (${anchor}) or (${verdicts.decidedAt}, ${verdicts.eventId}) > (${anchor}))`
  try {
    const rows = await db
      .select({ payload: verdicts.payload })
      .from(verdicts)
      .where(and(eq(verdicts.projectId, projectId), since))
      .orderBy(asc(verdicts.decidedAt), asc(verdicts.eventId))
      .limit(Math.min(Math.max(limit, 1), 10_000))
    return rows.map((row) => row.payload)
  } catch (cause) {
    throw wrapQueryError('list verdicts after', cause)
  }
}
