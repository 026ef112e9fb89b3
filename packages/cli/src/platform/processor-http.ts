import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Bus } from '@anansi/bus'
import type { Store } from '@anansi/store'
import type { StreamProcessor } from '@anansi/stream-processor'

/**
 * The health and metrics endpoints of a processor-only process (the ingest API serves them when it
 * runs alongside): /healthz (alive), /readyz (database and bus answer, consumer joined) and
 * /metrics (Prometheus). Nothing else is exposed.
 */
export async function serveProcessorHttp(
  processor: StreamProcessor,
  store: Store,
  bus: Bus,
  address: { host: string; port: number },
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const send = (status: number, type: string, body: string): void => {
      response.writeHead(status, { 'content-type': type }).end(body)
    }
    void (async () => {
      if (request.method !== 'GET') return send(405, 'application/json', '{"error":"method"}')
      if (request.url === '/healthz') return send(200, 'application/json', '{"status":"ok"}')
      if (request.url === '/readyz') {
        const database = await store.ping().then(
          () => 'ok',
          () => 'unreachable',
        )
        const log = await bus.admin.lag('anansi-readyz-probe', 'anansi.events').then(
          () => 'ok',
          () => 'unreachable',
        )
        const joined = processor.consumer.assignment().length > 0 ? 'assigned' : 'waiting'
        const ready = database === 'ok' && log === 'ok'
        return send(
          ready ? 200 : 503,
          'application/json',
          JSON.stringify({
            status: ready ? 'ready' : 'not_ready',
            database,
            bus: log,
            partitions: joined,
          }),
        )
      }
      if (request.url === '/metrics')
        return send(
          200,
          processor.metrics.registry.contentType,
          await processor.metrics.registry.metrics(),
        )
      return send(404, 'application/json', '{"error":"not_found"}')
    })().catch(() => send(500, 'application/json', '{"error":"internal"}'))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', reject)
    server.listen(address.port, address.host)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${address.host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
