export { TestRunnerError, type TestRunnerErrorCode } from './errors.js'
export { LIBRARY_DIR } from './library-directory.js'
export {
  chatMessageSchema,
  expectedBehaviorSchema,
  scenarioMessages,
  scenarioSchema,
  scenarioSourceSchema,
  severitySchema,
  suiteFileSchema,
  type ChatMessage,
  type ExpectedBehavior,
  type Scenario,
  type ScenarioInput,
  type ScenarioSource,
  type Severity,
  type SuiteFile,
} from './scenarios/scenario.js'
export {
  listBuiltinSuites,
  loadBuiltinSuite,
  loadSuiteFile,
  parseSuite,
  resolveSuite,
} from './scenarios/load.js'
export {
  BUILTIN_STRATEGIES,
  composeStrategies,
  decodeBase64,
  encodeBase64,
  fillTemplate,
  leetspeak,
  resolveStrategy,
  splitPayload,
  templateStrategy,
  unleet,
  type Strategy,
  type StrategyContext,
} from './strategies/strategies.js'
export {
  jailbreakTemplateSchema,
  loadTemplates,
  templateMap,
  type JailbreakTemplate,
} from './strategies/templates.js'
export { buildCases, type StrategyScope, type TestCase } from './strategies/cases.js'
export {
  ProviderError,
  classifySdkError,
  parseRetryAfter,
  type CallOptions,
  type CompletionRequest,
  type CompletionResponse,
  type GenerationParams,
  type Provider,
  type ProviderFailureKind,
} from './providers/provider.js'
export {
  OpenAIProvider,
  defaultMaxTokensField,
  type MaxTokensField,
  type OpenAIProviderOptions,
} from './providers/openai.js'
export { AnthropicProvider, type AnthropicProviderOptions } from './providers/anthropic.js'
export {
  AdaptiveLimiter,
  type AdaptiveLimiterOptions,
  type LimiterStats,
} from './execution/adaptive-limiter.js'
export { backoffDelay, withRetries, type RetryOptions } from './execution/retry.js'
export { FileCache, MemoryCache, cacheKey, type ResponseCache } from './execution/response-cache.js'
export { callModel, type CallOutcome, type ModelCaller } from './execution/call-model.js'
export {
  EvaluatorJudge,
  decidePass,
  loadEvaluatorJudge,
  opensWithRefusal,
  type ComprehensiveEvaluator,
  type EvaluatorJudgeOptions,
  type Judge,
  type JudgeInput,
  type Judgement,
  type ResponseOutcome,
} from './judging/judge.js'
export { LlmJudge, type LlmJudgeOptions } from './judging/llm-judge.js'
export {
  bootstrapPairedDifference,
  bootstrapRate,
  mulberry32,
  type BootstrapOptions,
  type Rate,
} from './scoring/bootstrap.js'
export {
  summarize,
  type RunSummary,
  type ScoredResult,
  type SliceScores,
} from './scoring/summary.js'
export { checkGates, type GateFailure, type GateThresholds } from './scoring/gates.js'
export {
  listAllResults,
  runSuite,
  toScored,
  type RunProgress,
  type RunSuiteOptions,
  type RunSuiteResult,
  type SuiteToRun,
} from './runner.js'
export { jsonReport, type ReportData } from './reports/report-data.js'
export { htmlEscape, htmlReport } from './reports/html.js'
export { junitReport, xmlEscape } from './reports/junit.js'
export { REPORT_FILES, renderReport, storedReportData } from './reports/stored-report.js'
export {
  compareReports,
  mcnemarExact,
  parseReport,
  type ComparableReport,
  type ComparableRun,
  type Comparison,
  type ScenarioChange,
} from './compare.js'
export { TEST_EXIT, TEST_USAGE, runTestCommand, type TestCommandIo } from './cli/test-command.js'
export {
  INTERRUPTED,
  createTestRunService,
  toProgressMessage,
  type TestReportOutcome,
  type TestRunRejection,
  type TestRunServiceHandle,
  type TestRunServiceOptions,
  type TestRunStartResult,
} from './service/test-run-service.js'
export type { ProviderDefaults } from './service/run-plan.js'
export { judgeFromSuite } from './service/suite-judge.js'
