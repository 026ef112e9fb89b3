/** Buckets per window: fine enough that the window slides smoothly, small enough to stay cheap. */
const BUCKETS = 60

interface Bucket {
  start: number
  total: number
  hits: number
}

/**
 * Counts events and hits over a sliding time window in fixed buckets, so memory stays constant
 * whatever the traffic (a day-long window at 10,000 events/s is still 60 numbers).
 */
export class RateWindow {
  private readonly width: number
  private readonly buckets: Bucket[] = []

  constructor(private readonly windowMs: number) {
    this.width = Math.max(1, Math.ceil(windowMs / BUCKETS))
  }

  /** Records one event at time `at` (ms) and returns the window's totals after it. */
  add(at: number, hit: boolean): { total: number; hits: number } {
    const start = at - (at % this.width)
    // An event older than the newest bucket (clock skew between ingest replicas) is counted in
    // the newest bucket rather than reordering history.
    let last = this.buckets[this.buckets.length - 1]
    if (last === undefined || last.start < start) {
      last = { start, total: 0, hits: 0 }
      this.buckets.push(last)
    }
    last.total += 1
    if (hit) last.hits += 1
    const horizon = at - this.windowMs
    while (this.buckets.length > 0 && (this.buckets[0]?.start ?? 0) + this.width <= horizon)
      this.buckets.shift()
    let total = 0
    let hits = 0
    for (const bucket of this.buckets) {
      total += bucket.total
      hits += bucket.hits
    }
    return { total, hits }
  }
}
