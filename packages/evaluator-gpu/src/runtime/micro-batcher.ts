import { EvaluatorError } from '../errors.js'

/** Batching limits. */
export interface MicroBatcherOptions {
  /** Largest batch handed to the runner. */
  maxBatchSize: number
  /** Longest an item waits for companions before its batch starts (0: the same event-loop turn). */
  maxWaitMs: number
  /** Items allowed to wait; beyond it `submit` fails fast with a retriable `overloaded` error. */
  maxQueue: number
  /** Batches running at once (1 lets a busy model accumulate the next batch meanwhile). */
  concurrency: number
}

interface Pending<I, O> {
  item: I
  resolve: (value: O) => void
  reject: (reason: unknown) => void
}

/**
 * Dynamic micro-batching: calls made close together share one model run. A batch starts when it is
 * full, when its oldest item has waited `maxWaitMs`, or as soon as a runner frees up. Each caller
 * gets exactly its own result back.
 */
export class MicroBatcher<I, O> {
  private readonly queue: Pending<I, O>[] = []
  private timer: ReturnType<typeof setTimeout> | undefined
  private immediate: ReturnType<typeof setImmediate> | undefined
  private running = 0
  private closed = false
  private idle: (() => void) | undefined

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly options: MicroBatcherOptions,
  ) {}

  /** Queues one item and resolves with its result. */
  submit(item: I): Promise<O> {
    if (this.closed) return Promise.reject(new EvaluatorError('closed', 'evaluator is closed'))
    if (this.queue.length >= this.options.maxQueue) {
      return Promise.reject(
        new EvaluatorError('overloaded', `more than ${this.options.maxQueue} texts waiting`, true),
      )
    }
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject })
      this.schedule()
    })
  }

  /** Items waiting for a batch. */
  get waiting(): number {
    return this.queue.length
  }

  /** Rejects waiting items, lets running batches finish; safe to call twice. */
  async close(): Promise<void> {
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    if (this.immediate) clearImmediate(this.immediate)
    for (const pending of this.queue.splice(0))
      pending.reject(new EvaluatorError('closed', 'evaluator closed before this text ran'))
    if (this.running > 0) await new Promise<void>((resolve) => (this.idle = resolve))
  }

  private schedule(): void {
    if (this.running >= this.options.concurrency || this.queue.length === 0) return
    if (this.queue.length >= this.options.maxBatchSize) return this.dispatch()
    if (this.timer || this.immediate) return
    // Neither handle is unref'd: a caller awaiting a result must keep the process alive.
    if (this.options.maxWaitMs <= 0) {
      // setTimeout(0) waits at least 1 ms in Node; setImmediate still gathers this turn's calls.
      this.immediate = setImmediate(() => {
        this.immediate = undefined
        this.dispatch()
      })
      return
    }
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.dispatch()
    }, this.options.maxWaitMs)
  }

  private dispatch(): void {
    if (this.timer) {
      clearTimeout(this.timer)
      this.timer = undefined
    }
    if (this.immediate) {
      clearImmediate(this.immediate)
      this.immediate = undefined
    }
    if (this.running >= this.options.concurrency || this.queue.length === 0) return
    const batch = this.queue.splice(0, this.options.maxBatchSize)
    this.running += 1
    this.run(batch.map((p) => p.item))
      .then((results) => {
        if (results.length !== batch.length)
          throw new EvaluatorError(
            'inference_failed',
            `runner returned ${results.length} results for ${batch.length} items`,
          )
        batch.forEach((pending, i) => pending.resolve(results[i] as O))
      })
      .catch((error: unknown) => {
        for (const pending of batch) pending.reject(error)
      })
      .finally(() => {
        this.running -= 1
        if (this.running === 0 && this.idle) this.idle()
        // Items that arrived while this batch ran have waited long enough: start at once.
        if (this.queue.length > 0) this.dispatch()
      })
  }
}
