import { PGlite } from '@electric-sql/pglite'
import { createEmbeddedBus, fromPglite } from '@anansi/bus'
import { EvaluatorSuite } from '@anansi/evaluator'
import { openStore } from '@anansi/store'
import { describe, expect, it } from 'vitest'
import { readEmbeddedConfig } from '../config.js'
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

  it('serves the ingest API with the CORS origins and rate limit read from the environment', async () => {
    const config = readEmbeddedConfig({
      ANANSI_CORS_ORIGINS: 'https://app.example.com',
      ANANSI_RATE_LIMIT_PER_SECOND: '0.01',
      ANANSI_RATE_LIMIT_BURST: '2',
    })
    const store = await openStore({ driver: 'pglite' })
    const logDb = await PGlite.create()
    const bus = createEmbeddedBus({ client: fromPglite(logDb), pollIntervalMs: 20 })
    const suite = await EvaluatorSuite.load({ tiers: ['lexical'], only: ['toxicity'] })
    const platform = await startPlatform({
      store,
      bus,
      suite,
      roles: { ingest: { host: '127.0.0.1', port: 0 } },
      api: config.api,
      report: () => undefined,
    })
    try {
      const url = platform.url ?? ''
      const preflight = (origin: string) =>
        fetch(`${url}/v1/events`, {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'authorization,content-type',
          },
        })
      const allowed = await preflight('https://app.example.com')
      expect(allowed.status).toBe(204)
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com')
      const refused = await preflight('https://evil.example.com')
      expect(refused.headers.get('access-control-allow-origin')).toBeNull()

      const project = await store.createProject({ name: 'p', slug: 'p' })
      const { plaintext } = await store
        .forProject(project.id)
        .createApiKey({ name: 'k', scopes: ['read'] })
      const read = () =>
        fetch(`${url}/v1/project`, { headers: { authorization: `Bearer ${plaintext}` } })
      expect((await read()).status).toBe(200)
      expect((await read()).status).toBe(200)
      const limited = await read()
      expect(limited.status).toBe(429)
      // One token per 100 s at 0.01/s: the wait says so.
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(60)
    } finally {
      await platform.close()
      await suite.close()
      await bus.close()
      await logDb.close()
      await store.close()
    }
  })
})
