import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EventRejectedError, EventsDroppedError, TransportError } from '../src/node.js'
import { later } from './fixtures/later.js'
import { startIngestReceiver, type IngestReceiver } from './fixtures/ingest-receiver.js'
import { testMonitor } from './fixtures/test-monitor.js'

let receiver: IngestReceiver
beforeEach(async () => {
  receiver = await startIngestReceiver()
})
afterEach(async () => {
  expect(receiver.invalid).toEqual([]) // every batch the SDK sent passed batchRequestSchema
  await receiver.close()
})

const echo = (prompt: string): Promise<string> => later(`answer to ${prompt}`)

describe('transport', () => {
  it('ships tracked calls in batches with the bearer key, and flush() waits for them', async () => {
    const { monitor, errors } = testMonitor(receiver, { batch: { intervalMs: 60_000 } })
    const chat = monitor.track(echo, { model: 'gpt-test', provider: 'openai', category: 'chatbot' })
    for (let i = 0; i < 5; i += 1) await chat(`q${i}`)
    expect(receiver.events).toHaveLength(0) // the interval has not passed: still queued
    expect(await monitor.flush()).toBe(true)
    expect(receiver.events.map((e) => e.input)).toEqual(
      [0, 1, 2, 3, 4].map((i) => ({ type: 'text', text: `q${i}` })),
    )
    expect(receiver.batches).toHaveLength(1)
    expect(receiver.batches[0]?.authorization).toBe(`Bearer ${receiver.apiKey}`)
    const event = receiver.events[0]
    expect(event?.model).toEqual({ provider: 'openai', name: 'gpt-test' })
    expect(event?.output).toEqual({ type: 'text', text: 'answer to q0' })
    expect(event?.status).toBe('ok')
    expect(event?.sdk?.name).toBe('@anansi/sdk')
    expect(errors).toEqual([])
    await monitor.shutdown()
  })

  it('sends a batch as soon as it holds batch.maxEvents events', async () => {
    const { monitor } = testMonitor(receiver, { batch: { maxEvents: 3, intervalMs: 60_000 } })
    const chat = monitor.track(echo, { model: 'm', category: 'c' })
    for (let i = 0; i < 7; i += 1) await chat(`q${i}`)
    await receiver.waitForEvents(6)
    expect(receiver.batches.map((b) => b.events.length)).toEqual([3, 3])
    await monitor.shutdown()
    expect(receiver.batches.map((b) => b.events.length)).toEqual([3, 3, 1])
  })

  it('sends on the interval without a flush', async () => {
    const { monitor } = testMonitor(receiver, { batch: { intervalMs: 20 } })
    await monitor.track(echo, { model: 'm', category: 'c' })('hello')
    await receiver.waitForEvents(1, 2_000)
    await monitor.shutdown()
  })

  it('splits batches by bytes and gzips large bodies', async () => {
    const { monitor } = testMonitor(receiver, { batch: { maxBytes: 4096, intervalMs: 60_000 } })
    const chat = monitor.track(echo, { model: 'm', category: 'c' })
    for (let i = 0; i < 6; i += 1) await chat('x'.repeat(1500))
    await monitor.flush()
    expect(receiver.events).toHaveLength(6)
    expect(receiver.batches.length).toBeGreaterThanOrEqual(3)
    for (const batch of receiver.batches) expect(batch.gzip).toBe(true)
    await monitor.shutdown()
  })

  it('falls back to identity encoding when the API refuses gzip (415)', async () => {
    receiver.refuseGzip = true
    const { monitor, errors } = testMonitor(receiver)
    await monitor.track(echo, { model: 'm', category: 'c' })('y'.repeat(4000))
    await monitor.flush()
    expect(receiver.events).toHaveLength(1)
    expect(receiver.batches[0]?.gzip).toBe(false)
    expect(errors).toEqual([])
    await monitor.shutdown()
  })

  it('reports each event the API rejects (207) to onError with its issues', async () => {
    receiver.rejectWhen = (event) => event.category === 'refused'
    const { monitor, errors } = testMonitor(receiver)
    await monitor.track(echo, { model: 'm', category: 'kept' })('a')
    await monitor.track(echo, { model: 'm', category: 'refused' })('b')
    await monitor.flush()
    expect(receiver.events.map((e) => e.category)).toEqual(['kept'])
    const rejected = errors.filter((e): e is EventRejectedError => e instanceof EventRejectedError)
    expect(rejected).toHaveLength(1)
    expect(rejected[0]?.code).toBe('event_rejected')
    expect(rejected[0]?.issues[0]?.message).toBe('refused by test')
    expect(monitor.stats()).toMatchObject({ sent: 1, rejected: 1 })
    await monitor.shutdown()
  })

  it('retries 503s and dropped connections with backoff until the receiver recovers, losing nothing', async () => {
    receiver.plan = [{ status: 503 }, { kind: 'destroy' }, { status: 502 }, { status: 504 }]
    const { monitor, errors } = testMonitor(receiver, { batch: { maxEvents: 5 } })
    const chat = monitor.track(echo, { model: 'm', category: 'c' })
    for (let i = 0; i < 20; i += 1) await chat(`q${i}`)
    expect(await monitor.flush(5_000)).toBe(true)
    expect(receiver.events.map((e) => e.input)).toEqual(
      Array.from({ length: 20 }, (_, i) => ({ type: 'text', text: `q${i}` })),
    )
    expect(monitor.stats()).toMatchObject({ sent: 20, retries: 4, dropped: 0 })
    expect(errors).toEqual([]) // retried failures that recovered are not errors
    await monitor.shutdown()
  })

  it('honours Retry-After on 429', async () => {
    receiver.plan = [{ status: 429, retryAfter: '1', code: 'rate_limited' }]
    const { monitor } = testMonitor(receiver)
    await monitor.track(echo, { model: 'm', category: 'c' })('q')
    const started = Date.now()
    await monitor.flush(5_000)
    expect(receiver.events).toHaveLength(1)
    expect(Date.now() - started).toBeGreaterThanOrEqual(950)
    await monitor.shutdown()
  })

  it('does not retry a 400 and reports it', async () => {
    receiver.plan = [{ status: 400, code: 'validation_failed' }]
    const { monitor, errors, drops } = testMonitor(receiver)
    await monitor.track(echo, { model: 'm', category: 'c' })('q')
    await monitor.flush()
    expect(receiver.posts).toBe(1)
    const transport = errors.find((e): e is TransportError => e instanceof TransportError)
    expect(transport?.details).toMatchObject({ status: 400, apiCode: 'validation_failed' })
    expect(transport?.retriable).toBe(false)
    expect(drops).toEqual([{ reason: 'non_retriable', count: 1, totalDropped: 1 }])
    await monitor.shutdown()
  })

  it('drops retried events past the retry deadline and counts them', async () => {
    receiver.plan = Array.from({ length: 50 }, () => ({ status: 503 }))
    const { monitor, drops } = testMonitor(receiver, {
      retry: { initialDelayMs: 5, maxDelayMs: 10, deadlineMs: 100 },
    })
    await monitor.track(echo, { model: 'm', category: 'c' })('q')
    expect(await monitor.flush(3_000)).toBe(true)
    expect(drops.map((d) => d.reason)).toEqual(['retries_exhausted'])
    expect(monitor.stats().droppedByReason).toEqual({ retries_exhausted: 1 })
    await monitor.shutdown()
  })

  it('bounds the queue: under back-pressure the oldest events are dropped and counted', async () => {
    receiver.plan = Array.from({ length: 1000 }, () => ({ status: 503 }))
    const { monitor, drops, errors } = testMonitor(receiver, {
      queue: { maxEvents: 10 },
      batch: { maxEvents: 5, intervalMs: 60_000 },
      retry: { initialDelayMs: 60_000, maxDelayMs: 60_000 },
    })
    const chat = monitor.track(echo, { model: 'm', category: 'c' })
    for (let i = 0; i < 40; i += 1) await chat(`q${i}`)
    const total = drops.reduce((sum, d) => sum + d.count, 0)
    expect(drops.every((d) => d.reason === 'queue_full')).toBe(true)
    expect(drops.at(-1)?.totalDropped).toBe(total)
    const stats = monitor.stats()
    expect(stats.queued).toBeLessThanOrEqual(10)
    // Every call is accounted for: queued, in the one failed batch in flight/backoff, or dropped.
    expect(stats.queued + total).toBeGreaterThanOrEqual(35)
    expect(errors.filter((e) => e instanceof EventsDroppedError)).toHaveLength(1) // reported once
    receiver.plan = []
    await monitor.shutdown()
  })

  it('keeps the newest events when it drops (oldest first)', async () => {
    receiver.plan = [{ status: 503 }]
    const { monitor } = testMonitor(receiver, {
      queue: { maxEvents: 3 },
      batch: { maxEvents: 500, intervalMs: 60_000 },
      retry: { initialDelayMs: 1, maxDelayMs: 1 },
    })
    const chat = monitor.track(echo, { model: 'm', category: 'c' })
    for (let i = 0; i < 8; i += 1) await chat(`q${i}`)
    await monitor.flush()
    expect(receiver.events.map((e) => e.input)).toEqual(
      [5, 6, 7].map((i) => ({ type: 'text', text: `q${i}` })),
    )
    expect(monitor.stats().droppedByReason).toEqual({ queue_full: 5 })
    await monitor.shutdown()
  })

  it('shutdown flushes, is idempotent, and drops what comes after', async () => {
    const { monitor, drops } = testMonitor(receiver, { batch: { intervalMs: 60_000 } })
    const chat = monitor.track(echo, { model: 'm', category: 'c' })
    await chat('before')
    const first = monitor.shutdown()
    expect(monitor.shutdown()).toBe(first)
    expect(await first).toBe(true)
    expect(receiver.events).toHaveLength(1)
    expect(await chat('after')).toBe('answer to after') // the app keeps working
    expect(drops).toEqual([{ reason: 'shutdown', count: 1, totalDropped: 1 }])
  })

  it('shutdown gives up at its deadline when the API is down, never hanging the app', async () => {
    receiver.plan = Array.from({ length: 1000 }, () => ({ status: 503 }))
    const { monitor } = testMonitor(receiver, { shutdownTimeoutMs: 200 })
    await monitor.track(echo, { model: 'm', category: 'c' })('q')
    const started = Date.now()
    expect(await monitor.shutdown()).toBe(false)
    expect(Date.now() - started).toBeLessThan(1_500)
    expect(monitor.stats().droppedByReason.shutdown).toBe(1)
  })

  it('never throws into the app when the endpoint is unreachable', async () => {
    const { monitor, errors } = testMonitor(receiver, {
      endpoint: 'http://127.0.0.1:1',
      retry: { initialDelayMs: 1, maxDelayMs: 2, deadlineMs: 50 },
    })
    expect(await monitor.track(echo, { model: 'm', category: 'c' })('q')).toBe('answer to q')
    await monitor.flush(2_000)
    expect(errors.some((e) => e instanceof TransportError && e.code === 'network')).toBe(true)
    await monitor.shutdown()
  })
})
