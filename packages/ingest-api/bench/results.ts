/** One measured batch size against an HTTP server (autocannon). */
export interface HttpResult {
  batchSize: number
  /** Events in 2xx-answered batches per second: refused or failed requests do not count. */
  eventsPerSecond: number
  requestsPerSecond: number
  /** Request latency (2xx answers), from sending the request to the end of its answer. */
  p50Ms: number
  p99Ms: number
  requests: number
  non2xx: number
  /** Connection errors and timeouts. */
  errors: number
  statusCodes: Record<string, number>
  durationSeconds: number
  /**
   * CPU the server process used during the run (Linux /proc), as % of one core, and per accepted
   * event: less sensitive to a busy machine than throughput. Excludes Kafka and Postgres servers.
   */
  serverCpuPercent?: number
  serverCpuUsPerEvent?: number
}

/** One measured batch size of the raw kafkajs producer. */
export interface RawResult {
  batchSize: number
  eventsPerSecond: number
  sendsPerSecond: number
  /** Latency of one `producer.send` (acks=-1). */
  p50Ms: number
  p99Ms: number
  sends: number
  durationSeconds: number
  /** CPU the producer process used during the run, as % of one core, and per event. */
  producerCpuPercent: number
  producerCpuUsPerEvent: number
}
