import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { validateEvent } from '../batch.js'
import { MAX_EVENT_BYTES } from '../limits.js'
import { uuidV7Schema } from '../primitives.js'
import type { SpanLike } from './span-like.js'
import { spanToEvent, type SpanMapping } from './span-to-event.js'

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
const SPAN = '00f067aa0ba902b7'
const START = Date.UTC(2025, 0, 2, 3, 4, 5, 678)

function span(attributes: Record<string, unknown>, extra: Partial<SpanLike> = {}): SpanLike {
  return {
    traceId: TRACE,
    spanId: SPAN,
    name: 'chat gpt-4o',
    startTimeMs: START,
    endTimeMs: START + 1234.5,
    attributes,
    ...extra,
  }
}

function eventOf(mapping: SpanMapping) {
  if (mapping.kind !== 'event') throw new Error(`expected an event, got ${mapping.reason}`)
  const checked = validateEvent(JSON.parse(JSON.stringify(mapping.event)), 0)
  if (!checked.ok) throw new Error(JSON.stringify(checked.issues))
  return checked.event
}

describe('spanToEvent', () => {
  it('maps a GenAI semantic-convention chat span, parts, system instructions and usage included', () => {
    const event = eventOf(
      spanToEvent(
        span(
          {
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': 'openai',
            'gen_ai.request.model': 'gpt-4o',
            'gen_ai.response.model': 'gpt-4o-2024-08-06',
            'gen_ai.usage.input_tokens': 12,
            'gen_ai.usage.output_tokens': 7,
            'gen_ai.conversation.id': 'conv-1',
            'gen_ai.response.finish_reasons': ['stop'],
            'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Be nice.' }]),
            'gen_ai.input.messages': JSON.stringify([
              { role: 'user', parts: [{ type: 'text', content: 'Hello' }] },
              {
                role: 'assistant',
                parts: [
                  { type: 'tool_call', id: 'c1', name: 'weather', arguments: { city: 'Oslo' } },
                ],
              },
              { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: 'rain' }] },
            ]),
            'gen_ai.output.messages': JSON.stringify([
              {
                role: 'assistant',
                parts: [{ type: 'text', content: 'It rains.' }],
                finish_reason: 'stop',
              },
            ]),
          },
          { resource: { 'service.name': 'chat-api' }, scope: '@traceloop/instrumentation-openai' },
        ),
        { category: 'chatbot' },
      ),
    )
    expect(event).toMatchObject({
      timestamp: new Date(START).toISOString(),
      model: { provider: 'openai', name: 'gpt-4o', responseModel: 'gpt-4o-2024-08-06' },
      category: 'chatbot',
      operation: 'chat',
      usage: { inputTokens: 12, outputTokens: 7 },
      latencyMs: 1234.5,
      status: 'ok',
      traceId: TRACE,
      spanId: SPAN,
      sessionId: 'conv-1',
      output: { type: 'messages', messages: [{ role: 'assistant', content: 'It rains.' }] },
      metadata: {
        'otel.convention': 'genai',
        'service.name': 'chat-api',
        'gen_ai.response.finish_reasons': ['stop'],
      },
    })
    expect(event.input).toEqual({
      type: 'messages',
      messages: [
        { role: 'system', content: 'Be nice.' },
        { role: 'user', content: 'Hello' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'c1', name: 'weather', arguments: '{"city":"Oslo"}' }],
        },
        { role: 'tool', content: 'rain', toolCallId: 'c1' },
      ],
    })
  })

  it("maps OpenLLMetry's indexed prompt/completion attributes and legacy token names", () => {
    const event = eventOf(
      spanToEvent(
        span({
          'gen_ai.system': 'OpenAI',
          'llm.request.type': 'completion',
          'gen_ai.request.model': 'gpt-3.5-turbo-instruct',
          'gen_ai.prompt.0.role': 'user',
          'gen_ai.prompt.0.content': 'Say hi',
          'gen_ai.completion.0.role': 'assistant',
          'gen_ai.completion.0.content': 'hi',
          'gen_ai.usage.prompt_tokens': 3,
          'gen_ai.usage.completion_tokens': 1,
        }),
      ),
    )
    expect(event).toMatchObject({
      model: { provider: 'openai', name: 'gpt-3.5-turbo-instruct' },
      operation: 'completion',
      category: 'default',
      input: { type: 'messages', messages: [{ role: 'user', content: 'Say hi' }] },
      output: { type: 'messages', messages: [{ role: 'assistant', content: 'hi' }] },
      usage: { inputTokens: 3, outputTokens: 1 },
      metadata: { 'otel.convention': 'openllmetry' },
    })
  })

  it('maps OpenInference LLM spans: flattened messages, tool calls, or input.value JSON', () => {
    const flattened = eventOf(
      spanToEvent(
        span({
          'openinference.span.kind': 'LLM',
          'llm.model_name': 'claude-3-5-sonnet',
          'llm.provider': 'anthropic',
          'llm.input_messages.0.message.role': 'system',
          'llm.input_messages.0.message.content': 'Be brief.',
          'llm.input_messages.1.message.role': 'user',
          'llm.input_messages.1.message.contents.0.message_content.text': 'Weather?',
          'llm.output_messages.0.message.role': 'assistant',
          'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'weather',
          'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': '{}',
          'llm.token_count.prompt': '10',
          'llm.token_count.completion': 2,
          'llm.token_count.total': 12,
          'session.id': 's-9',
          'user.id': 'u-1',
        }),
      ),
    )
    expect(flattened).toMatchObject({
      model: { provider: 'anthropic', name: 'claude-3-5-sonnet' },
      input: {
        type: 'messages',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Weather?' },
        ],
      },
      output: {
        type: 'messages',
        messages: [{ role: 'assistant', toolCalls: [{ name: 'weather', arguments: '{}' }] }],
      },
      usage: { inputTokens: 10, outputTokens: 2, totalTokens: 12 },
      sessionId: 's-9',
      userId: 'u-1',
    })
    const bodies = eventOf(
      spanToEvent(
        span({
          'openinference.span.kind': 'LLM',
          'llm.model_name': 'gpt-4o-mini',
          'input.value': JSON.stringify({
            model: 'gpt-4o-mini',
            messages: [{ role: 'user', content: 'Hi' }],
          }),
          'input.mime_type': 'application/json',
          'output.value': 'Hello there',
        }),
      ),
    )
    expect(bodies).toMatchObject({
      model: { provider: 'unknown', name: 'gpt-4o-mini' },
      input: { type: 'messages', messages: [{ role: 'user', content: 'Hi' }] },
      output: { type: 'text', text: 'Hello there' },
    })
  })

  it('records a failed span as an error event with the exception type and message', () => {
    const event = eventOf(
      spanToEvent(
        span(
          { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' },
          {
            status: { code: 2 },
            events: [
              {
                name: 'exception',
                attributes: { 'exception.type': 'RateLimitError', 'exception.message': '429' },
              },
            ],
          },
        ),
      ),
    )
    expect(event).toMatchObject({
      status: 'error',
      error: { type: 'RateLimitError', message: '429' },
      input: { type: 'text', text: '' },
    })
  })

  it('ignores spans that are not GenAI model calls, and spans the Anansi SDK made', () => {
    expect(spanToEvent(span({ 'http.request.method': 'GET' }))).toEqual({
      kind: 'ignored',
      reason: 'not_genai',
    })
    expect(
      spanToEvent(span({ 'openinference.span.kind': 'CHAIN', 'input.value': 'x' })),
    ).toMatchObject({ kind: 'ignored', reason: 'not_genai' })
    expect(
      spanToEvent(span({ 'gen_ai.operation.name': 'chat', 'anansi.event.id': 'x' })),
    ).toMatchObject({ kind: 'ignored', reason: 'anansi_sdk' })
  })

  it('derives the same UUIDv7 for the same span, a different one for another span', () => {
    const attributes = { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'm' }
    const a = eventOf(spanToEvent(span(attributes)))
    const b = eventOf(spanToEvent(span(attributes)))
    const c = eventOf(spanToEvent(span(attributes, { spanId: '00f067aa0ba902b8' })))
    expect(uuidV7Schema.safeParse(a.id).success).toBe(true)
    expect(a.id).toBe(b.id)
    expect(c.id).not.toBe(a.id)
    expect(a.id.startsWith(START.toString(16).padStart(12, '0').slice(0, 8))).toBe(true)
  })

  it('fits huge content into the event size limit', () => {
    const big = 'x'.repeat(MAX_EVENT_BYTES)
    const event = eventOf(
      spanToEvent(
        span({
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'm',
          'gen_ai.input.messages': JSON.stringify(
            Array.from({ length: 40 }, () => ({ role: 'user', content: big })),
          ),
          'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', content: big }]),
        }),
      ),
    )
    expect(event.input.type).toBe('messages')
  })

  it('reads roles and operations named like Object.prototype members as unknown', () => {
    for (const name of ['__proto__', 'constructor', 'toString']) {
      const event = eventOf(
        spanToEvent(
          span({
            'gen_ai.operation.name': name,
            'gen_ai.request.model': 'gpt-4o',
            'gen_ai.input.messages': JSON.stringify([
              { role: name, parts: [{ type: 'text', content: 'hi' }] },
            ]),
          }),
        ),
      )
      expect(event.operation).toBe('other')
      expect(event.input).toMatchObject({ type: 'messages', messages: [{ role: 'user' }] })
    }
  })

  it('turns any attributes into either an ignored span or a valid event (property)', () => {
    const keys = fc.constantFrom(
      'gen_ai.operation.name',
      'gen_ai.provider.name',
      'gen_ai.system',
      'gen_ai.request.model',
      'gen_ai.response.model',
      'gen_ai.input.messages',
      'gen_ai.output.messages',
      'gen_ai.system_instructions',
      'gen_ai.usage.input_tokens',
      'gen_ai.prompt.0.content',
      'gen_ai.prompt.1.role',
      'gen_ai.completion.0.content',
      'gen_ai.conversation.id',
      'openinference.span.kind',
      'llm.model_name',
      'llm.input_messages.0.message.content',
      'llm.output_messages.0.message.role',
      'input.value',
      'output.value',
      'anansi.category',
      'error.type',
    )
    const message = fc.record({
      role: fc.oneof(
        fc.constantFrom('user', 'assistant', 'tool', 'system'),
        fc.constantFrom('__proto__', 'constructor', 'toString'),
        fc.string(),
      ),
      parts: fc.array(
        fc.oneof(
          fc.record({ type: fc.constant('text'), content: fc.string() }),
          fc.record({
            type: fc.constant('tool_call'),
            id: fc.string(),
            name: fc.string(),
            arguments: fc.jsonValue(),
          }),
          fc.record({
            type: fc.constant('tool_call_response'),
            id: fc.string(),
            response: fc.jsonValue(),
          }),
          fc.record({
            type: fc.constantFrom('uri', 'blob', 'file'),
            modality: fc.string(),
            mime_type: fc.string(),
          }),
        ),
        { maxLength: 4 },
      ),
    })
    const value = fc.oneof(
      fc.string(),
      fc.constantFrom('LLM', 'chat', 'execute_tool', 'OpenAI', '__proto__', 'constructor'),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.array(message, { maxLength: 4 }).map((m) => JSON.stringify(m)),
      fc.jsonValue().map((v) => JSON.stringify(v)),
    )
    fc.assert(
      fc.property(
        fc.dictionary(keys, value),
        fc.constantFrom(0, 1, 2),
        fc.double({ noNaN: false }),
        (attributes, code, start) => {
          const mapping = spanToEvent(span(attributes, { status: { code }, startTimeMs: start }))
          if (mapping.kind === 'event') eventOf(mapping)
        },
      ),
      // Year 10000 needs a six-digit ISO year: found by CI.
      { numRuns: 300, examples: [[{ 'gen_ai.operation.name': '[]' }, 0, 253402300800000]] },
    )
  })
})
