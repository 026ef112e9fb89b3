import {
  BusError,
  type Bus,
  type ConsumedMessage,
  type Consumer,
  type RunOptions,
} from '@anansi/bus'
import { eventMessageKey, uuidv7, type EventEnvelope, type LlmEvent } from '@anansi/protocol'
import { describe, expect, it } from 'vitest'
import { EventHub } from '../ingest/event-hub.js'
import { startEventFeed } from './event-feed.js'

/** A bus whose one consumer hands its run options to the test, which plays the log. */
function scriptedBus(): { bus: Bus; run: () => RunOptions } {
  let options: RunOptions | undefined
  const consumer: Consumer = {
    run: (given) => {
      options = given
      return Promise.resolve()
    },
    assignment: () => [],
    stop: () => Promise.resolve(),
  }
  const bus: Bus = {
    kind: 'kafka',
    admin: { ensureTopics: () => Promise.resolve(), lag: () => Promise.resolve([]) },
    createProducer: () => ({ send: () => Promise.resolve(), close: () => Promise.resolve() }),
    createConsumer: () => consumer,
    close: () => Promise.resolve(),
  }
  return {
    bus,
    run: () => {
      if (options === undefined) throw new Error('the feed did not start its consumer')
      return options
    },
  }
}

const event = (): LlmEvent => ({
  id: uuidv7(),
  timestamp: new Date().toISOString(),
  model: { provider: 'p', name: 'm' },
  category: 'c',
  input: { type: 'text', text: 't' },
  status: 'ok',
})

let offset = 0
const message = (key: string, value: string): ConsumedMessage => ({
  offset: String((offset += 1)),
  key,
  value: new TextEncoder().encode(value),
  headers: {},
  timestamp: Date.now(),
})
const envelopeMessage = (projectId: string, e: LlmEvent): ConsumedMessage => {
  const envelope: EventEnvelope = { projectId, receivedAt: new Date().toISOString(), event: e }
  return message(eventMessageKey(projectId, e.model.name), JSON.stringify(envelope))
}
const batch = (messages: ConsumedMessage[]) => ({ topic: 't', partition: 0, messages })
const context = {
  resolveOffset: () => undefined,
  heartbeat: () => Promise.resolve(),
  isRunning: () => true,
  isStale: () => false,
}

describe('startEventFeed', () => {
  it('streams events from the log only, reports unreadable messages and skips unfollowed projects', async () => {
    const { bus, run } = scriptedBus()
    const hub = new EventHub()
    const reported: unknown[] = []
    const feed = await startEventFeed(bus, hub, 'r1', (e) => reported.push(e), 't')
    const seen: string[] = []
    hub.subscribe('p1', (e) => seen.push(e.id))
    const local = event()
    hub.accepted('p1', [local]) // the feed brings it: not delivered directly as well
    const fromLog = [event(), event()]
    await run().eachBatch(
      batch([
        envelopeMessage('p1', fromLog[0] ?? event()),
        message('p1:m', 'not json'),
        message('p1:m', JSON.stringify({ projectId: 'p1' })),
        message('p2:m', 'never parsed: nobody streams p2 here'),
        envelopeMessage('p1', fromLog[1] ?? event()),
      ]),
      context,
    )
    expect(seen).toEqual(fromLog.map((e) => e.id))
    expect(reported.map(String)).toEqual([
      expect.stringContaining('unreadable event message at offset'),
      expect.stringContaining('invalid event message at offset'),
    ])
    await feed.stop()
  })

  it("falls back to the replica's own events when its consumer crashes for good", async () => {
    const { bus, run } = scriptedBus()
    const hub = new EventHub()
    const reported: unknown[] = []
    await startEventFeed(bus, hub, 'r1', (e) => reported.push(e), 't')
    const seen: string[] = []
    hub.subscribe('p1', (e) => seen.push(e.id))
    const restarting = new BusError('consumer_crashed', 'kafkajs restarts it', true)
    run().onError?.(restarting)
    const before = event()
    hub.accepted('p1', [before])
    expect(seen).toEqual([])
    run().onError?.(new BusError('consumer_crashed', 'crashed for good', false))
    const after = event()
    hub.accepted('p1', [after])
    expect(seen).toEqual([after.id])
    expect(reported).toHaveLength(2)
  })
})
