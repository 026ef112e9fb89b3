import {
  ANANSI_CATEGORY_ATTRIBUTE,
  ANANSI_EVENT_ID_ATTRIBUTE,
  GEN_AI,
  type LlmEvent,
  type Verdict,
} from '@anansi/protocol'
import type { CallRecord } from '../core/call-record.js'
import type { LastEvaluation } from '../gating/last-evaluation.js'
import type { SpanAttributes } from './otel-api.js'

/** The event id on the SDK's own spans; the OTLP receiver and the span exporter skip such spans. */
export const EVENT_ID_ATTRIBUTE = ANANSI_EVENT_ID_ATTRIBUTE

const OPERATION_NAMES: Readonly<Record<NonNullable<LlmEvent['operation']>, string>> = {
  chat: 'chat',
  completion: 'text_completion',
  embeddings: 'embeddings',
  tool: 'execute_tool',
  agent: 'invoke_agent',
  other: 'chat',
}

/** `gen_ai.operation.name` of a call; `track` without an operation is taken as a chat call. */
export function operationName(record: CallRecord): string {
  return OPERATION_NAMES[record.operation ?? 'chat']
}

/** The span name the GenAI conventions ask for: `{operation} {model}`. */
export function spanName(record: CallRecord): string {
  return `${operationName(record)} ${record.model}`
}

/** Attributes without the absent ones (the SDK would record an empty value for them). */
function defined(attributes: SpanAttributes): SpanAttributes {
  const out: SpanAttributes = {}
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) out[key] = value
  return out
}

/** What is known when a call starts. */
export function startAttributes(record: CallRecord): SpanAttributes {
  return defined({
    [GEN_AI.operationName]: operationName(record),
    [GEN_AI.providerName]: record.provider,
    [GEN_AI.requestModel]: record.model,
    [GEN_AI.conversationId]: record.scope?.sessionId,
    [ANANSI_CATEGORY_ATTRIBUTE]: record.category,
  })
}

/** What is known when a call ends: the response model, token usage, the error type. */
export function endAttributes(record: CallRecord): SpanAttributes {
  return defined({
    [GEN_AI.responseModel]:
      record.responseModel ?? (record.status === 'ok' ? record.model : undefined),
    [GEN_AI.usageInputTokens]: record.usage?.inputTokens,
    [GEN_AI.usageOutputTokens]: record.usage?.outputTokens,
    [GEN_AI.errorType]: record.error?.type,
  })
}

/** The gate's decision on the span: what was done with the answer, and why. */
export function gateAttributes(evaluation: LastEvaluation): SpanAttributes {
  return defined({
    'anansi.gate.action': evaluation.action,
    'anansi.gate.reason': evaluation.reason,
    'anansi.gate.decided_by': evaluation.decidedBy,
    'anansi.gate.waited_ms': Math.round(evaluation.waitedMs * 1000) / 1000,
    'anansi.verdict.safe': evaluation.verdict?.safe,
    'anansi.verdict.score': evaluation.verdict?.score,
  })
}

/** One `gen_ai.evaluation.result` event per evaluator result of a verdict. */
export function evaluationEvents(verdict: Verdict): { name: string; attributes: SpanAttributes }[] {
  return verdict.evaluations.map((result) => ({
    name: GEN_AI.evaluationResultEvent,
    attributes: {
      [GEN_AI.evaluationName]: result.evaluator,
      [GEN_AI.evaluationScoreValue]: result.score,
      [GEN_AI.evaluationScoreLabel]: result.label,
      'anansi.evaluation.flagged': result.flagged,
      'anansi.evaluation.threshold': result.threshold,
      'anansi.evaluation.model': `${result.modelId}@${result.modelVersion}`,
      'anansi.evaluation.target': result.target,
    },
  }))
}
