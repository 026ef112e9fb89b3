import { context, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  expectTypeOf,
  it,
} from 'vitest'
import { HookError, Monitor, SDK_VERSION } from '../src/node.js'
import { later } from './fixtures/later.js'
import { startIngestReceiver, type IngestReceiver } from './fixtures/ingest-receiver.js'
import { testMonitor } from './fixtures/test-monitor.js'

let receiver: IngestReceiver
beforeEach(async () => {
  receiver = await startIngestReceiver()
})
afterEach(async () => {
  expect(receiver.invalid).toEqual([])
  await receiver.close()
})

describe('monitor.track', () => {
  it('keeps the function type, `this`, and the very promise the function returned', async () => {
    const { monitor } = testMonitor(receiver)
    class Bot {
      prefix = 'bot:'
    }
    function reply(this: Bot, prompt: string, n: number): Promise<string> {
      return later(`${this.prefix}${prompt}${n}`)
    }
    const bot = new Bot()
    const tracked = monitor.track(reply, { model: 'm', category: 'chatbot' })
    expectTypeOf(tracked).parameters.toEqualTypeOf<[prompt: string, n: number]>()
    expectTypeOf(tracked).returns.toEqualTypeOf<Promise<string>>()
    // @ts-expect-error -- the tracked function keeps its parameter types
    const _wrongArguments = (): Promise<string> => tracked.call(bot, 1, 'wrong')
    const pending = Promise.resolve('x')
    const identity = monitor.track(() => pending, { model: 'm', category: 'c' })
    expect(identity()).toBe(pending) // observe mode returns the app's own promise
    expect(await tracked.call(bot, 'hi', 1)).toBe('bot:hi1')
    await monitor.shutdown()
    expect(receiver.events.map((e) => e.output)).toContainEqual({ type: 'text', text: 'bot:hi1' })
    expect(receiver.events.map((e) => e.input)).toContainEqual({ type: 'text', text: '["hi",1]' })
  })

  it('records sync functions too', async () => {
    const { monitor } = testMonitor(receiver)
    const add = monitor.track((a: number, b: number) => a + b, { model: 'calc', category: 'tool' })
    expectTypeOf(add).returns.toEqualTypeOf<number>()
    expect(add(2, 3)).toBe(5)
    await monitor.shutdown()
    expect(receiver.events[0]).toMatchObject({
      input: { type: 'text', text: '[2,3]' },
      output: { type: 'text', text: '5' },
    })
  })

  it('re-throws errors unchanged and records them as failed calls', async () => {
    const { monitor } = testMonitor(receiver)
    class RateLimited extends Error {
      status = 429
      code = 'rate_limit'
    }
    const failure = new RateLimited('slow down')
    const failing = monitor.track(async (_p: string): Promise<string> => Promise.reject(failure), {
      model: 'm',
      category: 'c',
    })
    await expect(failing('q')).rejects.toBe(failure)
    const syncFailing = monitor.track(
      (): never => {
        throw failure
      },
      { model: 'm', category: 'c' },
    )
    expect(() => syncFailing()).toThrow(failure)
    await monitor.shutdown()
    expect(receiver.events).toHaveLength(2)
    expect(receiver.events[0]).toMatchObject({
      status: 'error',
      error: { type: 'RateLimited', message: 'slow down', code: 'rate_limit', httpStatus: 429 },
    })
  })

  it('uses the extractors for input, output, context and usage', async () => {
    const { monitor } = testMonitor(receiver)
    const rag = monitor.track(
      (question: string, docs: string[]) =>
        later({
          answer: `${question}? ${docs.length} docs`,
          tokens: 7,
        }),
      {
        model: 'm',
        provider: 'Acme AI',
        category: 'RAG Search',
        extractInput: (question) => question,
        extractContext: (_q, docs) => docs,
        extractOutput: (result) => result.answer,
        extractUsage: (result) => ({ outputTokens: result.tokens }),
        tags: ['t1'],
        metadata: { feature: 'search' },
      },
    )
    await rag('why', ['doc a', 'doc b'])
    await monitor.shutdown()
    expect(receiver.events[0]).toMatchObject({
      model: { provider: 'acme-ai', name: 'm' },
      category: 'rag-search',
      input: { type: 'text', text: 'why' },
      output: { type: 'text', text: 'why? 2 docs' },
      context: [{ content: 'doc a' }, { content: 'doc b' }],
      usage: { outputTokens: 7 },
      tags: ['t1'],
      metadata: { feature: 'search' },
    })
    expect(receiver.events[0]?.latencyMs).toBeGreaterThanOrEqual(0)
  })

  it('a throwing extractor is reported, never thrown', async () => {
    const { monitor, errors } = testMonitor(receiver)
    const fn = monitor.track((p: string) => later(p), {
      model: 'm',
      category: 'c',
      extractInput: () => {
        throw new Error('bad extractor')
      },
    })
    expect(await fn('ok')).toBe('ok')
    await monitor.shutdown()
    expect(errors.some((e) => e instanceof HookError)).toBe(true)
    expect(receiver.events[0]?.input).toEqual({ type: 'text', text: '' })
  })

  it('withContext gives calls a session, a user and tags across awaits', async () => {
    const { monitor } = testMonitor(receiver, { tags: ['global'], metadata: { app: 'demo' } })
    const chat = monitor.track((p: string) => later(p), {
      model: 'm',
      category: 'c',
      tags: ['call'],
    })
    await monitor.withContext({ sessionId: 's-1', userId: 'u-1', tags: ['outer'] }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 5))
      await monitor.withContext({ tags: ['inner'] }, () => chat('nested'))
      await chat('outer')
    })
    await chat('none')
    await monitor.shutdown()
    const byInput = (text: string) =>
      receiver.events.find((e) => e.input.type === 'text' && e.input.text === text)
    expect(byInput('nested')).toMatchObject({
      sessionId: 's-1',
      userId: 'u-1',
      tags: ['global', 'outer', 'inner', 'call'],
    })
    expect(byInput('outer')).toMatchObject({
      sessionId: 's-1',
      tags: ['global', 'outer', 'call'],
      metadata: { app: 'demo' },
    })
    expect(byInput('none')?.sessionId).toBeUndefined()
  })

  it('samples observed calls by rate or by function, and never samples out a gated call', async () => {
    const { monitor } = testMonitor(receiver, { sampleRate: 0 })
    const fn = monitor.track((p: string) => later(p), { model: 'm', category: 'c' })
    for (let i = 0; i < 10; i += 1) await fn('x')
    const gated = monitor.track((p: string) => later(p), {
      model: 'm',
      category: 'c',
      gate: { mode: 'block', timeoutMs: 50 },
    })
    await gated('kept')
    await monitor.shutdown()
    expect(receiver.events.map((e) => e.input)).toEqual([{ type: 'text', text: 'kept' }])

    const picky = testMonitor(receiver, { sampler: (info) => info.category === 'keep' })
    await picky.monitor.track(() => later('a'), { model: 'm', category: 'keep' })()
    await picky.monitor.track(() => later('b'), { model: 'm', category: 'skip' })()
    await picky.monitor.shutdown()
    expect(receiver.events.map((e) => e.category)).toEqual(['c', 'keep'])
  })

  it('applies the redact hook before anything leaves the process; null drops the event', async () => {
    const { monitor } = testMonitor(receiver, {
      redact: (event) => {
        if (event.category === 'secret') return null
        return {
          ...event,
          input: { type: 'text', text: 'REDACTED' },
          metadata: { ...event.metadata, redacted: true },
        }
      },
    })
    await monitor.track((_p: string) => later('out'), { model: 'm', category: 'open' })(
      'my password is hunter2',
    )
    await monitor.track((_p: string) => later('out'), { model: 'm', category: 'secret' })('x')
    await monitor.shutdown()
    expect(receiver.events).toHaveLength(1)
    expect(receiver.events[0]).toMatchObject({
      input: { type: 'text', text: 'REDACTED' },
      metadata: { redacted: true },
    })
    expect(JSON.stringify(receiver.batches)).not.toContain('hunter2')
  })

  it('drops (never sends unredacted) an event whose redact hook throws', async () => {
    const { monitor, errors, drops } = testMonitor(receiver, {
      redact: () => {
        throw new Error('redactor broke')
      },
    })
    await monitor.track((_p: string) => later('out'), { model: 'm', category: 'c' })('sensitive')
    await monitor.shutdown()
    expect(receiver.events).toHaveLength(0)
    expect(drops.map((d) => d.reason)).toEqual(['redaction_failed'])
    expect(errors.some((e) => e instanceof HookError && e.hook === 'redact')).toBe(true)
  })

  it('redacts PII with the built-in redactor (@anansi/evaluator/pii)', async () => {
    const { monitor } = testMonitor(receiver, { redactPii: true })
    const chat = monitor.track(
      (p: string) => later(`Sure, I emailed jane.doe@example.com about ${p}`),
      { model: 'm', category: 'c' },
    )
    await chat('card 4111 1111 1111 1111 please')
    await monitor.shutdown()
    const sent = JSON.stringify(receiver.events)
    expect(sent).not.toContain('jane.doe@example.com')
    expect(sent).not.toContain('4111 1111 1111 1111')
    expect(receiver.events[0]?.output).toEqual({
      type: 'text',
      text: 'Sure, I emailed [EMAIL] about card [CREDIT_CARD] please',
    })
  })

  it('serverless() flushes before the handler returns', async () => {
    const { monitor } = testMonitor(receiver, { batch: { intervalMs: 60_000 } })
    const chat = monitor.track((p: string) => later(p), { model: 'm', category: 'c' })
    const handler = monitor.serverless(async (event: { q: string }) => ({
      statusCode: 200,
      body: await chat(event.q),
    }))
    expect(await handler({ q: 'lambda' })).toEqual({ statusCode: 200, body: 'lambda' })
    expect(receiver.events).toHaveLength(1) // already delivered, not just queued
    await monitor.shutdown()
  })

  it('passes calls straight through when disabled, and without an API key never throws', async () => {
    const off = new Monitor({ enabled: false, apiKey: 'k' })
    expect(await off.track(() => later(1), { model: 'm', category: 'c' })()).toBe(1)
    const errors: unknown[] = []
    const keyless = new Monitor({
      onError: (e) => errors.push(e),
      flushOnExit: false,
      opentelemetry: false,
    })
    expect(await keyless.track(() => later(2), { model: 'm', category: 'c' })()).toBe(2)
    expect(errors).toHaveLength(1)
    expect(keyless.stats().droppedByReason).toEqual({ disabled: 1 })
    await Promise.all([off.shutdown(), keyless.shutdown()])
  })

  it('stamps events with the SDK version from package.json', async () => {
    const pkg = (await import('../package.json', { with: { type: 'json' } })).default as {
      version: string
    }
    expect(SDK_VERSION).toBe(pkg.version)
  })
})

describe('OpenTelemetry', () => {
  const manager = new AsyncLocalStorageContextManager()
  beforeAll(() => {
    context.setGlobalContextManager(manager.enable())
  })
  afterAll(() => {
    context.disable()
  })

  it('takes trace and span ids from the active span', async () => {
    const otel = await import('@opentelemetry/api')
    const { monitor } = testMonitor(receiver, { opentelemetry: otel })
    const chat = monitor.track((p: string) => later(p), { model: 'm', category: 'c' })
    const spanContext = {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: 1,
    }
    const active = trace.setSpan(context.active(), trace.wrapSpanContext(spanContext))
    await context.with(active, () => chat('traced'))
    await chat('untraced')
    await monitor.shutdown()
    expect(receiver.events[0]).toMatchObject({
      traceId: spanContext.traceId,
      spanId: spanContext.spanId,
    })
    expect(receiver.events[1]?.traceId).toBeUndefined()
  })
})
