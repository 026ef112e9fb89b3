import type { JsonValue } from '@anansi/protocol'
import { sql } from 'drizzle-orm'
import {
  check,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { users } from './tenancy.js'

/** A model known to the public leaderboard (not tenant data). */
export const aiModels = pgTable(
  'ai_models',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    provider: text('provider').notNull(),
    name: text('name').notNull(),
    displayName: text('display_name'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('ai_models_provider_name_idx').on(t.provider, t.name)],
)

/** A model's daily safety score per category (leaderboard and trends). */
export const modelScores = pgTable(
  'model_scores',
  {
    modelId: uuid('model_id')
      .notNull()
      .references(() => aiModels.id, { onDelete: 'cascade' }),
    day: date('day').notNull(),
    category: text('category').notNull(),
    score: doublePrecision('score').notNull(),
    samples: integer('samples').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.modelId, t.day, t.category] }),
    index('model_scores_day_idx').on(t.day),
  ],
)

/** A community-submitted test scenario awaiting review. */
export const testSubmissions = pgTable(
  'test_submissions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    description: text('description').notNull(),
    category: text('category').notNull(),
    scenario: jsonb('scenario').$type<JsonValue>().notNull(),
    status: text('status', { enum: ['pending', 'approved', 'rejected'] })
      .notNull()
      .default('pending'),
    score: integer('score').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('test_submissions_status_score_idx').on(t.status, t.score.desc()),
    index('test_submissions_author_idx').on(t.authorId),
  ],
)

/** One user's vote on one submission: the primary key makes it one vote per user and submission. */
export const submissionVotes = pgTable(
  'submission_votes',
  {
    submissionId: uuid('submission_id')
      .notNull()
      .references(() => testSubmissions.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    value: smallint('value').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.submissionId, t.userId] }),
    check('submission_votes_value_check', sql`${t.value} in (-1, 1)`),
  ],
)

/** A threaded comment on a submission. */
export const discussions = pgTable(
  'discussions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    submissionId: uuid('submission_id')
      .notNull()
      .references(() => testSubmissions.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    parentId: uuid('parent_id'),
    body: text('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('discussions_submission_time_idx').on(t.submissionId, t.createdAt)],
)
