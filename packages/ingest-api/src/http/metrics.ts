import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/** The ingest API's Prometheus metrics, in their own registry (one app, one registry). */
export interface IngestMetrics {
  registry: Registry
  requests: Counter<'route' | 'status'>
  duration: Histogram<'route'>
  batchSize: Histogram
  events: Counter<'result'>
}

/** Creates the metrics; `defaults` adds process metrics (off in tests that build many apps). */
export function createMetrics(defaults: boolean): IngestMetrics {
  const registry = new Registry()
  if (defaults) collectDefaultMetrics({ register: registry, prefix: 'anansi_ingest_' })
  return {
    registry,
    requests: new Counter({
      name: 'anansi_ingest_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['route', 'status'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'anansi_ingest_request_duration_seconds',
      help: 'HTTP request latency by route',
      labelNames: ['route'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers: [registry],
    }),
    batchSize: new Histogram({
      name: 'anansi_ingest_batch_events',
      help: 'Events per POST /v1/events',
      buckets: [1, 10, 50, 100, 250, 500],
      registers: [registry],
    }),
    events: new Counter({
      name: 'anansi_ingest_events_total',
      help: 'Events by outcome',
      labelNames: ['result'],
      registers: [registry],
    }),
  }
}
