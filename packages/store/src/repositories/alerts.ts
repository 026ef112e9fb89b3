import type { Alert, AlertStatus, Anomaly, Severity } from '@anansi/protocol'
import { and, desc, eq, inArray, isNotNull, lt, max, or, sql, type SQL } from 'drizzle-orm'
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core'
import type { Database } from '../drivers/database.js'
import { invalidArgument, wrapQueryError } from '../errors.js'
import { isUuid, withoutNulls } from '../row-values.js'
import { toStorable } from '../sanitize.js'
import { alerts } from '../schema/index.js'
import { inSlices } from '../chunks.js'

/** An alert the stream processor raised, before it is stored. */
export interface NewAlert {
  /** Unique per project (e.g. rule id + event id): a re-delivered batch cannot raise it twice. */
  dedupeKey: string
  ruleId?: string
  severity: Severity
  metric: string
  model?: string
  value: number
  message: string
  eventId?: string
  anomaly?: Anomaly
  /** When it fired; the time of the write when absent. */
  createdAt?: string
}

/** Filters and cursor for listing alerts, newest first. */
export interface AlertQuery {
  status?: AlertStatus
  limit?: number
  /** Cursor: only alerts created strictly before this RFC 3339 time… */
  before?: string
  /** …or at exactly `before` with a smaller id (alerts of one batch share a creation time). */
  beforeId?: string
}

type AlertRow = typeof alerts.$inferSelect

/** The protocol shape of a stored alert. */
export function toAlert(row: AlertRow): Alert {
  return {
    id: row.id,
    ...withoutNulls({ ruleId: row.ruleId }),
    severity: row.severity,
    status: row.status,
    metric: row.metric,
    ...withoutNulls({ model: row.model }),
    value: row.value,
    message: row.message,
    ...withoutNulls({ eventId: row.eventId, anomaly: row.anomaly }),
    createdAt: row.createdAt.toISOString(),
    ...withoutNulls({ acknowledgedAt: row.acknowledgedAt?.toISOString() }),
  }
}

/**
 * Inserts alerts, skipping any whose dedupe key the project already has (or that repeats in this
 * call), and returns the new ones. A rule id outside `ownRules` is dropped: the alert is kept,
 * but it never points at a rule the project does not have.
 */
export async function insertAlerts(
  tx: Database,
  projectId: string,
  batch: readonly NewAlert[],
  ownRules: ReadonlySet<string>,
  now: Date,
): Promise<Alert[]> {
  if (batch.length === 0) return []
  const rows = batch.map((input): typeof alerts.$inferInsert => {
    const alert = toStorable(input)
    const ruleId = alert.ruleId?.toLowerCase()
    return {
      ...alert,
      projectId,
      ruleId: ruleId !== undefined && ownRules.has(ruleId) ? ruleId : null,
      createdAt: alert.createdAt === undefined ? now : new Date(alert.createdAt),
    }
  })
  const inserted = await inSlices(rows, (slice) =>
    tx.insert(alerts).values(slice).onConflictDoNothing().returning(),
  )
  return inserted.map(toAlert)
}

function cursor(query: AlertQuery): SQL | undefined {
  if (query.before === undefined) return undefined
  if (Number.isNaN(Date.parse(query.before)))
    throw invalidArgument('list alerts', [{ message: 'before: expected an RFC 3339 time' }])
  const before = new Date(query.before)
  if (query.beforeId === undefined || !isUuid(query.beforeId)) return lt(alerts.createdAt, before)
  return or(
    lt(alerts.createdAt, before),
    and(eq(alerts.createdAt, before), lt(alerts.id, query.beforeId)),
  )
}

/** When a rule last fired for one model: a cooldown's starting point. */
export interface RuleFiring {
  ruleId: string
  model: string
  at: Date
}

/**
 * The newest alert of each (rule, model) among these rules and models. A processor that restarts
 * or takes over a partition resumes the rules' cooldowns from here instead of firing again.
 */
export async function lastRuleFirings(
  db: Database,
  projectId: string,
  ruleIds: readonly string[],
  models: readonly string[],
): Promise<RuleFiring[]> {
  const ids = [...new Set(ruleIds.filter(isUuid).map((id) => id.toLowerCase()))]
  if (ids.length === 0 || models.length === 0) return []
  try {
    const rows = await db
      .select({ ruleId: alerts.ruleId, model: alerts.model, at: max(alerts.createdAt) })
      .from(alerts)
      .where(
        and(
          eq(alerts.projectId, projectId),
          inArray(alerts.ruleId, ids),
          inArray(alerts.model, [...new Set(models)]),
          isNotNull(alerts.model),
        ),
      )
      .groupBy(alerts.ruleId, alerts.model)
    return rows.flatMap(({ ruleId, model, at }) =>
      ruleId === null || model === null || at === null ? [] : [{ ruleId, model, at }],
    )
  } catch (cause) {
    throw wrapQueryError('last rule firings', cause)
  }
}

/** Lists the project's alerts, newest first, optionally by status and before a cursor. */
export async function listAlerts(
  db: Database,
  projectId: string,
  query: AlertQuery = {},
): Promise<Alert[]> {
  const conditions = [eq(alerts.projectId, projectId), cursor(query)]
  if (query.status !== undefined) conditions.push(eq(alerts.status, query.status))
  try {
    const rows = await db
      .select()
      .from(alerts)
      .where(and(...conditions))
      .orderBy(desc(alerts.createdAt), desc(alerts.id))
      .limit(Math.min(Math.max(query.limit ?? 50, 1), 1000))
    return rows.map(toAlert)
  } catch (cause) {
    throw wrapQueryError('list alerts', cause)
  }
}

/** Reads one of the project's alerts. */
export async function getAlert(
  db: Database,
  projectId: string,
  alertId: string,
): Promise<Alert | undefined> {
  if (!isUuid(alertId)) return undefined
  try {
    const [row] = await db
      .select()
      .from(alerts)
      .where(and(eq(alerts.projectId, projectId), eq(alerts.id, alertId)))
    return row && toAlert(row)
  } catch (cause) {
    throw wrapQueryError('get alert', cause)
  }
}

async function changeAlert(
  db: Database,
  projectId: string,
  alertId: string,
  change: PgUpdateSetSource<typeof alerts>,
  action: string,
): Promise<Alert | undefined> {
  if (!isUuid(alertId)) return undefined
  try {
    const [row] = await db
      .update(alerts)
      .set(change)
      .where(and(eq(alerts.projectId, projectId), eq(alerts.id, alertId)))
      .returning()
    return row && toAlert(row)
  } catch (cause) {
    throw wrapQueryError(action, cause)
  }
}

/**
 * Acknowledges one of the project's open alerts. Idempotent: an alert already acknowledged keeps
 * its first acknowledgement time, and a resolved one stays resolved.
 */
export function acknowledgeAlert(
  db: Database,
  projectId: string,
  alertId: string,
): Promise<Alert | undefined> {
  const open = sql`${alerts.status} = 'open'`
  return changeAlert(
    db,
    projectId,
    alertId,
    {
      status: sql`case when ${open} then 'acknowledged' else ${alerts.status} end`,
      acknowledgedAt: sql`case when ${open} then now() else ${alerts.acknowledgedAt} end`,
    },
    'acknowledge alert',
  )
}

/** Resolves one of the project's alerts. Idempotent: the first resolution time is kept. */
export function resolveAlert(
  db: Database,
  projectId: string,
  alertId: string,
): Promise<Alert | undefined> {
  return changeAlert(
    db,
    projectId,
    alertId,
    { status: 'resolved', resolvedAt: sql`coalesce(${alerts.resolvedAt}, now())` },
    'resolve alert',
  )
}
