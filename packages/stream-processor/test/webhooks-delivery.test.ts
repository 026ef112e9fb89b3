import { randomBytes, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  type AddressLookup,
  type DeliveryAttempt,
  type DeliveryJob,
  type DeliveryQueue,
  type DeliveryReport,
  type DispatcherOptions,
  sendWebhook,
  WebhookDispatcher,
  WebhookError,
} from '../src/webhooks/index.js'

const secret = `whsec_${randomBytes(32).toString('base64')}`

// ---------------------------------------------------------------------------------------------
// A real receiver: verifies every signature with the reference library, counts what it accepts.

type Reply =
  | { status: number; headers?: Record<string, string>; body?: string; delayMs?: number }
  | 'hang'
  | 'stream'

interface Received {
  path: string
  webhookId: string
  host: string
  body: string
  verified: boolean
}

class Receiver {
  readonly received: Received[] = []
  /** 2xx answers to requests whose signature verified, per `webhook-id`. */
  readonly accepted = new Map<string, number>()
  connections = 0
  inFlight = 0
  maxInFlight = 0
  private readonly routes = new Map<string, (attempt: number) => Reply>()
  private readonly server = createServer((req, res) => void this.handle(req, res))
  private port = 0

  async start(): Promise<void> {
    this.server.on('connection', () => {
      this.connections += 1
    })
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    this.port = (this.server.address() as AddressInfo).port
  }

  url(path: string, host = '127.0.0.1'): string {
    return `http://${host}:${this.port}${path}`
  }

  route(path: string, handler: (attempt: number) => Reply): void {
    this.routes.set(path, handler)
  }

  hits(path: string): number {
    return this.received.filter((r) => r.path === path).length
  }

  reset(): void {
    this.received.length = 0
    this.accepted.clear()
    this.routes.clear()
    this.connections = 0
    this.maxInFlight = 0
  }

  async close(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    )
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.inFlight += 1
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight)
    let open = true
    const done = () => {
      if (open) this.inFlight -= 1
      open = false
    }
    res.on('close', done)
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks).toString('utf8')
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers[name] = value
    }
    const verified = verifies(body, headers)
    const path = req.url ?? ''
    this.received.push({
      path,
      webhookId: headers['webhook-id'] ?? '',
      host: headers.host ?? '',
      body,
      verified,
    })
    if (!verified) return void res.writeHead(401).end()
    const handler: (attempt: number) => Reply = this.routes.get(path) ?? (() => ({ status: 204 }))
    const reply = handler(this.hits(path))
    if (reply === 'hang') return
    if (reply === 'stream') return streamForever(res)
    if (reply.status >= 200 && reply.status < 300) {
      const id = headers['webhook-id'] ?? ''
      this.accepted.set(id, (this.accepted.get(id) ?? 0) + 1)
    }
    if (reply.delayMs !== undefined) await new Promise((r) => setTimeout(r, reply.delayMs))
    // Leave the in-flight count before answering, so a client that moves on after the answer
    // never overlaps with this request in the count.
    done()
    res.writeHead(reply.status, reply.headers).end(reply.body)
  }
}

function verifies(body: string, headers: Record<string, string>): boolean {
  try {
    new Webhook(secret).verify(body, headers)
    return true
  } catch {
    return false
  }
}

function streamForever(res: ServerResponse): void {
  res.writeHead(500, { 'content-type': 'text/plain' })
  const timer = setInterval(() => res.write('x'.repeat(4096)), 5)
  res.on('close', () => clearInterval(timer))
}

// ---------------------------------------------------------------------------------------------
// An in-memory queue with the store's semantics: due = pending and nextAttemptAt <= now; a claim
// leases the row by pushing nextAttemptAt out; each recorded attempt increments attempts.

interface Row extends DeliveryJob {
  status: 'pending' | 'succeeded' | 'failed'
  nextAttemptAt: Date
  log: DeliveryAttempt[]
}

class MemoryQueue implements DeliveryQueue {
  readonly rows = new Map<string, Row>()

  add(url: string, payload: unknown = { type: 'webhook.test', data: { n: 1 } }): Row {
    const row: Row = {
      id: randomUUID(),
      projectId: 'p1',
      webhookId: 'w1',
      url,
      secret,
      messageId: `msg_${randomUUID()}`,
      eventType: 'webhook.test',
      payload,
      attempts: 0,
      status: 'pending',
      nextAttemptAt: new Date(0),
      log: [],
    }
    this.rows.set(row.id, row)
    return row
  }

  claimDueDeliveries(input: {
    limit: number
    leaseMs: number
    now?: Date
  }): Promise<DeliveryJob[]> {
    const now = input.now ?? new Date()
    const due = [...this.rows.values()]
      .filter((row) => row.status === 'pending' && row.nextAttemptAt <= now)
      .slice(0, input.limit)
    for (const row of due) row.nextAttemptAt = new Date(now.getTime() + input.leaseMs)
    return Promise.resolve(
      due.map(({ status: _s, nextAttemptAt: _n, log: _l, ...job }) => structuredClone(job)),
    )
  }

  recordDeliveryAttempt(input: DeliveryAttempt): Promise<void> {
    const row = this.rows.get(input.id)
    if (row === undefined) return Promise.reject(new Error(`no delivery ${input.id}`))
    row.attempts += 1
    row.log.push(input)
    if (input.outcome === 'retry') {
      if (input.nextAttemptAt === undefined) return Promise.reject(new Error('retry without time'))
      row.nextAttemptAt = input.nextAttemptAt
    } else {
      row.status = input.outcome
    }
    return Promise.resolve()
  }
}

// ---------------------------------------------------------------------------------------------

const receiver = new Receiver()
let clock = Date.now()
const now = () => new Date(clock)
const reported: unknown[] = []

beforeAll(() => receiver.start())
afterAll(() => receiver.close())
beforeEach(() => {
  receiver.reset()
  clock = Date.now()
  reported.length = 0
})

function dispatcher(queue: DeliveryQueue, options: Partial<DispatcherOptions> = {}) {
  return new WebhookDispatcher(queue, {
    allowPrivate: true,
    now,
    report: (error) => reported.push(error),
    backoff: { baseMs: 1000 },
    ...options,
  })
}

/** Runs rounds until the row settles, moving the clock to its next due time between rounds. */
async function drain(queue: MemoryQueue, row: Row, d: WebhookDispatcher, maxRounds = 20) {
  for (let round = 0; round < maxRounds && row.status === 'pending'; round++) {
    await d.runOnce()
    if (row.status === 'pending') {
      // Not due a millisecond early: the schedule is honoured.
      clock = row.nextAttemptAt.getTime() - 1
      expect((await d.runOnce()).claimed).toBe(0)
      clock += 1
    }
  }
}

describe('WebhookDispatcher with a real receiver', () => {
  it('delivers exactly once, signed, to a receiver that fails 3 times then succeeds', async () => {
    receiver.route('/flaky', (attempt) => (attempt <= 3 ? { status: 500 } : { status: 200 }))
    const queue = new MemoryQueue()
    const payload = { type: 'alert.created', data: { projectId: 'p1', note: 'ünïcode ✓' } }
    const row = queue.add(receiver.url('/flaky'), payload)
    await drain(queue, row, dispatcher(queue))

    expect(receiver.hits('/flaky')).toBe(4)
    expect(receiver.received.every((r) => r.verified && r.webhookId === row.messageId)).toBe(true)
    expect(receiver.received.every((r) => r.body === JSON.stringify(payload))).toBe(true)
    expect([...receiver.accepted]).toEqual([[row.messageId, 1]])
    expect(row.status).toBe('succeeded')
    expect(row.attempts).toBe(4)
    expect(row.log.map((a) => a.outcome)).toEqual(['retry', 'retry', 'retry', 'succeeded'])
    expect(row.log.map((a) => a.statusCode)).toEqual([500, 500, 500, 200])
    expect(reported).toEqual([])
  })

  it('gives up after maxAttempts', async () => {
    receiver.route('/down', () => ({ status: 503 }))
    const queue = new MemoryQueue()
    const row = queue.add(receiver.url('/down'))
    await drain(queue, row, dispatcher(queue, { maxAttempts: 3 }))
    expect(receiver.hits('/down')).toBe(3)
    expect(row).toMatchObject({ status: 'failed', attempts: 3 })
    expect(row.log.map((a) => a.outcome)).toEqual(['retry', 'retry', 'failed'])
  })

  it('fails a 410 Gone at once', async () => {
    receiver.route('/gone', () => ({ status: 410 }))
    const queue = new MemoryQueue()
    const row = queue.add(receiver.url('/gone'))
    expect(await dispatcher(queue).runOnce()).toEqual({
      claimed: 1,
      succeeded: 0,
      retried: 0,
      failed: 1,
    })
    expect(row).toMatchObject({ status: 'failed', attempts: 1 })
    expect(row.log[0]).toMatchObject({ outcome: 'failed', statusCode: 410 })
    expect(row.log[0]?.error).toMatch(/410/)
  })

  it('waits at least Retry-After on a 429', async () => {
    receiver.route('/busy', (attempt) =>
      attempt === 1 ? { status: 429, headers: { 'retry-after': '5' } } : { status: 204 },
    )
    const queue = new MemoryQueue()
    const row = queue.add(receiver.url('/busy'))
    const d = dispatcher(queue, { backoff: { baseMs: 10, random: () => 0 } })
    const sentAt = clock
    await d.runOnce()
    expect(row.log[0]).toMatchObject({ outcome: 'retry', statusCode: 429 })
    expect(row.nextAttemptAt.getTime()).toBe(sentAt + 5000)
    clock = sentAt + 4999
    expect((await d.runOnce()).claimed).toBe(0)
    clock = sentAt + 5000
    expect(await d.runOnce()).toMatchObject({ claimed: 1, succeeded: 1 })
    expect(receiver.hits('/busy')).toBe(2)
  })

  it('does not follow a redirect', async () => {
    receiver.route('/moved', () => ({
      status: 302,
      headers: { location: receiver.url('/target') },
    }))
    const queue = new MemoryQueue()
    const row = queue.add(receiver.url('/moved'))
    await dispatcher(queue).runOnce()
    expect(receiver.hits('/moved')).toBe(1)
    expect(receiver.hits('/target')).toBe(0)
    expect(row.log[0]).toMatchObject({ outcome: 'retry', statusCode: 302 })
    expect(row.log[0]?.error).toMatch(/not followed/)
  })

  it('schedules a retry and records the error when the receiver never answers', async () => {
    receiver.route('/silent', () => 'hang')
    const queue = new MemoryQueue()
    const row = queue.add(receiver.url('/silent'))
    const started = performance.now()
    await dispatcher(queue, { timeoutMs: 300 }).runOnce()
    expect(performance.now() - started).toBeLessThan(5000)
    expect(receiver.hits('/silent')).toBe(1)
    expect(row).toMatchObject({ status: 'pending', attempts: 1 })
    expect(row.log[0]?.outcome).toBe('retry')
    expect(row.log[0]?.error).toMatch(/timed out after 300 ms/)
    expect(row.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(clock)
  })

  it('runs at most `concurrency` deliveries at once', async () => {
    receiver.route('/slow', () => ({ status: 204, delayMs: 100 }))
    const queue = new MemoryQueue()
    for (let i = 0; i < 5; i++) queue.add(receiver.url('/slow'))
    const counts = await dispatcher(queue, { concurrency: 2, batchSize: 5 }).runOnce()
    expect(counts).toEqual({ claimed: 5, succeeded: 5, retried: 0, failed: 0 })
    expect(receiver.hits('/slow')).toBe(5)
    expect(receiver.maxInFlight).toBe(2)
  })
})

describe('SSRF protection in the dispatcher', () => {
  const privateLookup: AddressLookup = (hostname) =>
    Promise.resolve([
      { address: hostname === 'hooks.internal' ? '127.0.0.1' : '10.0.0.1', family: 4 },
    ])

  it.each([
    ['loopback literal', '127.0.0.1'],
    ['localhost', 'localhost'],
    ['a name resolving to loopback', 'hooks.internal'],
    ['a name resolving to 10.0.0.1', 'intranet.example'],
    ['cloud metadata', '169.254.169.254'],
    ['IPv4-mapped loopback', '[::ffff:127.0.0.1]'],
    ['hex loopback', '0x7f000001'],
  ])('refuses %s without connecting, and does not retry', async (_label, host) => {
    const queue = new MemoryQueue()
    // A refused target does not become allowed by waiting, so the delivery fails at once rather
    // than burning its attempts.
    const row = queue.add(receiver.url('/hook', host))
    const d = dispatcher(queue, { allowPrivate: false, lookup: privateLookup })
    expect(await d.runOnce()).toEqual({ claimed: 1, succeeded: 0, retried: 0, failed: 1 })
    expect(receiver.connections).toBe(0)
    expect(receiver.received).toEqual([])
    expect(row).toMatchObject({ status: 'failed', attempts: 1 })
    expect(row.log[0]?.error).toMatch(/^ssrf_refused/)
  })

  it('refuses a non-http scheme even when private targets are allowed', async () => {
    const queue = new MemoryQueue()
    const row = queue.add('file:///etc/passwd')
    await dispatcher(queue, { allowPrivate: true }).runOnce()
    expect(row).toMatchObject({ status: 'failed', attempts: 1 })
    expect(row.log[0]?.error).toMatch(/^invalid_url/)
  })

  it('connects to the resolved address once, keeping the original Host header', async () => {
    // The first answer is checked and pinned; any later answer (here an unroutable address) must
    // not be used for the connection.
    let lookups = 0
    const rebinding: AddressLookup = () =>
      Promise.resolve([{ address: lookups++ === 0 ? '127.0.0.1' : '10.255.255.1', family: 4 }])
    const queue = new MemoryQueue()
    const row = queue.add(receiver.url('/pinned', 'rebind.example'))
    await dispatcher(queue, { lookup: rebinding, timeoutMs: 2000 }).runOnce()
    expect(row.status).toBe('succeeded')
    expect(lookups).toBe(1)
    expect(receiver.received.map((r) => r.host)).toEqual([new URL(row.url).host])
  })
})

describe('sendWebhook', () => {
  it('reads at most maxResponseBytes of an endless response', async () => {
    receiver.route('/endless', () => 'stream')
    const result = await sendWebhook(
      { url: receiver.url('/endless'), secret, messageId: 'msg_endless', payload: {} },
      { allowPrivate: true, timeoutMs: 5000, maxResponseBytes: 1024 },
    )
    expect(result).toMatchObject({ ok: false, statusCode: 500, retryable: true })
    expect(result.error).toMatch(/^HTTP 500: x+$/)
  })

  it('reports a refused connection as a retryable network error', async () => {
    const closed = new Receiver()
    await closed.start()
    const url = closed.url('/')
    await closed.close()
    const result = await sendWebhook(
      { url, secret, messageId: 'msg_closed', payload: {} },
      { allowPrivate: true },
    )
    expect(result).toMatchObject({ ok: false, retryable: true })
    expect(result.error).toMatch(/ECONNREFUSED/)
  })

  it('retries DNS failures, including a lookup slower than the timeout', async () => {
    const message = { url: 'https://hooks.example/', secret, messageId: 'msg_dns', payload: {} }
    const failing: AddressLookup = () => Promise.reject(new Error('EAI_AGAIN'))
    const failed = await sendWebhook(message, { allowPrivate: false, lookup: failing })
    expect(failed).toMatchObject({ ok: false, retryable: true })
    expect(failed.error).toMatch(/^dns_failed: .*EAI_AGAIN/)
    const never: AddressLookup = () => new Promise(() => undefined)
    const options = { allowPrivate: false, lookup: never, timeoutMs: 50 }
    const slow = await sendWebhook(message, options)
    expect(slow).toMatchObject({ ok: false, retryable: true, error: 'timed out after 50 ms' })
  })

  it('fails a payload that is not JSON without retrying', async () => {
    const result = await sendWebhook(
      { url: receiver.url('/x'), secret, messageId: 'msg_bigint', payload: { n: 1n } },
      { allowPrivate: true },
    )
    expect(result).toMatchObject({ ok: false, retryable: false })
    expect(receiver.connections).toBe(0)
  })
})

describe('WebhookDispatcher lifecycle and errors', () => {
  it('delivers in the background until stopped, and reports each attempt', async () => {
    const queue = new MemoryQueue()
    const row = queue.add(receiver.url('/bg'))
    const delivered: DeliveryReport[] = []
    const d = dispatcher(queue, { pollIntervalMs: 10, onDelivered: (r) => delivered.push(r) })
    d.start()
    d.start()
    await expect.poll(() => row.status, { timeout: 5000 }).toBe('succeeded')
    await d.stop()
    await d.stop()
    expect(receiver.hits('/bg')).toBe(1)
    expect(delivered).toHaveLength(1)
    expect(delivered[0]).toMatchObject({
      id: row.id,
      attempt: 1,
      outcome: 'succeeded',
      statusCode: 204,
    })
    expect(JSON.stringify(delivered[0])).not.toContain(secret)
  })

  it('stop() waits for the deliveries in flight', async () => {
    receiver.route('/slow-ok', () => 'hang')
    const queue = new MemoryQueue()
    const row = queue.add(receiver.url('/slow-ok'))
    const d = dispatcher(queue, { pollIntervalMs: 10, timeoutMs: 300 })
    d.start()
    await expect.poll(() => receiver.hits('/slow-ok'), { timeout: 5000 }).toBe(1)
    await d.stop()
    expect(row.log).toHaveLength(1)
  })

  it('stop() also waits for a round started with runOnce()', async () => {
    receiver.route('/slow-once', () => 'hang')
    const queue = new MemoryQueue()
    const row = queue.add(receiver.url('/slow-once'))
    const d = dispatcher(queue, { timeoutMs: 300 })
    const round = d.runOnce()
    await expect.poll(() => receiver.hits('/slow-once'), { timeout: 5000 }).toBe(1)
    await d.stop()
    expect(row.log).toHaveLength(1)
    expect((await round).retried).toBe(1)
  })

  it('reports queue failures instead of swallowing them', async () => {
    const broken: DeliveryQueue = {
      claimDueDeliveries: () => Promise.reject(new Error('db down')),
      recordDeliveryAttempt: () => Promise.resolve(),
    }
    await expect(dispatcher(broken).runOnce()).rejects.toMatchObject({ code: 'queue_failed' })
    const d = dispatcher(broken, { pollIntervalMs: 10 })
    d.start()
    await expect.poll(() => reported.length, { timeout: 5000 }).toBeGreaterThan(0)
    await d.stop()
    expect(reported[0]).toBeInstanceOf(WebhookError)

    reported.length = 0
    const queue = new MemoryQueue()
    queue.add(receiver.url('/ok'))
    const unrecordable: DeliveryQueue = {
      claimDueDeliveries: (input) => queue.claimDueDeliveries(input),
      recordDeliveryAttempt: () => Promise.reject(new Error('write failed')),
    }
    expect(await dispatcher(unrecordable).runOnce()).toEqual({
      claimed: 1,
      succeeded: 0,
      retried: 0,
      failed: 0,
    })
    expect(reported).toEqual([expect.objectContaining({ code: 'queue_failed' })])
  })

  it('refuses a lease that a batch could outlive', () => {
    const queue = new MemoryQueue()
    expect(() => dispatcher(queue, { timeoutMs: 10_000, leaseMs: 10_000 })).toThrow(
      expect.objectContaining({ code: 'invalid_options' }),
    )
    expect(() =>
      dispatcher(queue, { batchSize: 10, concurrency: 1, timeoutMs: 1000, leaseMs: 5000 }),
    ).toThrow(expect.objectContaining({ code: 'invalid_options' }))
    expect(() => dispatcher(queue, { concurrency: 0 })).toThrow(WebhookError)
    expect(() => dispatcher(queue, { timeoutMs: 30_000 })).not.toThrow()
  })
})
