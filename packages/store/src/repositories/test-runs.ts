import type { JsonValue } from '@anansi/protocol'
import { and, asc, count, desc, eq, gt, lt, or, sql, type SQL } from 'drizzle-orm'
import type { Database } from '../drivers/database.js'
import { invalidArgument, StoreError, wrapQueryError } from '../errors.js'
import { isUuid, withoutNulls } from '../row-values.js'
import { toStorable, toStorableText } from '../sanitize.js'
import { testResults, testRuns } from '../schema/index.js'
import { inSlices } from '../chunks.js'

/** Where a test run is in its life. */
export type TestRunStatus = (typeof testRuns.$inferSelect)['status']

/** How the judge classified one answer. */
export type TestOutcome = (typeof testResults.$inferSelect)['outcome']

/** A new test run (one suite against one model). */
export interface TestRunCreate {
  /** A caller-chosen id (uuid) makes creation idempotent; a random one otherwise. */
  id?: string
  provider: string
  model: string
  suite: string
  strategies?: readonly string[]
  config: JsonValue
  total?: number
  status?: TestRunStatus
}

/** A stored test run. */
export interface TestRun {
  id: string
  status: TestRunStatus
  provider: string
  model: string
  suite: string
  strategies: string[]
  config: JsonValue
  total: number
  /** How many results are stored (the progress of the run). */
  completed: number
  summary?: JsonValue
  error?: string
  createdAt: string
  startedAt?: string
  finishedAt?: string
}

/** Fields of a run that the runner changes as it goes; absent fields are kept. */
export interface TestRunUpdate {
  status?: TestRunStatus
  total?: number
  summary?: JsonValue
  /** `null` clears an earlier error (a resumed run). */
  error?: string | null
}

/** One judged scenario of a run, as the runner records it. */
export interface TestResultInput {
  scenarioKey: string
  /** The strategy chain that transformed the scenario (`none` when sent as written). */
  strategy?: string
  category: string
  prompt: JsonValue
  response?: string
  outcome: TestOutcome
  passed: boolean
  scores?: Record<string, number>
  latencyMs?: number
  cached?: boolean
  error?: string
}

/** A stored result. */
export interface TestResult extends Required<Pick<TestResultInput, 'strategy' | 'scores'>> {
  id: string
  runId: string
  scenarioKey: string
  category: string
  prompt: JsonValue
  response?: string
  outcome: TestOutcome
  passed: boolean
  latencyMs?: number
  cached: boolean
  error?: string
  createdAt: string
}

/** Listing runs, newest first. */
export interface TestRunQuery {
  limit?: number
  /** Cursor: only runs created strictly before this RFC 3339 time. */
  before?: string
}

/** Listing a run's results in (scenario key, strategy) order, with a keyset cursor. */
export interface TestResultQuery {
  limit?: number
  after?: { scenarioKey: string; strategy: string }
}

const TERMINAL: readonly TestRunStatus[] = ['completed', 'failed', 'cancelled']

function toRun(row: typeof testRuns.$inferSelect): TestRun {
  return {
    id: row.id,
    status: row.status,
    provider: row.provider,
    model: row.model,
    suite: row.suite,
    strategies: row.strategies,
    config: row.config,
    total: row.total,
    completed: row.completed,
    ...withoutNulls({ summary: row.summary, error: row.error }),
    createdAt: row.createdAt.toISOString(),
    ...withoutNulls({
      startedAt: row.startedAt?.toISOString(),
      finishedAt: row.finishedAt?.toISOString(),
    }),
  }
}

function toResult(row: typeof testResults.$inferSelect): TestResult {
  return {
    id: row.id,
    runId: row.runId,
    scenarioKey: row.scenarioKey,
    strategy: row.strategy,
    category: row.category,
    prompt: row.prompt,
    ...withoutNulls({ response: row.response }),
    outcome: row.outcome,
    passed: row.passed,
    scores: row.scores,
    ...withoutNulls({ latencyMs: row.latencyMs }),
    cached: row.cached,
    ...withoutNulls({ error: row.error }),
    createdAt: row.createdAt.toISOString(),
  }
}

function checkCount(action: string, name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 0 || value > 2 ** 31 - 1))
    throw invalidArgument(action, [{ message: `${name}: expected a non-negative integer` }])
}

/**
 * Creates a run. With a caller-chosen id that the project already has, returns the existing run
 * unchanged (a retried create is harmless); an id another project holds is refused.
 */
export async function createTestRun(
  db: Database,
  projectId: string,
  input: TestRunCreate,
): Promise<TestRun> {
  if (input.id !== undefined && !isUuid(input.id))
    throw invalidArgument('create test run', [{ message: 'id: expected a uuid' }])
  checkCount('create test run', 'total', input.total)
  const clean = toStorable(input)
  try {
    const [row] = await db
      .insert(testRuns)
      .values({
        ...(clean.id === undefined ? {} : { id: clean.id.toLowerCase() }),
        projectId,
        status: clean.status ?? 'queued',
        provider: clean.provider,
        model: clean.model,
        suite: clean.suite,
        strategies: [...(clean.strategies ?? [])],
        config: clean.config,
        total: clean.total ?? 0,
      })
      .onConflictDoNothing()
      .returning()
    if (row) return toRun(row)
  } catch (cause) {
    throw wrapQueryError('create test run', cause)
  }
  const existing = await getTestRun(db, projectId, input.id ?? '')
  if (existing) return existing
  throw new StoreError('invalid_reference', 'create test run: id is taken', false)
}

/** Reads one of the project's runs. */
export async function getTestRun(
  db: Database,
  projectId: string,
  runId: string,
): Promise<TestRun | undefined> {
  if (!isUuid(runId)) return undefined
  try {
    const [row] = await db
      .select()
      .from(testRuns)
      .where(and(eq(testRuns.projectId, projectId), eq(testRuns.id, runId)))
    return row && toRun(row)
  } catch (cause) {
    throw wrapQueryError('get test run', cause)
  }
}

/** Lists the project's runs, newest first. */
export async function listTestRuns(
  db: Database,
  projectId: string,
  query: TestRunQuery = {},
): Promise<TestRun[]> {
  const conditions: (SQL | undefined)[] = [eq(testRuns.projectId, projectId)]
  if (query.before !== undefined) {
    if (Number.isNaN(Date.parse(query.before)))
      throw invalidArgument('list test runs', [{ message: 'before: expected an RFC 3339 time' }])
    conditions.push(lt(testRuns.createdAt, new Date(query.before)))
  }
  try {
    const rows = await db
      .select()
      .from(testRuns)
      .where(and(...conditions))
      .orderBy(desc(testRuns.createdAt), desc(testRuns.id))
      .limit(Math.min(Math.max(query.limit ?? 50, 1), 1000))
    return rows.map(toRun)
  } catch (cause) {
    throw wrapQueryError('list test runs', cause)
  }
}

/**
 * Changes a run's status, total, summary or error. The first move to `running` stamps
 * `startedAt`; a move to a terminal status stamps `finishedAt` (and a resumed run clears it).
 */
export async function updateTestRun(
  db: Database,
  projectId: string,
  runId: string,
  patch: TestRunUpdate,
): Promise<TestRun | undefined> {
  checkCount('update test run', 'total', patch.total)
  if (Object.values(patch).every((v) => v === undefined))
    throw invalidArgument('update test run', [{ message: 'expected at least one field' }])
  if (!isUuid(runId)) return undefined
  const clean = toStorable(patch)
  const change: Partial<typeof testRuns.$inferInsert> = {}
  if (clean.total !== undefined) change.total = clean.total
  if (clean.summary !== undefined) change.summary = clean.summary
  if (clean.error !== undefined) change.error = clean.error
  const set = {
    ...change,
    ...(clean.status === undefined
      ? {}
      : {
          status: clean.status,
          startedAt:
            clean.status === 'running' ? sql`coalesce(${testRuns.startedAt}, now())` : undefined,
          finishedAt: TERMINAL.includes(clean.status) ? sql`now()` : sql`null`,
        }),
  }
  try {
    const [row] = await db
      .update(testRuns)
      .set(set)
      .where(and(eq(testRuns.projectId, projectId), eq(testRuns.id, runId)))
      .returning()
    return row && toRun(row)
  } catch (cause) {
    throw wrapQueryError('update test run', cause)
  }
}

/**
 * Stores judged results of one of the project's runs, idempotently per (run, scenario key,
 * strategy): an answered scenario is never overwritten, but an `error` row is replaced by a later
 * attempt, so a resumed run retries what failed and keeps what was answered. Updates the run's
 * `completed` count and returns how many rows were written.
 */
export async function recordTestResults(
  db: Database,
  projectId: string,
  runId: string,
  results: readonly TestResultInput[],
): Promise<number> {
  if (!isUuid(runId))
    throw new StoreError('invalid_reference', 'record test results: no such run', false)
  try {
    return await db.transaction(async (tx) => {
      const [run] = await tx
        .select({ id: testRuns.id })
        .from(testRuns)
        .where(and(eq(testRuns.projectId, projectId), eq(testRuns.id, runId)))
        .for('update')
      if (!run) throw new StoreError('invalid_reference', 'record test results: no such run', false)
      if (results.length === 0) return 0
      const rows = results.map((input): typeof testResults.$inferInsert => {
        const r = toStorable(input)
        return {
          projectId,
          runId: run.id,
          scenarioKey: r.scenarioKey,
          strategy: r.strategy ?? 'none',
          category: r.category,
          prompt: r.prompt,
          response: toStorableText(r.response) ?? null,
          outcome: r.outcome,
          passed: r.passed,
          scores: r.scores ?? {},
          latencyMs: r.latencyMs ?? null,
          cached: r.cached ?? false,
          error: toStorableText(r.error) ?? null,
        }
      })
      const written = await inSlices(rows, (slice) =>
        tx
          .insert(testResults)
          .values(slice)
          .onConflictDoUpdate({
            target: [testResults.runId, testResults.scenarioKey, testResults.strategy],
            set: {
              response: sql`excluded.response`,
              outcome: sql`excluded.outcome`,
              passed: sql`excluded.passed`,
              scores: sql`excluded.scores`,
              latencyMs: sql`excluded.latency_ms`,
              cached: sql`excluded.cached`,
              error: sql`excluded.error`,
              createdAt: sql`now()`,
            },
            setWhere: sql`${testResults.outcome} = 'error'`,
          })
          .returning({ id: testResults.id }),
      )
      const stored = tx
        .select({ n: count() })
        .from(testResults)
        .where(and(eq(testResults.projectId, projectId), eq(testResults.runId, run.id)))
      await tx
        .update(testRuns)
        .set({ completed: sql`(${stored})` })
        .where(eq(testRuns.id, run.id))
      return written.length
    })
  } catch (cause) {
    throw wrapQueryError('record test results', cause)
  }
}

/** Lists one of the project's runs' results in (scenario key, strategy) order. */
export async function listTestResults(
  db: Database,
  projectId: string,
  runId: string,
  query: TestResultQuery = {},
): Promise<TestResult[]> {
  if (!isUuid(runId)) return []
  const conditions: (SQL | undefined)[] = [
    eq(testResults.projectId, projectId),
    eq(testResults.runId, runId),
  ]
  if (query.after !== undefined) {
    const { scenarioKey, strategy } = query.after
    conditions.push(
      or(
        gt(testResults.scenarioKey, scenarioKey),
        and(eq(testResults.scenarioKey, scenarioKey), gt(testResults.strategy, strategy)),
      ),
    )
  }
  try {
    const rows = await db
      .select()
      .from(testResults)
      .where(and(...conditions))
      .orderBy(asc(testResults.scenarioKey), asc(testResults.strategy))
      .limit(Math.min(Math.max(query.limit ?? 1000, 1), 10_000))
    return rows.map(toResult)
  } catch (cause) {
    throw wrapQueryError('list test results', cause)
  }
}
