import type { ProjectStore, TestResultInput } from '@anansi/store'

/**
 * Group commit for results: each `write` resolves once its row is durable, and rows that arrive
 * while a write is in progress go together in the next transaction. With many calls in flight
 * this turns one store round trip per result into one per batch, while a crash still loses only
 * the rows of the batch being written (they are asked again on resume).
 */
export class ResultWriter {
  private queue: { row: TestResultInput; resolve: () => void; reject: (error: unknown) => void }[] =
    []
  private flushing = false

  constructor(
    private readonly store: ProjectStore,
    private readonly runId: string,
    private readonly maxBatch = 500,
  ) {}

  /** Queues a row; resolves when it is stored. */
  write(row: TestResultInput): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, resolve, reject })
      if (!this.flushing) void this.flush()
    })
  }

  private async flush(): Promise<void> {
    this.flushing = true
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch)
      try {
        await this.store.recordTestResults(
          this.runId,
          batch.map((b) => b.row),
        )
        for (const b of batch) b.resolve()
      } catch (error) {
        for (const b of batch) b.reject(error) // each writer sees the failure and fails the run
      }
    }
    this.flushing = false
  }
}
