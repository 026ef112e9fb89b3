import { PGlite } from '@electric-sql/pglite'
import { createEmbeddedBus, fromPglite } from '@anansi/bus'
import { EvaluatorSuite } from '@anansi/evaluator'
import { TOPICS, eventMessageKey, uuidv7, type EventEnvelope } from '@anansi/protocol'
import { openStore } from '@anansi/store'
import { describe, expect, it } from 'vitest'
import { readDetectorConfig } from '../detector-config.js'
import { startPlatform } from './platform.js'

describe('startPlatform', () => {
  it('runs the processor with the detector settings read from the environment', async () => {
    // 8 samples are enough here; the library default (30) would flag nothing in 9 events.
    const detectors = readDetectorConfig({
      ANANSI_DETECTOR_MIN_SAMPLES: '8',
      ANANSI_DETECTOR_THRESHOLD: '4',
    })
    const store = await openStore({ driver: 'pglite' })
    const logDb = await PGlite.create()
    const bus = createEmbeddedBus({ client: fromPglite(logDb), pollIntervalMs: 20 })
    const suite = await EvaluatorSuite.load({ tiers: ['lexical'], only: ['toxicity'] })
    const platform = await startPlatform({
      store,
      bus,
      suite,
      roles: { processor: true },
      eventPartitions: 1,
      detectors,
      report: () => undefined,
    })
    const producer = bus.createProducer()
    try {
      const { id: projectId } = await store.createProject({ name: 'p', slug: 'p' })
      const latencies = [100, 104, 98, 101, 97, 103, 99, 102, 5_000]
      const events = latencies.map((latencyMs) => ({
        id: uuidv7(),
        timestamp: new Date().toISOString(),
        model: { provider: 'openai', name: 'm' },
        category: 'chatbot',
        input: { type: 'text' as const, text: 'hello' },
        output: { type: 'text' as const, text: 'Hello! How can I help?' },
        latencyMs,
        status: 'ok' as const,
      }))
      await producer.send(
        TOPICS.events,
        events.map((event) => {
          const envelope: EventEnvelope = {
            projectId,
            receivedAt: new Date().toISOString(),
            event,
          }
          return { key: eventMessageKey(projectId, 'm'), value: JSON.stringify(envelope) }
        }),
      )
      const spike = events.at(-1)?.id ?? ''
      const project = store.forProject(projectId)
      const deadline = Date.now() + 20_000
      while ((await project.getVerdict(spike)) === undefined && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50))
      const anomalies = (await project.getVerdict(spike))?.anomalies ?? []
      const latency = anomalies.filter((a) => a.metric === 'latency_ms')
      expect(latency.length).toBeGreaterThan(0)
      expect(latency.every((a) => a.samples === 8 && a.threshold === 4)).toBe(true)
    } finally {
      await producer.close()
      await platform.close()
      await suite.close()
      await bus.close()
      await logDb.close()
      await store.close()
    }
  })
})
