import { z } from 'zod'
import { countSchema, durationMsSchema, timestampSchema, uuidSchema } from './primitives.js'

/** Model APIs a safety test run can target: OpenAI (and any OpenAI-compatible URL) or Anthropic. */
export const testRunProviderSchema = z.enum(['openai', 'anthropic'])

/** Where a test run is in its life; `completed`, `failed` and `cancelled` are final. */
export const testRunStateSchema = z.enum(['queued', 'running', 'completed', 'failed', 'cancelled'])

/** The final states of a test run. */
export const TEST_RUN_FINAL_STATES = ['completed', 'failed', 'cancelled'] as const

/** A built-in suite name (file paths are never accepted over the API). */
const suiteNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'expected a built-in suite name such as harmbench')

/** A strategy chain: `base64`, `dan`, `template:<id>`, `base64+template:dan`. */
const strategyNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9_:.-]{1,96}(\+[A-Za-z0-9_:.-]{1,96}){0,3}$/,
    'expected a strategy such as base64, dan, template:<id>, or a chain joined with +',
  )

/** Generation parameters sent with every scenario (part of the response cache key). */
export const testRunParamsSchema = z.strictObject({
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.int().min(1).max(32_768).optional(),
})

/**
 * The body of `POST /api/v1/tests/run`: one or more built-in suites against one model, optionally
 * wrapped in jailbreak strategies. `apiKey` is held in memory for this run only: it is never
 * stored, logged or returned (a restarted server cannot resume the run with it).
 */
export const testRunRequestSchema = z.strictObject({
  provider: testRunProviderSchema.default('openai'),
  model: z.string().min(1).max(256),
  baseURL: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional()
    .describe('an OpenAI-compatible (or Anthropic) endpoint; the provider default when absent'),
  apiKey: z
    .string()
    .min(1)
    .max(4096)
    .optional()
    .describe('the provider key for this run; kept in memory only, never stored or returned'),
  suite: z
    .union([suiteNameSchema, z.array(suiteNameSchema).min(1).max(16)])
    .describe('a built-in suite name, or several'),
  strategies: z.array(strategyNameSchema).max(32).default([]),
  baseline: z
    .boolean()
    .default(true)
    .describe('with strategies: also send each attacked scenario as written (strategy none)'),
  concurrency: z.int().min(1).max(64).default(4),
  limit: z.int().min(1).max(100_000).optional().describe('the first N scenarios of each suite'),
  params: testRunParamsSchema.default({}),
  failUnder: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe(
      'a completed run whose pass rate is below this, or that judged nothing, has passedThreshold false',
    ),
  maxErrors: z
    .int()
    .min(0)
    .max(100_000)
    .optional()
    .describe(
      'a completed run with more scenarios ended in provider errors than this has passedThreshold false (0 when absent)',
    ),
})

/** How a run was configured, as stored with it (never a secret). */
export const testRunConfigSchema = z.object({
  endpoint: z.string().max(2048).optional(),
  scenarios: countSchema.optional(),
  strategyScope: z.enum(['refuse', 'all']).optional(),
  params: z
    .object({
      temperature: z.number().optional(),
      maxTokens: z.int().optional(),
      seed: z.int().optional(),
    })
    .optional(),
  suites: z.array(z.string()).optional(),
  baseline: z.boolean().optional(),
  concurrency: countSchema.optional(),
  limit: countSchema.optional(),
  failUnder: z.number().min(0).max(1).optional(),
  maxErrors: countSchema.optional(),
})

/** A rate with its percentile-bootstrap 95% interval; `rate` and `ci95` are null when `n` is 0. */
export const testRateSchema = z.object({
  k: countSchema,
  n: countSchema,
  rate: z.number().min(0).max(1).nullable(),
  ci95: z.tuple([z.number(), z.number()]).nullable(),
})

/** Scores over one slice of results (all, one category, one strategy). */
export const testSliceScoresSchema = z.object({
  answered: countSchema,
  errors: countSchema,
  passRate: testRateSchema,
  attackSuccessRate: testRateSchema.describe('share of refuse scenarios not refused'),
  overRefusalRate: testRateSchema.describe('share of comply scenarios refused, fully or partly'),
})

/** The scores of a finished run: overall, per category and per strategy. */
export const testRunSummarySchema = testSliceScoresSchema.extend({
  total: countSchema,
  byCategory: z.record(z.string(), testSliceScoresSchema),
  byStrategy: z.record(z.string(), testSliceScoresSchema),
  bootstrap: z.object({ resamples: countSchema, seed: z.int() }),
})

/** A test run as `GET /api/v1/tests/{id}/status` shows it. */
export const testRunSchema = z.strictObject({
  id: uuidSchema,
  status: testRunStateSchema,
  provider: z.string(),
  model: z.string(),
  suite: z.string(),
  strategies: z.array(z.string()),
  config: testRunConfigSchema,
  total: countSchema,
  completed: countSchema.describe('results stored so far'),
  summary: testRunSummarySchema.optional().describe('present once the run has ended'),
  passedThreshold: z
    .boolean()
    .optional()
    .describe(
      'for a completed run with failUnder or maxErrors: whether the pass rate reached failUnder (a run that judged nothing never does) and provider errors stayed within maxErrors (default 0)',
    ),
  error: z.string().optional(),
  createdAt: timestampSchema,
  startedAt: timestampSchema.optional(),
  finishedAt: timestampSchema.optional(),
})

/** One chat turn as sent to the model. */
const sentMessageSchema = z.object({ role: z.string(), content: z.string() })

/** One judged scenario × strategy of a run. */
export const testResultSchema = z.strictObject({
  id: uuidSchema,
  runId: uuidSchema,
  scenarioKey: z.string(),
  strategy: z.string(),
  category: z.string(),
  prompt: z.array(sentMessageSchema).describe('the conversation sent, after the strategy'),
  response: z.string().optional(),
  outcome: z.enum(['refused', 'complied', 'partial', 'error']),
  passed: z.boolean(),
  scores: z.record(z.string(), z.number()),
  latencyMs: durationMsSchema.optional(),
  cached: z.boolean(),
  error: z.string().optional(),
  createdAt: timestampSchema,
})

/** A page of results, in (scenario, strategy) order; `nextCursor` fetches the next page. */
export const testResultPageSchema = z.strictObject({
  results: z.array(testResultSchema),
  nextCursor: z.string().optional(),
})

/** How a judged answer ended: refused, complied, partly refused, or no answer (a provider error). */
const testOutcomeSchema = z.enum(['refused', 'complied', 'partial', 'error'])

/** The formats a run's report comes in: `json` (`anansi-test-report/v1`), `html`, `junit` XML. */
export const testReportFormatSchema = z.enum(['json', 'html', 'junit'])

/**
 * The JSON report of an ended run (`anansi-test-report/v1`): what `anansi test run` writes as
 * report.json, what `GET /api/v1/tests/{id}/report` answers, and what `anansi test compare` reads.
 * The results are every stored result; a cancelled or failed run's report is partial, and its
 * `run.status` says so.
 */
export const testReportSchema = z.strictObject({
  format: z.literal('anansi-test-report/v1'),
  generatedAt: timestampSchema.describe('when the run ended (its creation time if it never ran)'),
  run: testRunSchema,
  summary: testRunSummarySchema,
  results: z.array(testResultSchema),
})

/** One (scenario, strategy) whose verdict differs between the two runs compared. */
export const testScenarioChangeSchema = z.strictObject({
  scenarioKey: z.string(),
  strategy: z.string(),
  category: z.string(),
  before: testOutcomeSchema.describe('the outcome in run a (the baseline)'),
  after: testOutcomeSchema.describe('the outcome in run b'),
})

const proportionSchema = z.number().min(0).max(1).nullable()

/**
 * How run `b` differs from the baseline `a` on the (scenario, strategy) pairs both answered
 * (provider errors left out), as `GET /api/v1/tests/{id}/compare/{baseline}` and `anansi test
 * compare A B --json` show it.
 */
export const testRunComparisonSchema = z.strictObject({
  a: uuidSchema.describe('the baseline run'),
  b: uuidSchema.describe('the run compared with the baseline'),
  paired: countSchema.describe('pairs answered in both runs'),
  passRateA: proportionSchema,
  passRateB: proportionSchema,
  difference: z
    .number()
    .min(-1)
    .max(1)
    .nullable()
    .describe('passRateB − passRateA; null when nothing is paired'),
  ci95: z
    .tuple([z.number(), z.number()])
    .nullable()
    .describe('paired percentile-bootstrap 95% interval of the difference'),
  pValue: z.number().min(0).max(1).describe('exact two-sided McNemar test on the changed pairs'),
  significant: z.boolean().describe('pValue < 0.05'),
  regressions: z.array(testScenarioChangeSchema).describe('passed in a, failed in b'),
  fixes: z.array(testScenarioChangeSchema).describe('failed in a, passed in b'),
})

/** Live progress after each stored result, as `WS /ws/tests/{id}` sends it. */
export const testRunProgressSchema = z.strictObject({
  type: z.literal('progress'),
  runId: uuidSchema,
  total: countSchema,
  done: countSchema.describe('results stored, including those a resumed run skipped'),
  skipped: countSchema,
  passed: countSchema,
  failed: countSchema,
  errors: countSchema,
  cached: countSchema,
  last: z
    .strictObject({
      scenarioKey: z.string(),
      strategy: z.string(),
      outcome: z.enum(['refused', 'complied', 'partial', 'error']),
      passed: z.boolean(),
    })
    .optional(),
  concurrencyLimit: countSchema.describe('the adaptive limit now (it halves on 429)'),
})

/** The run's status: the first message on `WS /ws/tests/{id}`, and the last once it ends. */
export const testRunStatusMessageSchema = z.strictObject({
  type: z.literal('status'),
  run: testRunSchema,
})

/** Every message `WS /ws/tests/{id}` sends. */
export const testRunSocketMessageSchema = z.discriminatedUnion('type', [
  testRunStatusMessageSchema,
  testRunProgressSchema,
])

/** The test-run provider name as a TypeScript type. */
export type TestRunProvider = z.infer<typeof testRunProviderSchema>
/** A test run's state as a TypeScript type. */
export type TestRunState = z.infer<typeof testRunStateSchema>
/** A final state of a test run. */
export type TestRunFinalState = (typeof TEST_RUN_FINAL_STATES)[number]
/** The run request after validation (defaults applied). */
export type TestRunRequest = z.infer<typeof testRunRequestSchema>
/** The run request as a client writes it (defaults optional). */
export type TestRunRequestInput = z.input<typeof testRunRequestSchema>
/** A run's stored configuration as a TypeScript type. */
export type TestRunConfig = z.infer<typeof testRunConfigSchema>
/** A run's scores as a TypeScript type. */
export type TestRunSummary = z.infer<typeof testRunSummarySchema>
/** A test run (status body) as a TypeScript type. */
export type TestRunBody = z.infer<typeof testRunSchema>
/** A judged result as a TypeScript type. */
export type TestResultBody = z.infer<typeof testResultSchema>
/** A page of results as a TypeScript type. */
export type TestResultPage = z.infer<typeof testResultPageSchema>
/** A report format as a TypeScript type. */
export type TestReportFormat = z.infer<typeof testReportFormatSchema>
/** A JSON report (`anansi-test-report/v1`) as a TypeScript type. */
export type TestReport = z.infer<typeof testReportSchema>
/** A changed verdict between two runs as a TypeScript type. */
export type TestScenarioChange = z.infer<typeof testScenarioChangeSchema>
/** A comparison of two runs as a TypeScript type. */
export type TestRunComparison = z.infer<typeof testRunComparisonSchema>
/** A progress message as a TypeScript type. */
export type TestRunProgress = z.infer<typeof testRunProgressSchema>
/** A WebSocket message of a test run as a TypeScript type. */
export type TestRunSocketMessage = z.infer<typeof testRunSocketMessageSchema>

/**
 * What a running test-run service tells its in-process subscribers (not a wire message): progress
 * after each result, then `ended` once the run's final state is stored.
 */
export type TestRunEvent = TestRunProgress | { type: 'ended'; status: TestRunFinalState }
