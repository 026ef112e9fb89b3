import type { EvaluationResult, Verdict } from '@anansi/protocol'
import { and, asc, eq, gt, sql } from 'drizzle-orm'
import type { Database } from '../drivers/database.js'
import { wrapQueryError } from '../errors.js'
import { toStorable } from '../sanitize.js'
import { evaluations, verdicts } from '../schema/index.js'
import type { InsertOutcome } from './events.js'

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
    result: toStorable(result),
  }
}

function verdictRow(projectId: string, verdict: Verdict): typeof verdicts.$inferInsert {
  const stored = toStorable(verdict)
  return {
    projectId,
    eventId: verdict.eventId,
    safe: verdict.safe,
    action: verdict.action,
    score: verdict.score,
    decidedBy: verdict.decidedBy,
    decidedAt: verdict.decidedAt,
    latencyMs: verdict.latencyMs,
    anomalies: stored.anomalies,
    payload: stored,
  }
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
    return await db.transaction(async (tx) => {
      const inserted = await tx
        .insert(verdicts)
        .values(verdictRow(projectId, verdict))
        .onConflictDoNothing()
        .returning({ id: verdicts.eventId })
      if (inserted.length === 0) return 'duplicate'
      if (verdict.evaluations.length > 0) {
        await tx
          .insert(evaluations)
          .values(
            verdict.evaluations.map((result) => evaluationRow(projectId, verdict.eventId, result)),
          )
          .onConflictDoNothing()
      }
      return 'inserted'
    })
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
 * first; all of the project's verdicts from the start when that event has none.
 */
export async function listVerdictsAfter(
  db: Database,
  projectId: string,
  afterEventId: string,
  limit = 1000,
): Promise<Verdict[]> {
  const since = sql`coalesce((select ${verdicts.decidedAt} from ${verdicts} where ${verdicts.projectId} = ${projectId} and ${verdicts.eventId} = ${afterEventId}), '-infinity'::timestamptz)`
  try {
    const rows = await db
      .select({ payload: verdicts.payload })
      .from(verdicts)
      .where(and(eq(verdicts.projectId, projectId), gt(verdicts.decidedAt, since)))
      .orderBy(asc(verdicts.decidedAt), asc(verdicts.eventId))
      .limit(Math.min(Math.max(limit, 1), 10_000))
    return rows.map((row) => row.payload)
  } catch (cause) {
    throw wrapQueryError('list verdicts after', cause)
  }
}
