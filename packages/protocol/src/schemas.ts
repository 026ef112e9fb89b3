import type { z } from 'zod'
import {
  alertRuleCreateSchema,
  alertRuleSchema,
  alertRuleUpdateSchema,
  alertSchema,
} from './alert.js'
import { evaluateRequestSchema, evaluateResponseSchema, storedEventSchema } from './api-bodies.js'
import { anomalySchema } from './anomaly.js'
import { batchRequestSchema, batchResponseSchema, eventResultSchema } from './batch.js'
import { messageSchema } from './content.js'
import { errorBodySchema } from './error-body.js'
import { evaluationResultSchema } from './evaluation.js'
import { eventSchema } from './event.js'
import { projectInfoSchema } from './project.js'
import {
  testReportSchema,
  testResultPageSchema,
  testResultSchema,
  testRunComparisonSchema,
  testRunRequestSchema,
  testRunSchema,
  testRunSocketMessageSchema,
} from './test-run.js'
import { verdictSchema } from './verdict.js'
import { webhookPayloadSchema } from './webhook.js'
import {
  webhookCreateSchema,
  webhookCreatedSchema,
  webhookDeliverySchema,
  webhookEndpointSchema,
  webhookUpdateSchema,
} from './webhook-endpoint.js'

/**
 * Every top-level wire contract by name. The JSON Schema export and the test vectors refer to
 * schemas by these names, so other languages can run the same vectors.
 */
export const WIRE_SCHEMAS = {
  event: eventSchema,
  message: messageSchema,
  batchRequest: batchRequestSchema,
  eventResult: eventResultSchema,
  batchResponse: batchResponseSchema,
  evaluationResult: evaluationResultSchema,
  anomaly: anomalySchema,
  verdict: verdictSchema,
  alert: alertSchema,
  alertRule: alertRuleSchema,
  alertRuleCreate: alertRuleCreateSchema,
  alertRuleUpdate: alertRuleUpdateSchema,
  webhookPayload: webhookPayloadSchema,
  webhookEndpoint: webhookEndpointSchema,
  webhookCreate: webhookCreateSchema,
  webhookUpdate: webhookUpdateSchema,
  webhookCreated: webhookCreatedSchema,
  webhookDelivery: webhookDeliverySchema,
  projectInfo: projectInfoSchema,
  errorBody: errorBodySchema,
  evaluateRequest: evaluateRequestSchema,
  evaluateResponse: evaluateResponseSchema,
  storedEvent: storedEventSchema,
  testRunRequest: testRunRequestSchema,
  testRun: testRunSchema,
  testResult: testResultSchema,
  testResultPage: testResultPageSchema,
  testRunSocketMessage: testRunSocketMessageSchema,
  testReport: testReportSchema,
  testRunComparison: testRunComparisonSchema,
} as const satisfies Record<string, z.ZodType>

/** The name of a wire contract. */
export type WireSchemaName = keyof typeof WIRE_SCHEMAS
