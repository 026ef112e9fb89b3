import type { Bus } from '@anansi/bus'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { BatchSummary } from '../pipeline/process-batch.js'
import type { DeliveryReport } from '../webhooks/index.js'

/** The processor's Prometheus metrics, in their own registry. */
export interface ProcessorMetrics {
  registry: Registry
  /** Counts one committed batch. */
  recordBatch(summary: BatchSummary): void
  /** Counts one webhook delivery attempt. */
  recordDelivery(report: DeliveryReport): void
}

/**
 * Creates the processor's metrics. Consumer lag is read from the bus when scraped (per partition
 * of the events topic), so it is always current and costs nothing between scrapes.
 */
export function createProcessorMetrics(options: {
  bus: Bus
  groupId: string
  eventsTopic: string
  defaults?: boolean
  report: (error: unknown) => void
}): ProcessorMetrics {
  const registry = new Registry()
  if (options.defaults === true)
    collectDefaultMetrics({ register: registry, prefix: 'anansi_processor_' })
  const events = new Counter({
    name: 'anansi_processor_events_total',
    help: 'Events by outcome: decided, redelivered (verdict re-published), dead_lettered',
    labelNames: ['outcome'],
    registers: [registry],
  })
  const batches = new Counter({
    name: 'anansi_processor_batches_total',
    help: 'Committed batches',
    registers: [registry],
  })
  const anomalies = new Counter({
    name: 'anansi_processor_anomalies_total',
    help: 'Anomalies raised by the z-score detectors',
    registers: [registry],
  })
  const alerts = new Counter({
    name: 'anansi_processor_alerts_total',
    help: 'Alerts raised by alert rules',
    registers: [registry],
  })
  const stage = new Histogram({
    name: 'anansi_processor_batch_stage_seconds',
    help: 'Time per batch in each stage',
    labelNames: ['stage'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  })
  const deliveries = new Counter({
    name: 'anansi_processor_webhook_attempts_total',
    help: 'Webhook delivery attempts by outcome',
    labelNames: ['outcome'],
    registers: [registry],
  })
  new Gauge({
    name: 'anansi_processor_consumer_lag',
    help: 'Events not yet committed by the processor group, per partition',
    labelNames: ['partition'],
    registers: [registry],
    async collect() {
      try {
        for (const partition of await options.bus.admin.lag(options.groupId, options.eventsTopic))
          this.set({ partition: String(partition.partition) }, partition.lag)
      } catch (error) {
        options.report(error) // a scrape without lag beats a failed scrape
      }
    },
  })
  return {
    registry,
    recordBatch(summary) {
      batches.inc()
      events.inc({ outcome: 'decided' }, summary.decided)
      events.inc({ outcome: 'redelivered' }, summary.redelivered)
      events.inc({ outcome: 'dead_lettered' }, summary.deadLettered)
      anomalies.inc(summary.anomalies)
      alerts.inc(summary.alerts)
      stage.observe({ stage: 'evaluate' }, summary.timings.evaluateMs / 1000)
      stage.observe({ stage: 'store' }, summary.timings.storeMs / 1000)
      stage.observe({ stage: 'publish' }, summary.timings.publishMs / 1000)
      stage.observe({ stage: 'total' }, summary.timings.totalMs / 1000)
    },
    recordDelivery(report) {
      deliveries.inc({ outcome: report.outcome })
    },
  }
}
