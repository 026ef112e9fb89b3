import type { Content, Message } from '../content.js'
import { GEN_AI } from '../genai-semconv.js'
import {
  boundText,
  indexedMessages,
  messagesFrom,
  parseJsonAttr,
  systemMessage,
} from './span-messages.js'
import { stringAttr, type SpanLike } from './span-like.js'

/** Which instrumentation vocabulary a GenAI span was written in. */
export type GenAiConvention = 'genai' | 'openllmetry' | 'openinference'

/** What a span says went into and came out of the model. */
export interface SpanContent {
  input: Content
  output?: Content
}

const EMPTY: Content = { type: 'text', text: '' }

function asContent(messages: Message[] | undefined): Content | undefined {
  return messages === undefined ? undefined : { type: 'messages', messages }
}

function textContent(value: unknown): Content | undefined {
  return typeof value === 'string' && value.length > 0
    ? { type: 'text', text: boundText(value) }
    : undefined
}

/** A value that may be messages (JSON), else plain text. */
function messagesOrText(value: unknown): Content | undefined {
  return asContent(messagesFrom(value)) ?? textContent(value)
}

/** OpenInference's `input.value`/`output.value`: a request/response body as JSON, or plain text. */
function openInferenceValue(value: unknown, side: 'input' | 'output'): Content | undefined {
  const parsed = parseJsonAttr(value)
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
    const body = parsed as Record<string, unknown>
    if (side === 'input') return messagesOrText(body.messages ?? body.input ?? body.prompt)
    const choices = Array.isArray(body.choices) ? (body.choices as unknown[]) : undefined
    const messages = choices?.map((choice) =>
      typeof choice === 'object' && choice !== null
        ? ((choice as { message?: unknown; text?: unknown }).message ??
          (choice as { text?: unknown }).text)
        : choice,
    )
    return messagesOrText(messages ?? body.output ?? body.content)
  }
  return messagesOrText(value)
}

/** Content from the span events older GenAI conventions used (`gen_ai.content.prompt`). */
function fromEvents(span: SpanLike, event: string, key: string): Content | undefined {
  const found = span.events?.find((e) => e.name === event)
  return found?.attributes === undefined ? undefined : messagesOrText(found.attributes[key])
}

function genAiContent(span: SpanLike): SpanContent {
  const attributes = span.attributes
  const system = systemMessage(attributes[GEN_AI.systemInstructions])
  const messages = messagesFrom(attributes[GEN_AI.inputMessages])
  const input =
    messages === undefined && system === undefined
      ? (asContent(indexedMessages(attributes, 'gen_ai.prompt.')) ??
        fromEvents(span, 'gen_ai.content.prompt', 'gen_ai.prompt') ??
        textContent(attributes[GEN_AI.toolCallArguments]))
      : asContent([...(system === undefined ? [] : [system]), ...(messages ?? [])])
  const output =
    asContent(messagesFrom(attributes[GEN_AI.outputMessages])) ??
    asContent(indexedMessages(attributes, 'gen_ai.completion.')) ??
    fromEvents(span, 'gen_ai.content.completion', 'gen_ai.completion') ??
    textContent(attributes[GEN_AI.toolCallResult])
  return { input: input ?? EMPTY, ...(output === undefined ? {} : { output }) }
}

function openInferenceContent(span: SpanLike): SpanContent {
  const attributes = span.attributes
  const input =
    asContent(indexedMessages(attributes, 'llm.input_messages.', 'message.')) ??
    openInferenceValue(attributes['input.value'], 'input')
  const output =
    asContent(indexedMessages(attributes, 'llm.output_messages.', 'message.')) ??
    openInferenceValue(attributes['output.value'], 'output')
  return { input: input ?? EMPTY, ...(output === undefined ? {} : { output }) }
}

/** Reads the input and output of a GenAI span in its convention's vocabulary. */
export function spanContent(span: SpanLike, convention: GenAiConvention): SpanContent {
  return convention === 'openinference' ? openInferenceContent(span) : genAiContent(span)
}

/** Which convention a span follows, or undefined when it is not a GenAI span. */
export function detectConvention(
  attributes: Readonly<Record<string, unknown>>,
): GenAiConvention | undefined {
  const kind = stringAttr(attributes, 'openinference.span.kind')
  if (kind !== undefined) return kind.toUpperCase() === 'LLM' ? 'openinference' : undefined
  if (
    stringAttr(attributes, GEN_AI.operationName) !== undefined ||
    stringAttr(attributes, GEN_AI.providerName) !== undefined
  )
    return 'genai'
  // Before the GenAI conventions settled, OpenLLMetry wrote `gen_ai.system` and `llm.request.type`.
  if (
    stringAttr(attributes, GEN_AI.system) !== undefined ||
    stringAttr(attributes, 'llm.request.type') !== undefined
  )
    return 'openllmetry'
  if (stringAttr(attributes, GEN_AI.requestModel) !== undefined) return 'genai'
  return stringAttr(attributes, 'llm.model_name') === undefined ? undefined : 'openinference'
}
