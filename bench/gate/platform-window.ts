/** The platform's side of a measured window, from its Prometheus metrics. */
import type { BenchPlatform } from './platforms.js'
import { growth, meanMs, scrape, total, type Samples } from './prometheus.js'
import { round } from './stats.js'

/** What the platform did during a window. */
export interface PlatformWindow {
  /** `POST /v1/events` requests the ingest API answered, and their mean time in the API (ms). */
  ingestPosts: number
  ingestPostMeanMs: number | null
  processorBatches: number
  eventsDecided: number
  eventsDecidedPerSecond: number | null
  eventsPerBatch: number | null
  /** Mean time per processor batch in each stage (ms). */
  batchStageMeanMs: Record<'evaluate' | 'store' | 'publish' | 'total', number | null>
  /** Events on the log not yet processed when the window ended (all partitions). */
  consumerLagAtEnd: number
}

/** Both /metrics endpoints of a platform (one when the ingest API serves the processor's too). */
export async function scrapePlatform(platform: BenchPlatform): Promise<Samples> {
  const { ingest, processor } = platform.metricsUrls
  const [a, b] = await Promise.all([
    scrape(ingest),
    ingest === processor ? undefined : scrape(processor),
  ])
  return b === undefined ? a : new Map([...a, ...b])
}

/** The window between two scrapes `seconds` apart. */
export function platformWindow(before: Samples, after: Samples, seconds: number): PlatformWindow {
  const grown = growth(before, after)
  const stage = (name: string): number | null =>
    round(meanMs(grown, 'anansi_processor_batch_stage_seconds', `stage="${name}"`))
  const batches = total(grown, 'anansi_processor_batches_total')
  const decided = total(grown, 'anansi_processor_events_total', 'outcome="decided"')
  const posts = 'route="/v1/events"'
  return {
    ingestPosts: total(grown, 'anansi_ingest_request_duration_seconds_count', posts),
    ingestPostMeanMs: round(meanMs(grown, 'anansi_ingest_request_duration_seconds', posts)),
    processorBatches: batches,
    eventsDecided: decided,
    eventsDecidedPerSecond: round(decided / seconds, 0),
    eventsPerBatch: batches > 0 ? round(decided / batches, 1) : null,
    batchStageMeanMs: {
      evaluate: stage('evaluate'),
      store: stage('store'),
      publish: stage('publish'),
      total: stage('total'),
    },
    consumerLagAtEnd: total(after, 'anansi_processor_consumer_lag'),
  }
}
