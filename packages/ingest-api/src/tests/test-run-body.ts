import {
  testResultSchema,
  testRunConfigSchema,
  testRunSummarySchema,
  type TestResultBody,
  type TestRunBody,
  type TestRunConfig,
  type TestRunSummary,
} from '@anansi/protocol'
import type { TestResult, TestRun } from '@anansi/store'

const promptSchema = testResultSchema.shape.prompt

/**
 * Whether a completed run's scores hold its gates. Rates leave provider errors out, so errors are
 * a gate of their own (none allowed unless `maxErrors` says so), and a pass rate with no data
 * never reaches `failUnder`: a run whose every call failed must not read as a passing model.
 */
export function passesGates(
  summary: TestRunSummary,
  config: Pick<TestRunConfig, 'failUnder' | 'maxErrors'>,
): boolean {
  if (summary.errors > (config.maxErrors ?? 0)) return false
  if (config.failUnder === undefined) return true
  return summary.passRate.rate !== null && summary.passRate.rate >= config.failUnder
}

/**
 * A stored run as the API shows it. The stored config and summary are parsed with the protocol's
 * schemas (unknown config keys are dropped), so nothing but the contract reaches a client; a row
 * that does not parse is a bug and throws (a reported 500).
 */
export function testRunBody(run: TestRun): TestRunBody {
  const config = testRunConfigSchema.parse(run.config)
  const summary = run.summary === undefined ? undefined : testRunSummarySchema.parse(run.summary)
  const gated = config.failUnder !== undefined || config.maxErrors !== undefined
  const passedThreshold =
    run.status === 'completed' && summary !== undefined && gated
      ? passesGates(summary, config)
      : undefined
  return {
    id: run.id,
    status: run.status,
    provider: run.provider,
    model: run.model,
    suite: run.suite,
    strategies: run.strategies,
    config,
    total: run.total,
    completed: run.completed,
    ...(summary === undefined ? {} : { summary }),
    ...(passedThreshold === undefined ? {} : { passedThreshold }),
    ...(run.error === undefined ? {} : { error: run.error }),
    createdAt: run.createdAt,
    ...(run.startedAt === undefined ? {} : { startedAt: run.startedAt }),
    ...(run.finishedAt === undefined ? {} : { finishedAt: run.finishedAt }),
  }
}

/** A stored result as the API shows it. */
export function testResultBody(result: TestResult): TestResultBody {
  return {
    id: result.id,
    runId: result.runId,
    scenarioKey: result.scenarioKey,
    strategy: result.strategy,
    category: result.category,
    prompt: promptSchema.parse(result.prompt),
    ...(result.response === undefined ? {} : { response: result.response }),
    outcome: result.outcome,
    passed: result.passed,
    scores: result.scores,
    ...(result.latencyMs === undefined ? {} : { latencyMs: result.latencyMs }),
    cached: result.cached,
    ...(result.error === undefined ? {} : { error: result.error }),
    createdAt: result.createdAt,
  }
}

/** The opaque cursor after a result: base64url of `[scenarioKey, strategy]`. */
export function resultCursor(result: Pick<TestResult, 'scenarioKey' | 'strategy'>): string {
  return Buffer.from(JSON.stringify([result.scenarioKey, result.strategy]), 'utf8').toString(
    'base64url',
  )
}

/** Reads a cursor made by {@link resultCursor}; undefined when it is not one. */
export function parseResultCursor(
  cursor: string,
): { scenarioKey: string; strategy: string } | undefined {
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    return undefined // not JSON, so not one of ours: the caller answers 400
  }
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    typeof value[0] !== 'string' ||
    typeof value[1] !== 'string'
  )
    return undefined
  return { scenarioKey: value[0], strategy: value[1] }
}
