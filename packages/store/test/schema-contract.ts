import { sql } from 'drizzle-orm'
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows, type Store } from '../src/index.js'
import * as schema from '../src/schema/index.js'

/**
 * The seed's lookups (seed/architecture.md, "Database schema") and the index that serves each:
 * dropping one of these makes a dashboard or test-history query a sequential scan.
 */
export const SEED_QUERY_INDEXES = {
  'events of a project over time': 'events_project_time_idx',
  'events by model': 'events_project_model_time_idx',
  'events by category': 'events_project_category_time_idx',
  'flagged evaluations': 'evaluations_project_flagged_idx',
  'unsafe verdicts': 'verdicts_project_unsafe_idx',
  'open alerts by time': 'alerts_project_status_time_idx',
  'test results of a run': 'test_results_project_run_idx',
  'test runs of a model': 'test_runs_project_model_idx',
  'failed (unsafe) test results': 'test_results_project_failures_idx',
  'test results by date': 'test_results_project_time_idx',
  'leaderboard scores by day': 'model_scores_day_idx',
  'submissions by status and score': 'test_submissions_status_score_idx',
} as const

/** Every index name the drizzle schema declares, table by table. */
function declaredIndexes(): string[] {
  return Object.values(schema as Record<string, unknown>)
    .filter((value): value is PgTable => value instanceof PgTable)
    .flatMap((table) => getTableConfig(table).indexes.map((index) => index.config.name ?? ''))
    .filter((name) => name !== '')
}

async function indexNames(store: Store): Promise<Set<string>> {
  const rows = await queryRows<{ indexname: string }>(
    store.db,
    sql`select indexname from pg_indexes where schemaname = 'public'`,
  )
  return new Set(rows.map((row) => row.indexname))
}

/** A user and a submission of theirs, to vote on. */
async function newSubmission(store: Store): Promise<{ author: string; submission: string }> {
  const [user] = await queryRows<{ id: string }>(
    store.db,
    sql`insert into users (email, password_hash, display_name)
        values (${`voter-${crypto.randomUUID()}@example.com`}, 'x', 'Voter') returning id`,
  )
  const [row] = await queryRows<{ id: string }>(
    store.db,
    sql`insert into test_submissions (author_id, title, description, category, scenario)
        values (${user?.id}, 'A scenario', 'Why it matters', 'bias', '{}'::jsonb) returning id`,
  )
  if (user === undefined || row === undefined) throw new Error('fixture insert returned no row')
  return { author: user.id, submission: row.id }
}

/** Schema-level guarantees (indexes, uniqueness rules) every driver's migrated database must have. */
export function defineSchemaContract(driver: string, open: () => Promise<Store>): void {
  describe(`schema contract: ${driver}`, () => {
    let store: Store
    beforeAll(async () => {
      store = await open()
    })
    afterAll(async () => {
      await store.close()
    })

    it('has every index the drizzle schema declares after migrating', async () => {
      const present = await indexNames(store)
      const declared = declaredIndexes()
      expect(declared.length).toBeGreaterThan(20)
      expect(declared.filter((name) => !present.has(name))).toEqual([])
    })

    it.each(Object.entries(SEED_QUERY_INDEXES))('serves "%s" with %s', async (_query, index) => {
      expect(await indexNames(store)).toContain(index)
    })

    it('keeps one vote per user and submission (a second vote is refused, not counted)', async () => {
      const { author, submission } = await newSubmission(store)
      const vote = sql`insert into submission_votes (submission_id, user_id, value)
                       values (${submission}, ${author}, 1)`
      await queryRows(store.db, vote)
      await expect(queryRows(store.db, vote)).rejects.toThrow()
      const counted = await queryRows<{ n: number }>(
        store.db,
        sql`select count(*)::int as n from submission_votes where submission_id = ${submission}`,
      )
      expect(counted[0]?.n).toBe(1)
    })

    it('refuses a vote that is neither +1 nor -1', async () => {
      const { author, submission } = await newSubmission(store)
      await expect(
        queryRows(
          store.db,
          sql`insert into submission_votes (submission_id, user_id, value)
              values (${submission}, ${author}, 5)`,
        ),
      ).rejects.toThrow()
    })
  })
}
