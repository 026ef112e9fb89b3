import Anthropic from '@anthropic-ai/sdk'
import { verdictSchema } from '@anansi/protocol'
import OpenAI from 'openai'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ConfigError, UnsafeResponseError, type WrapOptions } from '../src/node.js'
import { startFakeProvider, type FakeProvider } from './fixtures/fake-provider.js'
import { startIngestReceiver, type IngestReceiver } from './fixtures/ingest-receiver.js'
import { testMonitor, type TestMonitor } from './fixtures/test-monitor.js'

// The receiver judges an answer unsafe when it contains "UNSAFE"; the fake provider answers
// "say: <text>" with <text>, streamed in 8-character pieces.
let provider: FakeProvider
let receiver: IngestReceiver
let current: TestMonitor | undefined
beforeAll(async () => {
  provider = await startFakeProvider({ delayMs: 1 })
})
afterAll(async () => {
  await provider.close()
})
beforeEach(async () => {
  receiver = await startIngestReceiver()
})
afterEach(async () => {
  await current?.monitor.shutdown()
  current = undefined
  expect(receiver.invalid).toEqual([])
  await receiver.close()
})

const UNSAFE = 'UNSAFE answer that the platform refuses, streamed in pieces.'
const SAFE = 'A perfectly friendly answer, streamed in pieces.'
const FALLBACK = 'Sorry, I cannot help with that.'

async function caught(promise: PromiseLike<unknown>): Promise<unknown> {
  return Promise.resolve(promise).then(
    () => undefined,
    (error: unknown) => error,
  )
}

/** A started monitor (shut down after the test) with the verdict socket open. */
async function started(options: Parameters<typeof testMonitor>[1] = {}): Promise<TestMonitor> {
  current = testMonitor(receiver, options)
  await current.monitor.warmUp()
  return current
}

const openaiClient = (url = provider.url): OpenAI =>
  new OpenAI({ apiKey: 'sk-test', baseURL: `${url}/v1`, maxRetries: 0 })
const anthropicClient = (): Anthropic =>
  new Anthropic({ apiKey: 'sk-ant-test', baseURL: provider.url, maxRetries: 0 })

async function openaiWith(gate: WrapOptions['gate']): Promise<OpenAI> {
  const { monitor } = await started()
  return monitor.wrapOpenAI(openaiClient(), { gate })
}

/** Streams a chat completion; the chunks as JSON, and the text they carry. */
async function chatStream(
  openai: OpenAI,
  answer: string,
): Promise<{ chunks: string[]; text: string }> {
  const stream = await openai.chat.completions.create({
    model: 'm',
    messages: [{ role: 'user', content: `say: ${answer}` }],
    stream: true,
    stream_options: { include_usage: true },
  })
  const chunks: string[] = []
  let text = ''
  for await (const chunk of stream) {
    chunks.push(JSON.stringify(chunk))
    text += chunk.choices[0]?.delta.content ?? ''
  }
  return { chunks, text }
}

describe('wrapOpenAI chat.completions under block', () => {
  it('returns safe answers and throws UnsafeResponseError (with the verdict) for unsafe ones', async () => {
    const openai = await openaiWith({ mode: 'block', timeoutMs: 2_000 })
    const ok = await openai.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: `say: ${SAFE}` }],
    })
    expect(ok.choices[0]?.message.content).toBe(SAFE)
    const error = await caught(
      openai.chat.completions.create({
        model: 'm',
        messages: [{ role: 'user', content: `say: ${UNSAFE}` }],
      }),
    )
    expect(error).toBeInstanceOf(UnsafeResponseError)
    expect((error as UnsafeResponseError).reason).toBe('unsafe')
    expect(verdictSchema.parse((error as UnsafeResponseError).verdict).safe).toBe(false)
    await current?.monitor.flush()
    expect(receiver.events.map((e) => e.gate?.mode)).toEqual(['block', 'block'])
  })

  it('buffers a stream: a safe one is released chunk for chunk, an unsafe one never reaches the app', async () => {
    const bare = await chatStream(openaiClient(), SAFE)
    const openai = await openaiWith({ mode: 'block', timeoutMs: 2_000 })
    const released = await chatStream(openai, SAFE)
    expect(released.chunks).toEqual(bare.chunks) // same chunks, same order, usage chunk included
    expect(released.text).toBe(SAFE)
    const error = await caught(chatStream(openai, UNSAFE))
    expect(error).toBeInstanceOf(UnsafeResponseError)
    expect((error as UnsafeResponseError).verdict?.safe).toBe(false)
    await current?.monitor.flush()
    const [safe, unsafe] = receiver.events
    expect(safe?.metadata).toEqual({ 'anansi.stream': 'buffered' })
    expect(safe?.output).toEqual({
      type: 'messages',
      messages: [{ role: 'assistant', content: SAFE }],
    })
    expect(safe?.timeToFirstTokenMs).toBeGreaterThan(0)
    expect(unsafe?.gate?.mode).toBe('block')
    expect(unsafe?.usage).toBeDefined()
  })

  it('keeps withResponse() on gated calls, and re-throws a provider error unchanged', async () => {
    const openai = await openaiWith({ mode: 'block' })
    const { data, response } = await openai.chat.completions
      .create({ model: 'm', messages: [{ role: 'user', content: `say: ${SAFE}` }] })
      .withResponse()
    expect(data.choices[0]?.message.content).toBe(SAFE)
    expect(response.status).toBe(200)
    await expect(
      openai.chat.completions
        .create({ model: 'm', messages: [{ role: 'user', content: `say: ${UNSAFE}` }] })
        .withResponse(),
    ).rejects.toBeInstanceOf(UnsafeResponseError)
    const failed = await caught(
      openai.chat.completions.create({
        model: 'm',
        messages: [{ role: 'user', content: 'fail: 429' }],
        stream: true,
      }),
    )
    expect(failed).toBeInstanceOf(OpenAI.RateLimitError)
    await current?.monitor.flush()
    expect(receiver.events.at(-1)).toMatchObject({ status: 'error', error: { httpStatus: 429 } })
  })
})

describe('wrapOpenAI chat.completions under fallback', () => {
  it('replaces an unsafe completion with the fallback text, keeping the response shape', async () => {
    const openai = await openaiWith({ mode: 'fallback', fallback: FALLBACK })
    const completion = await openai.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: `say: ${UNSAFE}` }],
    })
    expect(completion.choices).toEqual([
      {
        index: 0,
        finish_reason: 'stop',
        logprobs: null,
        message: { role: 'assistant', content: FALLBACK, refusal: null },
      },
    ])
    expect(completion).toMatchObject({ id: 'chatcmpl-1', model: 'gpt-4o-2025' })
    expect(completion.usage?.total_tokens).toBeGreaterThan(0)
    const safe = await openai.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: `say: ${SAFE}` }],
    })
    expect(safe.choices[0]?.message.content).toBe(SAFE)
    expect(current?.monitor.lastEvaluation).toMatchObject({ action: 'allow' })
  })

  it('gives a fallback function the refused text and the verdict', async () => {
    const seen: { original: string; score: number | undefined }[] = []
    const openai = await openaiWith({
      mode: 'fallback',
      fallback: ({ original, verdict }) => {
        seen.push({ original, score: verdict?.score })
        return Promise.resolve(`withheld ${original.length} characters`)
      },
    })
    const completion = await openai.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: `say: ${UNSAFE}` }],
    })
    expect(completion.choices[0]?.message.content).toBe(`withheld ${UNSAFE.length} characters`)
    expect(seen).toEqual([{ original: UNSAFE, score: 0.97 }])
    expect(current?.monitor.lastEvaluation).toMatchObject({ action: 'fallback', reason: 'verdict' })
  })

  it('replaces an unsafe stream with chunks that carry the fallback (tee() included)', async () => {
    const openai = await openaiWith({ mode: 'fallback', fallback: FALLBACK })
    const replaced = await chatStream(openai, UNSAFE)
    expect(replaced.text).toBe(FALLBACK)
    const last = JSON.parse(replaced.chunks.at(-1) ?? '{}') as OpenAI.ChatCompletionChunk
    expect(last.usage?.total_tokens).toBeGreaterThan(0)
    const finish = replaced.chunks
      .map((c) => JSON.parse(c) as OpenAI.ChatCompletionChunk)
      .flatMap((c) => c.choices.map((choice) => choice.finish_reason))
    expect(finish).toContain('stop')
    const stream = await openai.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: `say: ${UNSAFE}` }],
      stream: true,
    })
    const read = async (s: AsyncIterable<OpenAI.ChatCompletionChunk>): Promise<string> => {
      let out = ''
      for await (const chunk of s) out += chunk.choices[0]?.delta.content ?? ''
      return out
    }
    const [left, right] = stream.tee()
    expect(await Promise.all([read(left), read(right)])).toEqual([FALLBACK, FALLBACK])
  })

  it('fails closed when the fallback gives no text: blocks, and reports a ConfigError', async () => {
    const { monitor, errors } = await started()
    const openai = monitor.wrapOpenAI(openaiClient(), {
      gate: { mode: 'fallback', fallback: (() => 42) as unknown as () => string },
    })
    const error = await caught(
      openai.chat.completions.create({
        model: 'm',
        messages: [{ role: 'user', content: `say: ${UNSAFE}` }],
      }),
    )
    expect(error).toBeInstanceOf(UnsafeResponseError)
    expect(errors.some((e) => e instanceof ConfigError)).toBe(true)
  })

  it("uses the monitor's gate when the wrap options give none", async () => {
    const { monitor } = await started({ gate: { mode: 'fallback', fallback: FALLBACK } })
    const openai = monitor.wrapOpenAI(openaiClient())
    const completion = await openai.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: `say: ${UNSAFE}` }],
    })
    expect(completion.choices[0]?.message.content).toBe(FALLBACK)
    const observed = monitor.wrapOpenAI(openaiClient(), { gate: { mode: 'observe' } })
    const raw = await observed.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: `say: ${UNSAFE}` }],
    })
    expect(raw.choices[0]?.message.content).toBe(UNSAFE)
  })
})

describe('stream timing per mode', () => {
  let slow: FakeProvider
  beforeAll(async () => {
    slow = await startFakeProvider({ delayMs: 15 })
  })
  afterAll(async () => {
    await slow.close()
  })

  /** Milliseconds between the first and the last chunk the app reads. */
  async function spread(openai: OpenAI): Promise<{ spreadMs: number; text: string }> {
    const stream = await openai.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: `say: ${SAFE}` }],
      stream: true,
    })
    let first: number | undefined
    let text = ''
    for await (const chunk of stream) {
      first ??= performance.now()
      text += chunk.choices[0]?.delta.content ?? ''
    }
    return { spreadMs: performance.now() - (first ?? 0), text }
  }

  it('observe passes chunks through as they arrive; block releases them all at once after the verdict', async () => {
    const { monitor } = await started()
    const observed = await spread(
      monitor.wrapOpenAI(openaiClient(slow.url), { gate: { mode: 'observe' } }),
    )
    const blocked = await spread(
      monitor.wrapOpenAI(openaiClient(slow.url), { gate: { mode: 'block' } }),
    )
    expect(observed.text).toBe(SAFE)
    expect(blocked.text).toBe(SAFE)
    // 7 pieces 15 ms apart reach an observing app over ~100 ms; a gated app gets them replayed.
    expect(observed.spreadMs).toBeGreaterThan(60)
    expect(blocked.spreadMs).toBeLessThan(30)
  })
})

describe('gated streams without a verdict', () => {
  it('onTimeout allow releases the buffered stream; onTimeout block throws with reason timeout', async () => {
    receiver.verdicts = () => undefined
    const { monitor } = await started()
    const allow = monitor.wrapOpenAI(openaiClient(), { gate: { mode: 'block', timeoutMs: 100 } })
    expect((await chatStream(allow, UNSAFE)).text).toBe(UNSAFE)
    expect(monitor.lastEvaluation).toMatchObject({ action: 'allow', reason: 'timeout' })
    const block = monitor.wrapOpenAI(openaiClient(), {
      gate: { mode: 'block', timeoutMs: 100, onTimeout: 'block' },
    })
    const error = await caught(chatStream(block, SAFE))
    expect(error).toBeInstanceOf(UnsafeResponseError)
    expect((error as UnsafeResponseError).reason).toBe('timeout')
    expect(monitor.stats().gates.timeouts).toBe(2)
  })

  it('a local gate judges the buffered stream in-process', async () => {
    const toxic = 'You are a worthless idiot and I hate you, you stupid moron. Nobody likes you.'
    const { monitor } = await started()
    await monitor.warmUp({ local: true })
    const openai = monitor.wrapOpenAI(openaiClient(), {
      gate: { mode: 'block', local: true, timeoutMs: 2_000 },
    })
    expect((await chatStream(openai, 'The capital of France is Paris.')).text).toBe(
      'The capital of France is Paris.',
    )
    const error = await caught(chatStream(openai, toxic))
    expect(error).toBeInstanceOf(UnsafeResponseError)
    expect((error as UnsafeResponseError).verdict?.decidedBy).toBe('local')
  })
})

describe('wrapOpenAI responses.create gated', () => {
  it('fallback replaces output and output_text; a streamed response carries the fallback in its events', async () => {
    const openai = await openaiWith({ mode: 'fallback', fallback: FALLBACK })
    const response = await openai.responses.create({ model: 'm', input: `say: ${UNSAFE}` })
    expect(response.output_text).toBe(FALLBACK)
    expect(response.output).toEqual([
      expect.objectContaining({
        type: 'message',
        content: [{ type: 'output_text', text: FALLBACK, annotations: [] }],
      }),
    ])
    const stream = await openai.responses.create({
      model: 'm',
      input: `say: ${UNSAFE}`,
      stream: true,
    })
    let text = ''
    let completed: OpenAI.Responses.Response | undefined
    const sequence: number[] = []
    for await (const event of stream) {
      sequence.push(event.sequence_number)
      if (event.type === 'response.output_text.delta') text += event.delta
      if (event.type === 'response.completed') completed = event.response
    }
    expect(text).toBe(FALLBACK)
    expect(completed?.output_text).toBe(FALLBACK)
    expect(sequence).toEqual(sequence.map((_, i) => i))
  })

  it('block throws for an unsafe streamed response', async () => {
    const openai = await openaiWith({ mode: 'block' })
    const error = await caught(
      openai.responses.create({ model: 'm', input: `say: ${UNSAFE}`, stream: true }),
    )
    expect(error).toBeInstanceOf(UnsafeResponseError)
  })
})

describe('wrapAnthropic gated', () => {
  it('block throws for an unsafe message, streamed or not, and through messages.stream()', async () => {
    const { monitor } = await started()
    const anthropic = monitor.wrapAnthropic(anthropicClient(), { gate: { mode: 'block' } })
    const params = {
      model: 'claude',
      max_tokens: 100,
      messages: [{ role: 'user' as const, content: `say: ${UNSAFE}` }],
    }
    expect(await caught(anthropic.messages.create(params))).toBeInstanceOf(UnsafeResponseError)
    expect(await caught(anthropic.messages.create({ ...params, stream: true }))).toBeInstanceOf(
      UnsafeResponseError,
    )
    const helper = anthropic.messages.stream(params)
    const error = await caught(helper.finalText())
    expect(error).toBeInstanceOf(Anthropic.AnthropicError)
    expect((error as Error).cause).toBeInstanceOf(UnsafeResponseError)
    const safe = await anthropic.messages
      .stream({ ...params, messages: [{ role: 'user', content: `say: ${SAFE}` }] })
      .finalText()
    expect(safe).toBe(SAFE)
  })

  it('fallback replaces the text of a message and of a stream (messages.stream() included)', async () => {
    const { monitor } = await started()
    const anthropic = monitor.wrapAnthropic(anthropicClient(), {
      gate: { mode: 'fallback', fallback: FALLBACK },
    })
    const params = {
      model: 'claude',
      max_tokens: 100,
      messages: [{ role: 'user' as const, content: `say: ${UNSAFE}` }],
    }
    const message = await anthropic.messages.create(params)
    expect(message.content).toEqual([{ type: 'text', text: FALLBACK, citations: null }])
    expect(message.stop_reason).toBe('end_turn')
    const stream = await anthropic.messages.create({ ...params, stream: true })
    let text = ''
    for await (const event of stream)
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta')
        text += event.delta.text
    expect(text).toBe(FALLBACK)
    const final = await anthropic.messages.stream(params).finalMessage()
    expect(final.content).toEqual([{ type: 'text', text: FALLBACK, citations: null }])
    expect(final.usage.output_tokens).toBeGreaterThan(0)
  })
})

describe("the providers' own helpers go through the wrapper", () => {
  const params = (answer: string) => ({
    model: 'm',
    messages: [{ role: 'user' as const, content: `say: ${answer}` }],
  })

  it('observe records chat.completions.parse() and .stream(), and responses.stream()', async () => {
    const { monitor } = await started()
    const openai = monitor.wrapOpenAI(openaiClient())
    const parsed = await openai.chat.completions.parse(params(SAFE))
    expect(parsed.choices[0]?.message.content).toBe(SAFE)
    const streamed = await openai.chat.completions.stream(params(UNSAFE)).finalChatCompletion()
    expect(streamed.choices[0]?.message.content).toBe(UNSAFE) // observe: untouched
    const response = await openai.responses
      .stream({ model: 'm', input: `say: ${SAFE}` })
      .finalResponse()
    expect(response.output_text).toBe(SAFE)
    await monitor.flush()
    expect(receiver.events.map((e) => e.metadata?.['anansi.stream'] ?? 'whole')).toEqual([
      'whole',
      'done',
      'done',
    ])
  })

  it('block applies to parse() (it throws) and fallback to the .stream() helper', async () => {
    const { monitor } = await started()
    const blocking = monitor.wrapOpenAI(openaiClient(), { gate: { mode: 'block' } })
    expect(await caught(blocking.chat.completions.parse(params(UNSAFE)))).toBeInstanceOf(
      UnsafeResponseError,
    )
    const parsed = await blocking.chat.completions.parse(params(SAFE))
    expect(parsed.choices[0]?.message.parsed).toBeNull()
    expect(parsed.choices[0]?.message.content).toBe(SAFE)
    const replacing = monitor.wrapOpenAI(openaiClient(), {
      gate: { mode: 'fallback', fallback: FALLBACK },
    })
    const final = await replacing.chat.completions.stream(params(UNSAFE)).finalChatCompletion()
    expect(final.choices[0]?.message.content).toBe(FALLBACK)
    await monitor.flush()
    expect(receiver.events).toHaveLength(3)
  })
})
