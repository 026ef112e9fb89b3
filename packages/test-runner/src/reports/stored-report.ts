import {
  jsonValueSchema,
  testRunConfigSchema,
  testRunSummarySchema,
  type TestReportFormat,
} from '@anansi/protocol'
import type { ProjectStore, TestResult, TestRun } from '@anansi/store'
import { TestRunnerError } from '../errors.js'
import { listAllResults, toScored } from '../runner.js'
import { loadBuiltinSuite } from '../scenarios/load.js'
import type { Scenario } from '../scenarios/scenario.js'
import { summarize, type RunSummary } from '../scoring/summary.js'
import { htmlReport } from './html.js'
import { junitReport } from './junit.js'
import { jsonReport, type ReportData } from './report-data.js'

/** The file each format is written to by `anansi test run`. */
export const REPORT_FILES: Readonly<Record<TestReportFormat, string>> = {
  json: 'report.json',
  html: 'report.html',
  junit: 'junit.xml',
}

/** One report of a run in the given format, from the same builders `anansi test run` uses. */
export function renderReport(data: ReportData, format: TestReportFormat): string {
  switch (format) {
    case 'json':
      return jsonReport(data)
    case 'html':
      return htmlReport(data)
    case 'junit':
      return junitReport(data)
  }
}

/**
 * Scores a run that ended without stored scores (a failed run: `runSuite` stores them only on
 * completion or cancel) from its suites' expectations. Only built-in suites can be reloaded; a
 * suite file, or a result whose scenario the library no longer has, leaves the run unscored.
 */
async function rescore(
  run: TestRun,
  results: readonly TestResult[],
  libraryDir: string | undefined,
): Promise<RunSummary | undefined> {
  const config = testRunConfigSchema.parse(run.config)
  const names = config.suites ?? run.suite.split('+')
  const scenarios: Scenario[] = []
  for (const name of names) {
    try {
      scenarios.push(...(await loadBuiltinSuite(name, libraryDir)).scenarios)
    } catch (error) {
      if (error instanceof TestRunnerError && error.code === 'unknown_name') return undefined
      throw error
    }
  }
  const scored = toScored(results, scenarios)
  // Scores over part of the results would misstate the run.
  if (scored.length !== results.length) return undefined
  return summarize(scored)
}

/**
 * What a report of a stored run shows: every stored result, the run's stored scores (or, for a
 * run that ended without them, scores recomputed from its built-in suites), and the run with its
 * config as the protocol defines it (the runner's own bookkeeping, such as which process executes
 * it, is left out). Undefined when the run has no scores and none can be recomputed.
 */
export async function storedReportData(
  store: ProjectStore,
  run: TestRun,
  options: { libraryDir?: string } = {},
): Promise<ReportData | undefined> {
  const results = await listAllResults(store, run.id)
  const summary =
    run.summary === undefined
      ? await rescore(run, results, options.libraryDir)
      : testRunSummarySchema.parse(run.summary)
  if (summary === undefined) return undefined
  const config = jsonValueSchema.parse(testRunConfigSchema.parse(run.config))
  return { run: { ...run, config }, summary, results }
}
