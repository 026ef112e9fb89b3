import type { AlertCondition, Anomaly, WebhookPayload } from '@anansi/protocol'
import { sql } from 'drizzle-orm'
import {
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { projects } from './tenancy.js'

const projectRef = () =>
  uuid('project_id')
    .notNull()
    .references(() => projects.id, { onDelete: 'cascade' })

/** Severity levels shared by rules and alerts. */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const

/** A per-project rule: metric, condition, cooldown, severity, channels. */
export const alertRules = pgTable(
  'alert_rules',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: projectRef(),
    name: text('name').notNull(),
    metric: text('metric').notNull(),
    model: text('model'),
    condition: jsonb('condition').$type<AlertCondition>().notNull(),
    severity: text('severity', { enum: SEVERITIES }).notNull(),
    cooldownSeconds: integer('cooldown_seconds').notNull().default(300),
    channels: jsonb('channels')
      .$type<{ type: 'webhook'; webhookId: string }[]>()
      .notNull()
      .default([]),
    enabled: boolean('enabled').notNull().default(true),
    lastFiredAt: timestamp('last_fired_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('alert_rules_project_idx').on(t.projectId, t.metric)],
)

/**
 * A fired alert. `dedupeKey` (for example rule id + event id) is unique per project, so a
 * re-delivered event can never raise the same alert twice.
 */
export const alerts = pgTable(
  'alerts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: projectRef(),
    ruleId: uuid('rule_id').references(() => alertRules.id, { onDelete: 'set null' }),
    dedupeKey: text('dedupe_key').notNull(),
    severity: text('severity', { enum: SEVERITIES }).notNull(),
    status: text('status', { enum: ['open', 'acknowledged', 'resolved'] })
      .notNull()
      .default('open'),
    metric: text('metric').notNull(),
    model: text('model'),
    value: doublePrecision('value').notNull(),
    message: text('message').notNull(),
    eventId: uuid('event_id'),
    anomaly: jsonb('anomaly').$type<Anomaly>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('alerts_project_dedupe_idx').on(t.projectId, t.dedupeKey),
    index('alerts_project_status_time_idx').on(t.projectId, t.status, t.createdAt.desc()),
  ],
)

/**
 * A webhook endpoint. The signing secret must be readable to sign deliveries (Standard Webhooks
 * uses HMAC), so unlike API keys it cannot be stored as a one-way hash.
 */
export const webhooks = pgTable(
  'webhooks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: projectRef(),
    url: text('url').notNull(),
    secret: text('secret').notNull(),
    eventTypes: text('event_types').array().notNull(),
    description: text('description'),
    enabled: boolean('enabled').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('webhooks_project_idx').on(t.projectId)],
)

/** Delivery states: pending (due at next_attempt_at), succeeded, failed (gave up). */
export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const

/** One webhook message and its delivery log; `messageId` is the `webhook-id` header and the idempotency key. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: projectRef(),
    webhookId: uuid('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    messageId: text('message_id').notNull(),
    eventType: text('event_type').notNull(),
    payload: jsonb('payload').$type<WebhookPayload>().notNull(),
    status: text('status', { enum: DELIVERY_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_message_idx').on(t.webhookId, t.messageId),
    index('webhook_deliveries_due_idx')
      .on(t.nextAttemptAt)
      .where(sql`${t.status} = 'pending'`),
    index('webhook_deliveries_project_time_idx').on(t.projectId, t.createdAt.desc()),
  ],
)
