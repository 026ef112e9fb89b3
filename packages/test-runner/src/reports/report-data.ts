import type { TestResult, TestRun } from '@anansi/store'
import type { RunSummary } from '../scoring/summary.js'

/** Everything a report shows: the run, its scores and every result. */
export interface ReportData {
  run: TestRun
  summary: RunSummary
  results: readonly TestResult[]
  /** When the report was made (RFC 3339); the run's finish time when absent. */
  generatedAt?: string
}

/** The JSON report: stable keys, for CI artefacts and `anansi test compare`. */
export function jsonReport(data: ReportData): string {
  return (
    JSON.stringify(
      {
        format: 'anansi-test-report/v1',
        generatedAt: data.generatedAt ?? data.run.finishedAt ?? data.run.createdAt,
        run: data.run,
        summary: data.summary,
        results: data.results,
      },
      null,
      2,
    ) + '\n'
  )
}
