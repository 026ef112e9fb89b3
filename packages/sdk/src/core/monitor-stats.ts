import type { DropReason } from '../options.js'
import type { GateCounters } from './call-recorder.js'

/** What `monitor.stats()` reports: the queue, what was sent, dropped and gated. */
export interface MonitorStats {
  queued: number
  queuedBytes: number
  sent: number
  rejected: number
  batches: number
  retries: number
  dropped: number
  droppedByReason: Partial<Record<DropReason, number>>
  gates: GateCounters
}
