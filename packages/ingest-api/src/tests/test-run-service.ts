import type {
  Issue,
  TestReportFormat,
  TestRunComparison,
  TestRunEvent,
  TestRunRequest,
} from '@anansi/protocol'
import type { ProjectStore, TestRun } from '@anansi/store'

/** Why a run was not started: a request the runner cannot serve (400), or no capacity now (503). */
export type TestRunRejection =
  | {
      ok: false
      reason: 'invalid_request'
      message: string
      /** Paths relative to the request body (`['strategies', 1]`). */
      issues: Issue[]
    }
  | { ok: false; reason: 'busy'; message: string; retryAfterSeconds?: number }

/** What starting a run answers: the stored run (`queued`), or why it was refused. */
export type TestRunStartResult = { ok: true; run: TestRun } | TestRunRejection

/** A run's report (the text of one format), or why an ended run has none: it has no scores. */
export type TestReportOutcome =
  { ok: true; body: string } | { ok: false; reason: 'unscored'; message: string }

/**
 * Runs safety test suites for the API. The API owns no runner (DESIGN.md: ingest-api may not
 * import the test runner); the composition root passes one in (`@anansi/test-runner`'s
 * `createTestRunService`). A run executes in the process that started it; its status and results
 * are in the store, readable from any replica.
 */
export interface TestRunService {
  /**
   * Creates the run in the project's store and starts it in the background. The request's
   * `apiKey` stays in memory for the run: it must never be stored, logged or returned.
   */
  start(project: ProjectStore, request: TestRunRequest): Promise<TestRunStartResult>
  /**
   * Cancels a run executing in this process and resolves once its `cancelled` state is stored;
   * false when no such run executes here (unknown, ended, or on another replica).
   */
  cancel(projectId: string, runId: string): Promise<boolean>
  /**
   * Follows a run executing in this process: progress after each result, then `ended` once its
   * final state is stored. Undefined when the run does not execute here.
   * @returns the unsubscribe function
   */
  subscribe(
    projectId: string,
    runId: string,
    listener: (event: TestRunEvent) => void,
  ): (() => void) | undefined
  /**
   * Given a run the store shows `queued` or `running` that does not execute in this process:
   * stores it as `failed` (with the reason) when the process that executed it is certainly gone
   * (a restart or a crash), and returns the run as now stored. Without it, such a run reads as
   * running until someone fixes the row.
   */
  settle?(project: ProjectStore, run: TestRun): Promise<TestRun>
  /**
   * The report of an ended run in one format (`json`: `anansi-test-report/v1`), from the store,
   * as `anansi test run` writes it. Without it `GET /api/v1/tests/{id}/report` answers 503.
   */
  report?(project: ProjectStore, run: TestRun, format: TestReportFormat): Promise<TestReportOutcome>
  /**
   * How `run` differs from `baseline` per (scenario, strategy), with McNemar significance, as
   * `anansi test compare` computes it. Without it the compare route answers 503.
   */
  compare?(project: ProjectStore, baseline: TestRun, run: TestRun): Promise<TestRunComparison>
}
