export {
  MAX_BATCH_BYTES,
  MAX_CONTEXT_DOCUMENTS,
  MAX_EVENT_BYTES,
  MAX_EVENTS_PER_BATCH,
  MAX_GATE_TIMEOUT_MS,
  MAX_ID_CHARS,
  MAX_MESSAGES,
  MAX_METADATA_KEYS,
  MAX_TAG_CHARS,
  MAX_TAGS,
} from './limits.js'
export {
  countSchema,
  durationMsSchema,
  jsonValueSchema,
  shortIdSchema,
  slugSchema,
  spanIdSchema,
  timestampSchema,
  traceIdSchema,
  unitScoreSchema,
  uuidSchema,
  uuidV7Schema,
  type JsonValue,
} from './primitives.js'
export {
  contentPartSchema,
  contentSchema,
  contextDocumentSchema,
  messageRoleSchema,
  messageSchema,
  retrievalContextSchema,
  toolCallSchema,
  type Content,
  type ContentPart,
  type ContextDocument,
  type Message,
  type ToolCall,
} from './content.js'
export {
  callErrorSchema,
  callStatusSchema,
  eventSchema,
  gateModeSchema,
  gateRequestSchema,
  metadataSchema,
  modelRefSchema,
  sdkInfoSchema,
  tokenUsageSchema,
  type CallError,
  type GateMode,
  type GateRequest,
  type LlmEvent,
  type ModelRef,
  type TokenUsage,
} from './event.js'
export {
  batchEnvelopeSchema,
  batchRequestSchema,
  batchResponseSchema,
  eventByteSize,
  eventResultSchema,
  eventResultStatusSchema,
  findProtoKeyPath,
  validateBatch,
  validateEvent,
  type BatchRequest,
  type BatchResponse,
  type EventResult,
  type EventResultStatus,
  type ValidatedBatch,
  type ValidatedBatchItem,
} from './batch.js'
export {
  BUILTIN_EVALUATORS,
  evaluationResultSchema,
  evaluatorTierSchema,
  textSpanSchema,
  type BuiltinEvaluatorName,
  type EvaluationResult,
  type EvaluatorTier,
  type TextSpan,
} from './evaluation.js'
export {
  anomalySchema,
  detectorMethodSchema,
  type Anomaly,
  type DetectorMethod,
} from './anomaly.js'
export {
  verdictActionSchema,
  verdictSchema,
  verdictSourceSchema,
  type Verdict,
  type VerdictSource,
} from './verdict.js'
export {
  alertConditionSchema,
  alertRuleCreateSchema,
  alertRuleSchema,
  alertRuleUpdateSchema,
  alertSchema,
  alertStatusSchema,
  severitySchema,
  type Alert,
  type AlertCondition,
  type AlertRule,
  type AlertRuleCreate,
  type AlertRuleUpdate,
  type AlertStatus,
  type Severity,
} from './alert.js'
export {
  webhookEventTypeSchema,
  webhookPayloadSchema,
  type WebhookEventType,
  type WebhookPayload,
} from './webhook.js'
export {
  webhookCreateSchema,
  webhookCreatedSchema,
  webhookDeliverySchema,
  webhookDeliveryStatusSchema,
  webhookEndpointSchema,
  webhookUpdateSchema,
  type WebhookCreate,
  type WebhookCreated,
  type WebhookDelivery,
  type WebhookDeliveryStatus,
  type WebhookEndpoint,
  type WebhookUpdate,
} from './webhook-endpoint.js'
export {
  projectInfoSchema,
  projectSettingsSchema,
  type ProjectInfo,
  type ProjectSettings,
} from './project.js'
export { nonEmptyPatch } from './patch.js'
export {
  ERROR_CODES,
  errorBodySchema,
  errorCodeSchema,
  issueSchema,
  type ErrorBody,
  type ErrorCode,
  type Issue,
} from './error-body.js'
export { toIssues } from './issues.js'
export { uuidv7, uuidv7Timestamp } from './uuidv7.js'
export { GEN_AI } from './genai-semconv.js'
export { messageRoleOf } from './message-role.js'
export { SPAN_STATUS_ERROR, type SpanEventLike, type SpanLike } from './otel/span-like.js'
export { type GenAiConvention } from './otel/span-content.js'
export { spanEventId } from './otel/span-event-id.js'
export { ANANSI_CATEGORY_ATTRIBUTE, ANANSI_EVENT_ID_ATTRIBUTE } from './otel/anansi-attributes.js'
export {
  spanToEvent,
  toSlug,
  type SpanMapping,
  type SpanMappingOptions,
} from './otel/span-to-event.js'
export { WIRE_SCHEMAS, type WireSchemaName } from './schemas.js'
export { toJsonSchema } from './json-schema.js'
export {
  TOPICS,
  eventEnvelopeSchema,
  eventMessageKey,
  verdictEnvelopeSchema,
  type EventEnvelope,
  type VerdictEnvelope,
} from './bus-messages.js'
export {
  evaluateRequestSchema,
  evaluateResponseSchema,
  storedEventSchema,
  type EvaluateRequest,
  type EvaluateResponse,
  type StoredEventBody,
} from './api-bodies.js'
export { componentRef, openApiComponents } from './openapi-components.js'
export {
  TEST_RUN_FINAL_STATES,
  testRateSchema,
  testReportFormatSchema,
  testReportSchema,
  testResultPageSchema,
  testResultSchema,
  testRunComparisonSchema,
  testRunConfigSchema,
  testRunParamsSchema,
  testRunProgressSchema,
  testRunProviderSchema,
  testRunRequestSchema,
  testRunSchema,
  testRunSocketMessageSchema,
  testRunStateSchema,
  testRunStatusMessageSchema,
  testRunSummarySchema,
  testScenarioChangeSchema,
  testSliceScoresSchema,
  type TestReport,
  type TestReportFormat,
  type TestResultBody,
  type TestResultPage,
  type TestRunBody,
  type TestRunComparison,
  type TestRunConfig,
  type TestRunEvent,
  type TestRunFinalState,
  type TestRunProgress,
  type TestRunProvider,
  type TestRunRequest,
  type TestRunRequestInput,
  type TestRunSocketMessage,
  type TestRunState,
  type TestRunSummary,
  type TestScenarioChange,
} from './test-run.js'
export { contentText, lastUserText, latestToolOutputs } from './content-text.js'
