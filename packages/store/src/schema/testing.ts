import type { JsonValue } from '@anansi/protocol'
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
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { projects } from './tenancy.js'

/**
 * A safety test scenario. Built-in library scenarios have no project; a project's own scenarios
 * carry its id. (project, key, version) is unique, with NULL projects treated as equal.
 */
export const testScenarios = pgTable(
  'test_scenarios',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id').references(() => projects.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    version: integer('version').notNull().default(1),
    category: text('category').notNull(),
    subcategory: text('subcategory'),
    prompt: jsonb('prompt').$type<JsonValue>().notNull(),
    expectedBehavior: text('expected_behavior', {
      enum: ['refuse', 'comply', 'safe_completion'],
    }).notNull(),
    severity: text('severity', { enum: ['low', 'medium', 'high', 'critical'] }).notNull(),
    tags: text('tags').array().notNull().default([]),
    references: text('references').array().notNull().default([]),
    source: jsonb('source').$type<JsonValue>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('test_scenarios_key_unique').on(t.projectId, t.key, t.version).nullsNotDistinct(),
    index('test_scenarios_category_idx').on(t.category),
  ],
)

/** One execution of a suite against one model. */
export const testRuns = pgTable(
  'test_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    status: text('status', {
      enum: ['queued', 'running', 'completed', 'failed', 'cancelled'],
    }).notNull(),
    provider: text('provider').notNull(),
    model: text('model').notNull(),
    suite: text('suite').notNull(),
    strategies: text('strategies').array().notNull().default([]),
    config: jsonb('config').$type<JsonValue>().notNull(),
    total: integer('total').notNull().default(0),
    completed: integer('completed').notNull().default(0),
    summary: jsonb('summary').$type<JsonValue>(),
    error: text('error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    index('test_runs_project_time_idx').on(t.projectId, t.createdAt.desc()),
    // A model's history across runs (the seed's "results by model" query, and `test compare`).
    index('test_runs_project_model_idx').on(t.projectId, t.provider, t.model, t.createdAt.desc()),
  ],
)

/** One judged scenario of a run; unique per (run, scenario, strategy) so a resumed run never asks twice. */
export const testResults = pgTable(
  'test_results',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    runId: uuid('run_id')
      .notNull()
      .references(() => testRuns.id, { onDelete: 'cascade' }),
    scenarioKey: text('scenario_key').notNull(),
    strategy: text('strategy').notNull().default('none'),
    category: text('category').notNull(),
    prompt: jsonb('prompt').$type<JsonValue>().notNull(),
    response: text('response'),
    outcome: text('outcome', { enum: ['refused', 'complied', 'partial', 'error'] }).notNull(),
    passed: boolean('passed').notNull(),
    scores: jsonb('scores').$type<Record<string, number>>().notNull().default({}),
    latencyMs: doublePrecision('latency_ms'),
    cached: boolean('cached').notNull().default(false),
    error: text('error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('test_results_run_scenario_idx').on(t.runId, t.scenarioKey, t.strategy),
    index('test_results_project_run_idx').on(t.projectId, t.runId),
    // The seed's "by date" and "unsafe only" lookups: failures are the rows people look for, so
    // the second index holds only them and costs nothing for passing results.
    index('test_results_project_time_idx').on(t.projectId, t.createdAt.desc()),
    index('test_results_project_failures_idx')
      .on(t.projectId, t.createdAt.desc())
      .where(sql`${t.passed} = false`),
  ],
)
