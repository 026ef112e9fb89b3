import type { Anomaly, EvaluationResult, LlmEvent, Verdict } from '@anansi/protocol'
import { sql } from 'drizzle-orm'
import {
  boolean,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core'
import { projects } from './tenancy.js'

const projectRef = () =>
  uuid('project_id')
    .notNull()
    .references(() => projects.id, { onDelete: 'cascade' })

/**
 * The project column of a row that belongs to an event: its (project, event) foreign key already
 * proves the project exists and cascades its deletion, so a second key to `projects` would only
 * add a referential check per row — ten per processed event — on the processor's hottest write.
 */
const ownedByEvent = () => uuid('project_id').notNull()

/**
 * One monitored LLM call. The key is (project, id): duplicate detection never crosses tenants, so a
 * project cannot learn whether another project used an id. `payload` is the event as accepted;
 * the other columns are extracted for queries.
 */
export const events = pgTable(
  'events',
  {
    projectId: projectRef(),
    id: uuid('id').notNull(),
    timestamp: timestamp('timestamp', { withTimezone: true, mode: 'string' }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    provider: text('provider').notNull(),
    model: text('model').notNull(),
    category: text('category').notNull(),
    status: text('status', { enum: ['ok', 'error'] }).notNull(),
    sessionId: text('session_id'),
    userId: text('user_id'),
    traceId: text('trace_id'),
    latencyMs: doublePrecision('latency_ms'),
    inputTokens: integer('input_tokens'),
    outputTokens: integer('output_tokens'),
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    payload: jsonb('payload').$type<LlmEvent>().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.id] }),
    index('events_project_time_idx').on(t.projectId, t.timestamp.desc()),
    index('events_project_model_time_idx').on(t.projectId, t.model, t.timestamp.desc()),
    index('events_project_category_time_idx').on(t.projectId, t.category, t.timestamp.desc()),
    index('events_project_session_idx')
      .on(t.projectId, t.sessionId)
      .where(sql`${t.sessionId} is not null`),
    index('events_project_trace_idx')
      .on(t.projectId, t.traceId)
      .where(sql`${t.traceId} is not null`),
  ],
)

/** One evaluator model's result on one event; unique per (event, evaluator, target, model) so re-delivery adds nothing. */
export const evaluations = pgTable(
  'evaluations',
  {
    projectId: ownedByEvent(),
    eventId: uuid('event_id').notNull(),
    evaluator: text('evaluator').notNull(),
    target: text('target', { enum: ['input', 'output', 'both'] }).notNull(),
    modelId: text('model_id').notNull(),
    modelVersion: text('model_version').notNull(),
    tier: text('tier').notNull(),
    score: doublePrecision('score').notNull(),
    label: text('label').notNull(),
    threshold: doublePrecision('threshold').notNull(),
    flagged: boolean('flagged').notNull(),
    latencyMs: doublePrecision('latency_ms').notNull(),
    result: jsonb('result').$type<EvaluationResult>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One row per model: the lexical and semantic tiers may both judge the same evaluator and target.
    primaryKey({ columns: [t.projectId, t.eventId, t.evaluator, t.target, t.modelId] }),
    foreignKey({
      columns: [t.projectId, t.eventId],
      foreignColumns: [events.projectId, events.id],
    }).onDelete('cascade'),
    index('evaluations_project_evaluator_time_idx').on(
      t.projectId,
      t.evaluator,
      t.createdAt.desc(),
    ),
    index('evaluations_project_flagged_idx')
      .on(t.projectId, t.createdAt.desc())
      .where(sql`${t.flagged}`),
  ],
)

/** The decision about one event; one per event. */
export const verdicts = pgTable(
  'verdicts',
  {
    projectId: ownedByEvent(),
    eventId: uuid('event_id').notNull(),
    safe: boolean('safe').notNull(),
    action: text('action', { enum: ['allow', 'block'] }).notNull(),
    score: doublePrecision('score').notNull(),
    decidedBy: text('decided_by', { enum: ['local', 'remote'] }).notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true, mode: 'string' }).notNull(),
    latencyMs: doublePrecision('latency_ms').notNull(),
    anomalies: jsonb('anomalies').$type<Anomaly[]>().notNull(),
    payload: jsonb('payload').$type<Verdict>().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.eventId] }),
    foreignKey({
      columns: [t.projectId, t.eventId],
      foreignColumns: [events.projectId, events.id],
    }).onDelete('cascade'),
    index('verdicts_project_time_idx').on(t.projectId, t.decidedAt.desc()),
    index('verdicts_project_unsafe_idx')
      .on(t.projectId, t.decidedAt.desc())
      .where(sql`not ${t.safe}`),
  ],
)

/** Checkpointed anomaly-detector state per (project, model, metric), restored on restart or rebalance. */
export const detectorState = pgTable(
  'detector_state',
  {
    projectId: projectRef(),
    model: text('model').notNull(),
    metric: text('metric').notNull(),
    method: text('method', { enum: ['zscore', 'robust_zscore'] }).notNull(),
    state: jsonb('state').$type<Record<string, unknown>>().notNull(),
    samples: integer('samples').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.model, t.metric, t.method] })],
)
