import {
  alertRuleCreateSchema,
  alertRuleUpdateSchema,
  type AlertRule,
  type AlertRuleCreate,
  type AlertRuleUpdate,
} from '@anansi/protocol'
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import type { Database } from '../drivers/database.js'
import { StoreError, invalidArgument, wrapQueryError } from '../errors.js'
import { isUuid, withoutNulls } from '../row-values.js'
import { toStorable } from '../sanitize.js'
import { alertRules, webhooks } from '../schema/index.js'

type RuleRow = typeof alertRules.$inferSelect
type Channels = AlertRule['channels']

function toRule(row: RuleRow): AlertRule {
  return {
    id: row.id,
    name: row.name,
    metric: row.metric,
    ...withoutNulls({ model: row.model }),
    condition: row.condition,
    severity: row.severity,
    cooldownSeconds: row.cooldownSeconds,
    channels: row.channels,
    enabled: row.enabled,
  }
}

// Webhook ids are compared with what Postgres answers (lowercase) and matched inside jsonb.
function normalized(channels: Channels): Channels {
  return channels.map((channel) => ({ ...channel, webhookId: channel.webhookId.toLowerCase() }))
}

/**
 * Refuses channels that name a webhook the project does not have: a rule must never route a
 * project's alerts to another tenant's endpoint. The webhooks stay locked until the transaction
 * ends, so a concurrent delete cannot slip between this check and the rule's write.
 */
async function assertOwnWebhooks(tx: Database, projectId: string, channels: Channels) {
  const wanted = [...new Set(channels.map((channel) => channel.webhookId))]
  if (wanted.length === 0) return
  const found = await tx
    .select({ id: webhooks.id })
    .from(webhooks)
    .where(and(eq(webhooks.projectId, projectId), inArray(webhooks.id, wanted)))
    .for('key share')
  if (found.length < wanted.length) {
    const own = new Set(found.map((row) => row.id))
    const missing = wanted.filter((id) => !own.has(id))
    throw new StoreError('invalid_reference', `unknown webhook: ${missing.join(', ')}`, false)
  }
}

/** Creates one of the project's alert rules, filling the protocol's defaults. */
export async function createAlertRule(
  db: Database,
  projectId: string,
  input: AlertRuleCreate,
): Promise<AlertRule> {
  const parsed = alertRuleCreateSchema.safeParse(input)
  if (!parsed.success) throw invalidArgument('create alert rule', parsed.error.issues)
  const rule = { ...toStorable(parsed.data), channels: normalized(parsed.data.channels) }
  try {
    return await db.transaction(async (tx) => {
      await assertOwnWebhooks(tx, projectId, rule.channels)
      const [row] = await tx
        .insert(alertRules)
        .values({ ...rule, projectId })
        .returning()
      if (!row) throw new Error('insert returned no row')
      return toRule(row)
    })
  } catch (cause) {
    throw wrapQueryError('create alert rule', cause)
  }
}

/** Lists the project's alert rules, oldest first (the order they were written in). */
export async function listAlertRules(db: Database, projectId: string): Promise<AlertRule[]> {
  try {
    const rows = await db
      .select()
      .from(alertRules)
      .where(eq(alertRules.projectId, projectId))
      .orderBy(asc(alertRules.createdAt), asc(alertRules.id))
    return rows.map(toRule)
  } catch (cause) {
    throw wrapQueryError('list alert rules', cause)
  }
}

/** Reads one of the project's alert rules. */
export async function getAlertRule(
  db: Database,
  projectId: string,
  ruleId: string,
): Promise<AlertRule | undefined> {
  if (!isUuid(ruleId)) return undefined
  try {
    const [row] = await db
      .select()
      .from(alertRules)
      .where(and(eq(alertRules.projectId, projectId), eq(alertRules.id, ruleId)))
    return row && toRule(row)
  } catch (cause) {
    throw wrapQueryError('get alert rule', cause)
  }
}

/** Applies a patch to one of the project's alert rules; undefined when it has no such rule. */
export async function updateAlertRule(
  db: Database,
  projectId: string,
  ruleId: string,
  patch: AlertRuleUpdate,
): Promise<AlertRule | undefined> {
  const parsed = alertRuleUpdateSchema.safeParse(patch)
  if (!parsed.success) throw invalidArgument('update alert rule', parsed.error.issues)
  if (!isUuid(ruleId)) return undefined
  const { channels, ...rest } = parsed.data
  const changes = { ...toStorable(rest), channels: channels && normalized(channels) }
  try {
    return await db.transaction(async (tx) => {
      if (changes.channels !== undefined) await assertOwnWebhooks(tx, projectId, changes.channels)
      const [row] = await tx
        .update(alertRules)
        .set({ ...changes, updatedAt: sql`now()` })
        .where(and(eq(alertRules.projectId, projectId), eq(alertRules.id, ruleId)))
        .returning()
      return row && toRule(row)
    })
  } catch (cause) {
    throw wrapQueryError('update alert rule', cause)
  }
}

/** Deletes one of the project's alert rules (its alerts stay, without a rule); false when absent. */
export async function deleteAlertRule(
  db: Database,
  projectId: string,
  ruleId: string,
): Promise<boolean> {
  if (!isUuid(ruleId)) return false
  try {
    const rows = await db
      .delete(alertRules)
      .where(and(eq(alertRules.projectId, projectId), eq(alertRules.id, ruleId)))
      .returning({ id: alertRules.id })
    return rows.length > 0
  } catch (cause) {
    throw wrapQueryError('delete alert rule', cause)
  }
}

/**
 * The channels of those of the project's rules that exist, keyed by rule id. The rows stay
 * key-share locked until the transaction ends, so a rule cannot vanish under alerts naming it.
 */
export async function ruleChannels(
  tx: Database,
  projectId: string,
  ruleIds: readonly string[],
): Promise<Map<string, Channels>> {
  const ids = [...new Set(ruleIds.filter(isUuid).map((id) => id.toLowerCase()))]
  if (ids.length === 0) return new Map()
  const rows = await tx
    .select({ id: alertRules.id, channels: alertRules.channels })
    .from(alertRules)
    .where(and(eq(alertRules.projectId, projectId), inArray(alertRules.id, ids)))
    .for('key share')
  return new Map(rows.map((row) => [row.id, row.channels]))
}

/** Moves each rule's last-fired time forward to its newest alert (never backwards, on replays). */
export async function markRulesFired(
  tx: Database,
  projectId: string,
  fired: readonly { ruleId: string; at: Date }[],
): Promise<void> {
  const latest = new Map<string, Date>()
  for (const { ruleId, at } of fired) {
    const seen = latest.get(ruleId)
    if (seen === undefined || at > seen) latest.set(ruleId, at)
  }
  for (const [ruleId, at] of latest) {
    await tx
      .update(alertRules)
      .set({
        lastFiredAt: sql`greatest(${alertRules.lastFiredAt}, ${at.toISOString()}::timestamptz)`,
      })
      .where(and(eq(alertRules.projectId, projectId), eq(alertRules.id, ruleId)))
  }
}

/** Drops a deleted webhook from the channels of every rule of the project that named it. */
export async function removeChannel(
  tx: Database,
  projectId: string,
  webhookId: string,
): Promise<void> {
  const named = sql`${alertRules.channels} @> ${JSON.stringify([{ webhookId }])}::jsonb`
  await tx
    .update(alertRules)
    .set({
      channels: sql`coalesce((select jsonb_agg(c) from jsonb_array_elements(${alertRules.channels}) c where c->>'webhookId' <> ${webhookId}), '[]'::jsonb)`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(alertRules.projectId, projectId), named))
}
