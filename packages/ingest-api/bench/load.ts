import autocannon from 'autocannon'
import type { EventFactory } from './events.js'
import type { HttpResult } from './results.js'
import { round } from './stats.js'

/** What one load run needs. */
export interface LoadOptions {
  url: string
  apiKey?: string
  batchSize: number
  seconds: number
  connections: number
  factory: EventFactory
}

/**
 * Posts batches of fresh events to `POST /v1/events` for `seconds` with autocannon, one request in
 * flight per connection (an SDK waits for its answer before it sends the next batch).
 */
export async function loadHttp(options: LoadOptions): Promise<HttpResult> {
  const { factory, batchSize } = options
  const result = await autocannon({
    url: `${options.url}/v1/events`,
    method: 'POST',
    connections: options.connections,
    pipelining: 1,
    duration: options.seconds,
    timeout: 30,
    headers: {
      'content-type': 'application/json',
      ...(options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` }),
    },
    // A fresh body (new UUIDv7 ids) for every request, or the API would answer duplicates.
    requests: [
      {
        setupRequest: (request) => ({ ...request, body: factory.batchBody(batchSize) }),
      },
    ],
  })
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, stat.count ?? 0]),
  )
  return {
    batchSize,
    eventsPerSecond: round((result['2xx'] * batchSize) / result.duration),
    requestsPerSecond: round(result['2xx'] / result.duration),
    p50Ms: round(result.latency.p50),
    p99Ms: round(result.latency.p99),
    requests: result['2xx'] + result.non2xx,
    non2xx: result.non2xx,
    errors: result.errors,
    statusCodes,
    durationSeconds: round(result.duration),
  }
}
