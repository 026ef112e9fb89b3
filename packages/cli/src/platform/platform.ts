import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Bus, Consumer } from '@anansi/bus'
import type { EvaluatorSuite } from '@anansi/evaluator'
import { serve } from '@hono/node-server'
import {
  attachTestRunSocket,
  attachVerdictSocket,
  createIngestApi,
  startEventFeed,
  startVerdictFeed,
  type IngestApi,
  type RateLimitOptions,
} from '@anansi/ingest-api'
import type { Store } from '@anansi/store'
import {
  ensureTopics,
  startStreamProcessor,
  type DetectorSettingsInput,
  type StreamProcessor,
} from '@anansi/stream-processor'
import { createTestRunService } from '@anansi/test-runner'
import { uuidv7 } from '@anansi/protocol'
import { serveProcessorHttp } from './processor-http.js'

/** Which parts run in this process. */
export interface PlatformRoles {
  ingest?: { host: string; port: number }
  processor?: boolean
  /** Health and metrics of a processor running without the ingest API in this process. */
  processorHttp?: { host: string; port: number }
}

/** What the platform is built from; the caller owns (and closes) store, bus and suite. */
export interface PlatformOptions {
  store: Store
  bus: Bus
  suite: EvaluatorSuite
  roles: PlatformRoles
  /** Partitions of `anansi.events` when the topics are created here. */
  eventPartitions?: number
  /** Consumer group of the processors (all processors of a deployment share it). */
  processorGroup?: string
  /** Anomaly-detector settings of the processor (the library's defaults when absent). */
  detectors?: DetectorSettingsInput
  /** Deliver webhooks to private/loopback addresses too (local development only). */
  allowPrivateWebhookTargets?: boolean
  /** Browser origins allowed by CORS and the per-key rate limit of the ingest API. */
  api?: { corsOrigins?: string[]; rateLimit?: RateLimitOptions }
  /** Unique per ingest replica: it follows verdicts (and, on Kafka, events) with groups of its own. */
  replicaId?: string
  report: (error: unknown) => void
}

/** The running parts, and how to stop them. */
export interface RunningPlatform {
  /** Base URL of the ingest API, when this process serves it. */
  url?: string
  api?: IngestApi
  processor?: StreamProcessor
  /** Stops accepting, finishes in-flight work (events stay durable on the bus), stops everything. */
  close(): Promise<void>
}

/**
 * Starts the ingest API (HTTP, WebSocket verdicts, live verdict feed) and/or the stream processor
 * on a store, a bus and loaded evaluators. `anansi dev` runs both on the embedded stack;
 * `anansi start --role …` runs either or both on Postgres and Kafka.
 */
export async function startPlatform(options: PlatformOptions): Promise<RunningPlatform> {
  const { store, bus, suite, roles, report } = options
  await ensureTopics(bus, {
    ...(options.eventPartitions === undefined ? {} : { eventPartitions: options.eventPartitions }),
  })
  const closers: (() => Promise<void>)[] = []
  const close = async (): Promise<void> => {
    for (const stop of closers.splice(0).reverse()) {
      try {
        await stop()
      } catch (error) {
        report(error)
      }
    }
  }
  try {
    const running: RunningPlatform = { close }
    if (roles.processor === true) {
      const processor = await startStreamProcessor({
        store,
        bus,
        suite,
        groupId: options.processorGroup ?? 'anansi-processor',
        ...(options.eventPartitions === undefined
          ? {}
          : { eventPartitions: options.eventPartitions }),
        ...(options.detectors === undefined ? {} : { detectors: options.detectors }),
        webhooks: { allowPrivate: options.allowPrivateWebhookTargets ?? false },
        report,
      })
      closers.push(() => processor.stop())
      running.processor = processor
      if (roles.processorHttp !== undefined && roles.ingest === undefined) {
        const http = await serveProcessorHttp(processor, store, bus, roles.processorHttp)
        closers.push(() => http.close())
        running.url = http.url
      }
    }
    if (roles.ingest !== undefined) {
      // Safety test runs execute in the ingest process, judged by its evaluators; closing
      // cancels the runs in flight (stored as cancelled).
      const testRuns = createTestRunService({ evaluators: suite, report })
      closers.push(() => testRuns.close())
      const api = createIngestApi({
        store,
        bus,
        suite,
        testRuns,
        report,
        allowPrivateWebhookTargets: options.allowPrivateWebhookTargets ?? false,
        ...(options.api?.corsOrigins === undefined ? {} : { corsOrigins: options.api.corsOrigins }),
        ...(options.api?.rateLimit === undefined ? {} : { rateLimit: options.api.rateLimit }),
        extraMetrics: running.processor === undefined ? [] : [running.processor.metrics.registry],
      })
      closers.push(() => api.close())
      const replicaId = options.replicaId ?? uuidv7()
      const feed: Consumer = await startVerdictFeed(bus, api.hub, replicaId, report)
      closers.push(() => feed.stop())
      // On Kafka ingest replicas scale out: each follows every accepted event so that its SSE
      // streams also show what the others accepted. `anansi dev` (embedded) is one process.
      if (bus.kind === 'kafka') {
        const events = await startEventFeed(bus, api.events, replicaId, report)
        closers.push(() => events.stop())
      }
      const server = serve({
        fetch: api.app.fetch,
        port: roles.ingest.port,
        hostname: roles.ingest.host,
      }) as Server
      await new Promise<void>((resolve, reject) => {
        server.once('listening', resolve)
        server.once('error', reject)
      })
      closers.push(
        () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve())
            server.closeIdleConnections()
            // Live streams (SSE) never end by themselves: give them a moment, then cut them.
            setTimeout(() => server.closeAllConnections(), 2_000).unref()
          }),
      )
      const detach = attachVerdictSocket(server, store, api.hub, { report })
      closers.push(() => detach())
      const detachTests = attachTestRunSocket(server, store, testRuns, { report })
      closers.push(() => detachTests())
      const address = server.address() as AddressInfo
      running.url = `http://${roles.ingest.host}:${address.port}`
      running.api = api
    }
    return running
  } catch (error) {
    await close()
    throw error
  }
}
