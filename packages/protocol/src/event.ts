import { z } from 'zod'
import { contentSchema, retrievalContextSchema } from './content.js'
import { MAX_GATE_TIMEOUT_MS, MAX_METADATA_KEYS, MAX_TAGS, MAX_TAG_CHARS } from './limits.js'
import {
  countSchema,
  durationMsSchema,
  jsonValueSchema,
  shortIdSchema,
  slugSchema,
  spanIdSchema,
  timestampSchema,
  traceIdSchema,
  uuidV7Schema,
} from './primitives.js'

/** Token usage of one call (`gen_ai.usage.*`). */
export const tokenUsageSchema = z.strictObject({
  inputTokens: countSchema.optional(),
  outputTokens: countSchema.optional(),
  totalTokens: countSchema.optional(),
})

/** Whether the call succeeded; failed calls are events too (error rate is a monitored metric). */
export const callStatusSchema = z.enum(['ok', 'error'])

/** The error a failed call raised, recorded before it was re-thrown to the application. */
export const callErrorSchema = z.strictObject({
  type: z.string().min(1).max(256),
  message: z.string().max(8192),
  code: z.string().max(256).optional(),
  httpStatus: z.int().min(100).max(599).optional(),
})

/** How the SDK wants the answer gated: observe never waits; block and fallback wait for a verdict. */
export const gateModeSchema = z.enum(['observe', 'block', 'fallback'])

/** The gating request an event carries. */
export const gateRequestSchema = z.strictObject({
  mode: gateModeSchema,
  timeoutMs: z.int().min(0).max(MAX_GATE_TIMEOUT_MS).optional(),
  onTimeout: z.enum(['allow', 'block']).optional(),
})

/** Model identity (`gen_ai.provider.name`, `gen_ai.request.model`, `gen_ai.response.model`). */
export const modelRefSchema = z.strictObject({
  provider: slugSchema.describe('gen_ai.provider.name, e.g. openai, anthropic, aws.bedrock'),
  name: shortIdSchema.describe('gen_ai.request.model'),
  responseModel: shortIdSchema.optional().describe('gen_ai.response.model when it differs'),
})

/** The SDK that produced the event. */
export const sdkInfoSchema = z.strictObject({
  name: z.string().min(1).max(64),
  version: z.string().min(1).max(64),
})

/** Free-form metadata: a JSON object with a bounded number of top-level keys. */
export const metadataSchema = z
  .record(z.string().min(1).max(128), jsonValueSchema)
  .refine((value) => Object.keys(value).length <= MAX_METADATA_KEYS, {
    message: `at most ${MAX_METADATA_KEYS} metadata keys`,
  })

/**
 * One monitored LLM call. The project is never part of the body: it comes from the API key.
 * Unknown top-level fields are rejected so that typos surface; put extensions in `metadata`.
 */
export const eventSchema = z.strictObject({
  id: uuidV7Schema,
  timestamp: timestampSchema,
  model: modelRefSchema,
  category: slugSchema.describe('application category, e.g. chatbot, rag, agent'),
  operation: z.enum(['chat', 'completion', 'embeddings', 'tool', 'agent', 'other']).optional(),
  input: contentSchema,
  output: contentSchema.optional(),
  context: retrievalContextSchema.optional(),
  usage: tokenUsageSchema.optional(),
  latencyMs: durationMsSchema.optional(),
  timeToFirstTokenMs: durationMsSchema.optional(),
  status: callStatusSchema,
  error: callErrorSchema.optional(),
  traceId: traceIdSchema.optional(),
  spanId: spanIdSchema.optional(),
  sessionId: shortIdSchema.optional(),
  userId: shortIdSchema.optional(),
  tags: z.array(z.string().min(1).max(MAX_TAG_CHARS)).max(MAX_TAGS).optional(),
  metadata: metadataSchema.optional(),
  gate: gateRequestSchema.optional(),
  sdk: sdkInfoSchema.optional(),
})

/** Token usage as a TypeScript type. */
export type TokenUsage = z.infer<typeof tokenUsageSchema>
/** A recorded call error as a TypeScript type. */
export type CallError = z.infer<typeof callErrorSchema>
/** Gate mode as a TypeScript type. */
export type GateMode = z.infer<typeof gateModeSchema>
/** Gating request as a TypeScript type. */
export type GateRequest = z.infer<typeof gateRequestSchema>
/** Model identity as a TypeScript type. */
export type ModelRef = z.infer<typeof modelRefSchema>
/** One monitored LLM call as a TypeScript type. */
export type LlmEvent = z.infer<typeof eventSchema>
