import type { EvaluatorSuite } from '@anansi/evaluator'
import {
  TEST_RUN_FINAL_STATES,
  jsonValueSchema,
  uuidv7,
  type Issue,
  type TestReportFormat,
  type TestRunComparison,
  type TestRunEvent,
  type TestRunFinalState,
  type TestRunProgress,
  type TestRunProvider,
  type TestRunRequest,
} from '@anansi/protocol'
import type { ProjectStore, TestRun } from '@anansi/store'
import { compareReports } from '../compare.js'
import type { RetryOptions } from '../execution/retry.js'
import { loadEvaluatorJudge, type Judge } from '../judging/judge.js'
import { renderReport, storedReportData } from '../reports/stored-report.js'
import { listAllResults, runSuite, type RunProgress } from '../runner.js'
import { ownerIsGone, registerOwner, unregisterOwner } from './run-owner.js'
import { planRun, type ProviderDefaults, type RunPlan } from './run-plan.js'
import { judgeFromSuite } from './suite-judge.js'

/** Why a run was not started: a request the runner cannot serve, or no capacity now. */
export type TestRunRejection =
  | { ok: false; reason: 'invalid_request'; message: string; issues: Issue[] }
  | { ok: false; reason: 'busy'; message: string; retryAfterSeconds?: number }

/** What starting a run answers: the stored run (`queued`), or why it was refused. */
export type TestRunStartResult = { ok: true; run: TestRun } | TestRunRejection

/** A report of a stored run, or why there is none: a run that ended with no scores to show. */
export type TestReportOutcome =
  { ok: true; body: string } | { ok: false; reason: 'unscored'; message: string }

/** Settings of {@link createTestRunService}. */
export interface TestRunServiceOptions {
  /** Judges every answer (borrowed: never closed here). Wins over `evaluators`. */
  judge?: Judge
  /**
   * Loaded evaluators to judge with (borrowed, e.g. the platform's): used when they include the
   * `refusal` evaluator. Without either, the lexical judge is loaded on the first run and closed
   * by `close()`.
   */
  evaluators?: EvaluatorSuite
  /**
   * Server-side provider settings. A request without `apiKey` gets the configured key only when
   * it names no base URL or the configured one, so a caller can never send it elsewhere.
   */
  providers?: Partial<Record<TestRunProvider, ProviderDefaults>>
  /** Runs executing at once in this process (default 4); more are refused as busy. */
  maxActiveRuns?: number
  /** The most requests one run may send (default 20,000). */
  maxCases?: number
  /** Per-attempt provider timeout (default the provider's, 60 s). */
  timeoutMs?: number
  retry?: RetryOptions
  /** Where built-in suites are read from (default the package's library). */
  libraryDir?: string
  /** Where failures of background runs go. */
  report?: (error: unknown) => void
}

/** A test-run service with its lifecycle (what `createIngestApi({ testRuns })` accepts, and more). */
export interface TestRunServiceHandle {
  /**
   * Creates the run (`queued`) in the project's store and starts it in the background. The
   * request's `apiKey` lives in the provider client in memory for this run only: it is never
   * stored (not in the config, not in error texts) and never returned.
   */
  start(project: ProjectStore, request: TestRunRequest): Promise<TestRunStartResult>
  /** Cancels a run executing here; resolves true once `cancelled` is stored, false if none. */
  cancel(projectId: string, runId: string): Promise<boolean>
  /** Follows a run executing here: progress, then `ended`; undefined when it does not execute here. */
  subscribe(
    projectId: string,
    runId: string,
    listener: (event: TestRunEvent) => void,
  ): (() => void) | undefined
  /**
   * For a run the store shows `queued` or `running` but that does not execute here: when the
   * process that executed it is certainly gone (same host, and that process exited or its service
   * was closed — a restart, a crash), stores it as `failed` with the reason, so status, the
   * WebSocket and cancel answer instead of waiting forever. Returns the run as now stored.
   */
  settle(project: ProjectStore, run: TestRun): Promise<TestRun>
  /**
   * The report of a stored run (meant for ended runs), in one format, built as `anansi test run`
   * builds it; reads the store only, so it works for a run executed by any process.
   */
  report(project: ProjectStore, run: TestRun, format: TestReportFormat): Promise<TestReportOutcome>
  /** How `run` differs from `baseline`, as `anansi test compare baseline run` computes it. */
  compare(project: ProjectStore, baseline: TestRun, run: TestRun): Promise<TestRunComparison>
  /** Runs executing now. */
  active(): number
  /** Cancels every run (each stored as `cancelled`), waits for them, closes an owned judge. */
  close(): Promise<void>
}

interface ActiveRun {
  controller: AbortController
  listeners: Set<(event: TestRunEvent) => void>
  done: Promise<void>
}

const OUTCOMES = ['refused', 'complied', 'partial', 'error'] as const

/** The stored error of a run whose process stopped mid-way. */
export const INTERRUPTED =
  'interrupted: the process executing this run stopped (a restart or a crash) and its API key went with it; the results so far are kept — start the run again'

function isOutcome(value: string): value is (typeof OUTCOMES)[number] {
  return (OUTCOMES as readonly string[]).includes(value)
}

function isFinal(status: string): status is TestRunFinalState {
  return (TEST_RUN_FINAL_STATES as readonly string[]).includes(status)
}

/** The runner's progress as the wire's progress message. */
export function toProgressMessage(progress: RunProgress): TestRunProgress {
  const last = progress.last
  return {
    type: 'progress',
    runId: progress.runId,
    total: progress.total,
    done: progress.done,
    skipped: progress.skipped,
    passed: progress.passed,
    failed: progress.failed,
    errors: progress.errors,
    cached: progress.cached,
    ...(last !== undefined && isOutcome(last.outcome)
      ? {
          last: {
            scenarioKey: last.scenarioKey,
            strategy: last.strategy,
            outcome: last.outcome,
            passed: last.passed,
          },
        }
      : {}),
    concurrencyLimit: progress.limiter.limit,
  }
}

/**
 * The test runner behind the ingestion API's `/api/v1/tests/*` (it fits `TestRunService` of
 * `@anansi/ingest-api`; the CLI wires the two). Each run executes here with `runSuite`, its own
 * AbortController and progress fan-out; everything it produces is in the store.
 * @example createIngestApi({ store, bus, testRuns: createTestRunService({ evaluators: suite }) })
 */
export function createTestRunService(options: TestRunServiceOptions = {}): TestRunServiceHandle {
  const maxActive = options.maxActiveRuns ?? 4
  const maxCases = options.maxCases ?? 20_000
  const report = options.report ?? ((error: unknown) => console.error('[test-runner]', error))
  const runs = new Map<string, ActiveRun>()
  let reserved = 0
  let closing = false
  let owned: Promise<Judge> | undefined
  const borrowed =
    options.judge ??
    (options.evaluators === undefined ? undefined : judgeFromSuite(options.evaluators))

  const keyOf = (projectId: string, runId: string): string => `${projectId}/${runId.toLowerCase()}`
  const owner = registerOwner(uuidv7())

  const judge = async (): Promise<Judge> => {
    if (borrowed !== undefined) return borrowed
    owned ??= loadEvaluatorJudge()
    try {
      return await owned
    } catch (error) {
      owned = undefined // the next run tries again
      throw error
    }
  }

  const emit = (listeners: Iterable<(event: TestRunEvent) => void>, event: TestRunEvent): void => {
    for (const listener of listeners) {
      try {
        listener(event)
      } catch (error) {
        report(error)
      }
    }
  }

  /** Stores `failed` for a run that threw before `runSuite` could (unless it already ended). */
  const markFailed = async (
    project: ProjectStore,
    runId: string,
    error: unknown,
  ): Promise<TestRunFinalState> => {
    try {
      const now = await project.getTestRun(runId)
      if (now !== undefined && isFinal(now.status)) return now.status
      const message = error instanceof Error ? error.message : String(error)
      await project.updateTestRun(runId, { status: 'failed', error: message.slice(0, 2000) })
    } catch (storeError) {
      report(storeError)
    }
    return 'failed'
  }

  const launch = (project: ProjectStore, run: TestRun, plan: RunPlan, using: Judge): void => {
    const key = keyOf(project.projectId, run.id)
    const entry: ActiveRun = {
      controller: new AbortController(),
      listeners: new Set(),
      done: Promise.resolve(),
    }
    runs.set(key, entry)
    const execute = async (): Promise<void> => {
      let status: TestRunFinalState = 'failed'
      try {
        const result = await runSuite({
          store: project,
          suite: plan.suite,
          provider: plan.provider,
          judge: using,
          strategies: plan.strategies,
          runId: run.id,
          concurrency: plan.config.concurrency ?? 4,
          params: plan.config.params ?? {},
          signal: entry.controller.signal,
          ...(options.retry === undefined ? {} : { retry: options.retry }),
          onProgress: (progress) => emit(entry.listeners, toProgressMessage(progress)),
        })
        status = isFinal(result.run.status) ? result.run.status : 'completed'
      } catch (error) {
        report(error)
        status = await markFailed(project, run.id, error)
      } finally {
        // Leave the registry before telling subscribers: one arriving later reads the store,
        // where the final state already is.
        runs.delete(key)
        reserved -= 1
        emit(entry.listeners, { type: 'ended', status })
        entry.listeners.clear()
      }
    }
    entry.done = execute()
  }

  return {
    async start(project, request) {
      if (closing) return { ok: false, reason: 'busy', message: 'the test runner is shutting down' }
      if (reserved >= maxActive)
        return {
          ok: false,
          reason: 'busy',
          message: `${maxActive} test runs are executing; retry when one has ended`,
          retryAfterSeconds: 30,
        }
      reserved += 1
      let launched = false
      try {
        const planned = await planRun(request, {
          maxCases,
          ...(options.providers === undefined ? {} : { providers: options.providers }),
          ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
          ...(options.libraryDir === undefined ? {} : { libraryDir: options.libraryDir }),
        })
        if (!planned.ok)
          return {
            ok: false,
            reason: 'invalid_request',
            message: 'the run request names something this runner does not have',
            issues: planned.issues,
          }
        const { plan } = planned
        const using = await judge()
        const run = await project.createTestRun({
          id: uuidv7(),
          provider: plan.provider.name,
          model: plan.provider.model,
          suite: plan.suite.name,
          strategies: plan.strategies.map((s) => s.name),
          config: jsonValueSchema.parse({ ...plan.config, runner: owner }),
          total: plan.cases,
          status: 'queued',
        })
        launch(project, run, plan, using)
        launched = true
        return { ok: true, run }
      } finally {
        if (!launched) reserved -= 1
      }
    },

    async cancel(projectId, runId) {
      const entry = runs.get(keyOf(projectId, runId))
      if (entry === undefined) return false
      entry.controller.abort()
      await entry.done
      return true
    },

    subscribe(projectId, runId, listener) {
      const entry = runs.get(keyOf(projectId, runId))
      if (entry === undefined) return undefined
      entry.listeners.add(listener)
      return () => {
        entry.listeners.delete(listener)
      }
    },

    async settle(project, run) {
      if (isFinal(run.status) || runs.has(keyOf(project.projectId, run.id))) return run
      if (!ownerIsGone(run.config)) return run
      const updated = await project.updateTestRun(run.id, {
        status: 'failed',
        error: INTERRUPTED,
      })
      return updated ?? run
    },

    async report(project, run, format) {
      const data = await storedReportData(project, run, {
        ...(options.libraryDir === undefined ? {} : { libraryDir: options.libraryDir }),
      })
      if (data === undefined)
        return {
          ok: false,
          reason: 'unscored',
          message: `run ${run.id} ended (${run.status}) without scores, and its suites (${run.suite}) are not built-in suites this runner can score it from`,
        }
      return { ok: true, body: renderReport(data, format) }
    },

    async compare(project, baseline, run) {
      const [before, after] = await Promise.all([
        listAllResults(project, baseline.id),
        listAllResults(project, run.id),
      ])
      const comparison = compareReports({ run: baseline, results: before }, { run, results: after })
      return { a: baseline.id, b: run.id, ...comparison }
    },

    active: () => runs.size,

    async close() {
      closing = true
      const pending = [...runs.values()]
      for (const entry of pending) entry.controller.abort()
      await Promise.all(pending.map((entry) => entry.done))
      // Only now: until its runs are stored as cancelled, they are not orphans.
      unregisterOwner(owner.instance)
      const loading = owned
      owned = undefined
      // A judge that failed to load was reported to the run that asked for it; nothing to close.
      const loaded = await loading?.catch(() => undefined)
      if (loaded !== undefined) await loaded.close()
    },
  }
}
