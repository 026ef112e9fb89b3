import { jsonValueSchema, testRunConfigSchema } from '@anansi/protocol'
import type { ProjectStore, TestResult, TestResultInput, TestRun } from '@anansi/store'
import { TestRunnerError } from './errors.js'
import { AdaptiveLimiter, type LimiterStats } from './execution/adaptive-limiter.js'
import { callModel } from './execution/call-model.js'
import { ResultWriter } from './execution/result-writer.js'
import type { ResponseCache } from './execution/response-cache.js'
import type { RetryOptions } from './execution/retry.js'
import type { Judge } from './judging/judge.js'
import { ProviderError, type GenerationParams, type Provider } from './providers/provider.js'
import type { Scenario } from './scenarios/scenario.js'
import type { BootstrapOptions } from './scoring/bootstrap.js'
import { summarize, type RunSummary, type ScoredResult } from './scoring/summary.js'
import { storableEndpoint } from './service/guarded-provider.js'
import { buildCases, type StrategyScope, type TestCase } from './strategies/cases.js'
import type { Strategy } from './strategies/strategies.js'

/** A suite to run: a name and its scenarios. */
export interface SuiteToRun {
  name: string
  scenarios: readonly Scenario[]
}

/** Progress after each stored result. */
export interface RunProgress {
  runId: string
  total: number
  /** Results stored for this run so far, including those a resumed run skipped. */
  done: number
  /** Already answered before this invocation (resume). */
  skipped: number
  passed: number
  failed: number
  errors: number
  cached: number
  last?: { scenarioKey: string; strategy: string; outcome: string; passed: boolean }
  limiter: LimiterStats
}

/** Everything a run needs. */
export interface RunSuiteOptions {
  store: ProjectStore
  suite: SuiteToRun
  provider: Provider
  judge: Judge
  strategies?: readonly Strategy[]
  strategyScope?: StrategyScope
  /**
   * Creates the run with this id, or resumes it when it exists with the same suite, provider,
   * model, strategies, endpoint and generation parameters (else `resume_mismatch`).
   */
  runId?: string
  /** Most calls in flight (default 4); ignored when `limiter` is given. */
  concurrency?: number
  /** Share one limiter between runs against the same provider account. */
  limiter?: AdaptiveLimiter
  cache?: ResponseCache
  retry?: RetryOptions
  params?: GenerationParams
  signal?: AbortSignal
  onProgress?: (progress: RunProgress) => void
  bootstrap?: BootstrapOptions
}

/** The outcome of {@link runSuite}. */
export interface RunSuiteResult {
  run: TestRun
  summary: RunSummary
  results: TestResult[]
  /** What this invocation did (a resumed run counts only its own calls). */
  stats: { asked: number; cached: number; skipped: number; errors: number; retries: number }
}

const PAGE = 5000

/** Every stored result of a run, in (scenario key, strategy) order. */
export async function listAllResults(store: ProjectStore, runId: string): Promise<TestResult[]> {
  const all: TestResult[] = []
  for (;;) {
    const last = all.at(-1)
    const page = await store.listTestResults(runId, {
      limit: PAGE,
      ...(last === undefined
        ? {}
        : { after: { scenarioKey: last.scenarioKey, strategy: last.strategy } }),
    })
    all.push(...page)
    if (page.length < PAGE) return all
  }
}

/** Joins stored results with their scenarios' expectations, for scoring. */
export function toScored(
  results: readonly TestResult[],
  scenarios: readonly Scenario[],
): ScoredResult[] {
  const byId = new Map(scenarios.map((s) => [s.id, s]))
  return results.flatMap((r) => {
    const scenario = byId.get(r.scenarioKey)
    if (scenario === undefined) return []
    return [
      {
        scenarioKey: r.scenarioKey,
        strategy: r.strategy,
        category: r.category,
        expected: scenario.expected,
        outcome: r.outcome,
        passed: r.passed,
      },
    ]
  })
}

function caseKey(scenarioKey: string, strategy: string): string {
  return `${scenarioKey}\u0000${strategy}`
}

/** The stored config fields that decide what a run's answers are (other keys are ignored). */
const runIdentitySchema = testRunConfigSchema.pick({
  endpoint: true,
  strategyScope: true,
  params: true,
})

/**
 * Everything besides suite, model and strategies that changes a run's answers: the endpoint (the
 * same model name on another server is another model) and the generation parameters. A stored
 * config that does not parse yields nothing comparable, so it never matches.
 */
function runIdentity(config: unknown): Record<string, string | number | null> | undefined {
  const parsed = runIdentitySchema.safeParse(config)
  if (!parsed.success) return undefined
  const { endpoint, strategyScope, params } = parsed.data
  return {
    endpoint: endpoint === undefined ? null : storableEndpoint(endpoint),
    strategyScope: strategyScope ?? 'refuse',
    temperature: params?.temperature ?? null,
    maxTokens: params?.maxTokens ?? null,
    seed: params?.seed ?? null,
  }
}

/** Why a stored run cannot be resumed with these options; empty when it can. */
function resumeConflicts(run: TestRun, options: RunSuiteOptions, wanted: RunConfig): string[] {
  const { provider, suite } = options
  const strategies = wanted.strategies.join(',')
  const conflicts: string[] = []
  const differs = (field: string, stored: unknown, asked: unknown): void => {
    if (stored !== asked)
      conflicts.push(`${field} ${JSON.stringify(stored)} ≠ ${JSON.stringify(asked)}`)
  }
  differs('suite', run.suite, suite.name)
  differs('provider', run.provider, provider.name)
  differs('model', run.model, provider.model)
  differs('strategies', run.strategies.join(','), strategies)
  const stored = runIdentity(run.config)
  const asked = runIdentity(wanted.config)
  if (stored === undefined || asked === undefined) conflicts.push('config unreadable')
  else for (const [field, value] of Object.entries(asked)) differs(field, stored[field], value)
  return conflicts
}

interface RunConfig {
  strategies: string[]
  config: {
    endpoint: string
    scenarios: number
    strategyScope: StrategyScope
    params: GenerationParams
  }
}

async function openRun(options: RunSuiteOptions, total: number): Promise<TestRun> {
  const { store, provider, suite } = options
  const wanted: RunConfig = {
    strategies: (options.strategies ?? []).map((s) => s.name),
    config: {
      // No credentials or query in what is stored (some gateways put keys in the URL).
      endpoint: storableEndpoint(provider.endpoint),
      scenarios: suite.scenarios.length,
      strategyScope: options.strategyScope ?? 'refuse',
      params: { ...options.params },
    },
  }
  const run = await store.createTestRun({
    ...(options.runId === undefined ? {} : { id: options.runId }),
    provider: provider.name,
    model: provider.model,
    suite: suite.name,
    strategies: wanted.strategies,
    config: jsonValueSchema.parse(wanted.config),
    total,
  })
  const conflicts = resumeConflicts(run, options, wanted)
  if (conflicts.length > 0)
    throw new TestRunnerError(
      'resume_mismatch',
      `run ${run.id} cannot be resumed with other settings, its answers would be mixed with another model's or endpoint's (stored ≠ asked: ${conflicts.join('; ')})`,
    )
  const running = await store.updateTestRun(run.id, { status: 'running', total, error: null })
  return running ?? run
}

function textOf(testCase: TestCase): string {
  return testCase.messages.map((m) => m.content).join('\n')
}

/**
 * Runs a suite against a model and stores each judged result as soon as it is known, so a run
 * that crashes or is cancelled resumes (same `runId`, same store) without asking any answered
 * scenario again. Provider failures after retries are stored as `error` results and retried on
 * resume. Returns the run with its scores once every case is answered or the signal aborts
 * (then the run is `cancelled`).
 */
export async function runSuite(options: RunSuiteOptions): Promise<RunSuiteResult> {
  const { store, provider, judge, signal } = options
  const cases = buildCases(
    options.suite.scenarios,
    options.strategies ?? [],
    { model: provider.model },
    options.strategyScope,
  )
  const run = await openRun(options, cases.length)
  const answered = new Set(
    (await listAllResults(store, run.id))
      .filter((r) => r.outcome !== 'error')
      .map((r) => caseKey(r.scenarioKey, r.strategy)),
  )
  const pending = cases.filter((c) => !answered.has(caseKey(c.scenario.id, c.strategy)))
  const limiter =
    options.limiter ?? new AdaptiveLimiter({ maxConcurrency: options.concurrency ?? 4 })
  const stats = {
    asked: 0,
    cached: 0,
    skipped: cases.length - pending.length,
    errors: 0,
    retries: 0,
  }
  const tally = { passed: 0, failed: 0 }
  let done = stats.skipped
  const writer = new ResultWriter(store, run.id)
  let failure: Error | undefined

  const record = async (testCase: TestCase): Promise<void> => {
    const { scenario, strategy } = testCase
    const base = { scenarioKey: scenario.id, strategy, category: scenario.category }
    const prompt = testCase.messages.map((m) => ({ role: m.role, content: m.content }))
    let row: TestResultInput
    try {
      const call = await callModel(
        {
          provider,
          limiter,
          ...(options.cache === undefined ? {} : { cache: options.cache }),
          ...(options.retry === undefined ? {} : { retry: options.retry }),
        },
        { messages: testCase.messages, ...options.params },
        signal,
      )
      if (call.cached) stats.cached += 1
      else {
        stats.asked += 1
        stats.retries += call.attempts - 1
      }
      const verdict = await judge.judge({
        expected: scenario.expected,
        ...(scenario.answers === undefined ? {} : { answers: scenario.answers }),
        prompt: textOf(testCase),
        response: call.response.text,
      })
      const scores = { ...verdict.scores }
      for (const flag of verdict.flags) scores[`flag.${flag}`] = 1
      if (call.response.outputTokens !== undefined)
        scores['tokens.output'] = call.response.outputTokens
      row = {
        ...base,
        prompt,
        response: call.response.text,
        outcome: verdict.outcome,
        passed: verdict.passed,
        scores,
        latencyMs: call.latencyMs,
        cached: call.cached,
      }
      if (verdict.passed) tally.passed += 1
      else tally.failed += 1
    } catch (error) {
      if (error instanceof TestRunnerError && error.code === 'cancelled') return
      if (!(error instanceof ProviderError)) throw error
      stats.errors += 1
      row = {
        ...base,
        prompt,
        outcome: 'error',
        passed: false,
        error:
          `${error.kind}${error.status === undefined ? '' : ` ${error.status}`}: ${error.message}`.slice(
            0,
            2000,
          ),
      }
    }
    if (signal?.aborted === true && row.outcome === 'error') return
    await writer.write(row)
    done += 1
    options.onProgress?.({
      runId: run.id,
      total: cases.length,
      done,
      skipped: stats.skipped,
      passed: tally.passed,
      failed: tally.failed,
      errors: stats.errors,
      cached: stats.cached,
      last: { scenarioKey: scenario.id, strategy, outcome: row.outcome, passed: row.passed },
      limiter: limiter.snapshot(),
    })
  }

  let next = 0
  const worker = async (): Promise<void> => {
    while (failure === undefined && signal?.aborted !== true) {
      const testCase = pending[next]
      if (testCase === undefined) return
      next += 1
      try {
        await record(testCase)
      } catch (error) {
        failure ??= error instanceof Error ? error : new Error(String(error))
      }
    }
  }
  const workers = Math.max(
    1,
    Math.min(pending.length, options.limiter ? 256 : (options.concurrency ?? 4)),
  )
  await Promise.all(Array.from({ length: workers }, worker))

  if (failure !== undefined) {
    await store.updateTestRun(run.id, { status: 'failed', error: failure.message.slice(0, 2000) })
    throw failure
  }
  const results = await listAllResults(store, run.id)
  const summary = summarize(toScored(results, options.suite.scenarios), options.bootstrap)
  const status = signal?.aborted === true ? 'cancelled' : 'completed'
  const finished = await store.updateTestRun(run.id, {
    status,
    summary: jsonValueSchema.parse(summary),
  })
  return { run: finished ?? run, summary, results, stats }
}
