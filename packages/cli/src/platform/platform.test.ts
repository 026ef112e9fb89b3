import { PGlite } from '@electric-sql/pglite'
import { createEmbeddedBus, fromPglite } from '@anansi/bus'
import { EvaluatorSuite } from '@anansi/evaluator'
import { openStore } from '@anansi/store'
import { describe, expect, it } from 'vitest'
import { startPlatform } from './platform.js'

describe('startPlatform', () => {
  it('a processor without the ingest API serves its own health, readiness and metrics', async () => {
    const store = await openStore({ driver: 'pglite' })
    const logDb = await PGlite.create()
    const bus = createEmbeddedBus({ client: fromPglite(logDb), pollIntervalMs: 20 })
    const suite = await EvaluatorSuite.load({ tiers: ['lexical'], only: ['toxicity'] })
    const reported: unknown[] = []
    const platform = await startPlatform({
      store,
      bus,
      suite,
      roles: { processor: true, processorHttp: { host: '127.0.0.1', port: 0 } },
      eventPartitions: 2,
      report: (error) => reported.push(error),
    })
    try {
      expect(platform.api).toBeUndefined()
      const url = platform.url ?? ''
      expect((await fetch(`${url}/healthz`)).status).toBe(200)
      const ready = await fetch(`${url}/readyz`)
      expect(ready.status).toBe(200)
      expect(await ready.json()).toMatchObject({ status: 'ready', database: 'ok', bus: 'ok' })
      const metrics = await (await fetch(`${url}/metrics`)).text()
      expect(metrics).toContain('anansi_processor_events_total')
      expect(metrics).toContain('anansi_processor_consumer_lag')
      expect((await fetch(`${url}/v1/events`)).status).toBe(404)
    } finally {
      await platform.close()
      await suite.close()
      await bus.close()
      await logDb.close()
      await store.close()
    }
    expect(reported).toEqual([])
  })
})
