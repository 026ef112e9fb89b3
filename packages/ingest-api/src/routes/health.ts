import { Hono } from 'hono'
import type { Store } from '@anansi/store'
import type { Bus } from '@anansi/bus'
import type { Registry } from 'prom-client'

/**
 * /healthz (the process answers), /readyz (database and bus answer: the events topic's offsets
 * can be read), /metrics (Prometheus).
 */
export function healthRoutes(
  store: Store,
  bus: Bus,
  eventsTopic: string,
  registry: Registry,
): Hono {
  const app = new Hono()
  app.get('/healthz', (c) => c.json({ status: 'ok' }))
  app.get('/readyz', async (c) => {
    const [database, log] = await Promise.all([
      store.ping().then(
        () => 'ok' as const,
        () => 'unavailable' as const,
      ),
      bus.admin.lag('anansi-readyz', eventsTopic).then(
        () => 'ok' as const,
        () => 'unavailable' as const,
      ),
    ])
    const ready = database === 'ok' && log === 'ok'
    return c.json({ status: ready ? 'ready' : 'not_ready', database, bus: log }, ready ? 200 : 503)
  })
  app.get('/metrics', async (c) =>
    c.text(await registry.metrics(), 200, { 'content-type': registry.contentType }),
  )
  return app
}
