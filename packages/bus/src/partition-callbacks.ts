import { BusError, handlerError } from './errors.js'
import type { PartitionsListener, TopicPartition } from './messages.js'

/** The key of a topic-partition in maps and sets. */
export function partitionKey({ topic, partition }: TopicPartition): string {
  return `${topic}\u0000${partition}`
}

/**
 * Tracks which partitions a consumer owns and runs the user's assigned/revoked callbacks one at a
 * time, in order, so a partition's state is never loaded before the previous handover finished.
 * A failed `onPartitionsAssigned` is reported and retried before that partition's next batch.
 */
export class PartitionCallbacks {
  private readonly owned = new Map<string, TopicPartition>()
  private readonly unready = new Set<string>()
  private chain: Promise<void> = Promise.resolve()
  private closed = false

  constructor(
    private readonly onAssigned: PartitionsListener | undefined,
    private readonly onRevoked: PartitionsListener | undefined,
    private readonly report: (error: BusError) => void,
  ) {}

  /** The partitions owned now. */
  list(): TopicPartition[] {
    return [...this.owned.values()]
  }

  /** Whether the partition is owned now. */
  owns(tp: TopicPartition): boolean {
    return this.owned.has(partitionKey(tp))
  }

  /** Resolves once every callback queued so far has run. */
  settled(): Promise<void> {
    return this.chain
  }

  /** Records newly owned partitions and runs `onPartitionsAssigned` for them. */
  assigned(partitions: TopicPartition[]): Promise<void> {
    return this.enqueue(() => this.doAssign(partitions))
  }

  /** Forgets partitions and runs `onPartitionsRevoked` for those that were owned. */
  revoked(partitions: TopicPartition[]): Promise<void> {
    return this.enqueue(() => this.doRevoke(partitions))
  }

  /** Makes the owned set exactly `partitions`: revokes what is gone, then assigns what is new. */
  sync(partitions: TopicPartition[]): Promise<void> {
    return this.enqueue(async () => {
      const wanted = new Set(partitions.map(partitionKey))
      await this.doRevoke(this.list().filter((tp) => !wanted.has(partitionKey(tp))))
      await this.doAssign(partitions)
    })
  }

  /** Revokes everything owned. */
  revokeAll(): Promise<void> {
    return this.enqueue(() => this.doRevoke(this.list()))
  }

  /** Revokes everything and ignores later assignments (the consumer is stopping). */
  close(): Promise<void> {
    return this.enqueue(async () => {
      await this.doRevoke(this.list())
      this.closed = true
    })
  }

  /**
   * Waits for pending callbacks, then makes sure `onPartitionsAssigned` succeeded for this
   * partition (running it now if the partition arrived unannounced or its callback failed).
   * Throws a retriable `callback_failed` error if it fails again.
   */
  async ready(tp: TopicPartition): Promise<void> {
    await this.chain
    const key = partitionKey(tp)
    if (this.closed) throw new BusError('closed', 'the consumer is stopping', true)
    if (this.owned.has(key) && !this.unready.has(key)) return
    const outcome: { error?: BusError } = {}
    await this.enqueue(async () => {
      this.owned.set(key, tp)
      outcome.error = await this.runAssigned([tp], false)
    })
    if (outcome.error !== undefined) throw outcome.error
  }

  private async doAssign(partitions: TopicPartition[]): Promise<void> {
    const added = partitions.filter((tp) => !this.owned.has(partitionKey(tp)))
    if (added.length === 0 || this.closed) return
    for (const tp of added) this.owned.set(partitionKey(tp), tp)
    await this.runAssigned(added)
  }

  private async doRevoke(partitions: TopicPartition[]): Promise<void> {
    const removed = partitions.filter((tp) => this.owned.delete(partitionKey(tp)))
    for (const tp of removed) this.unready.delete(partitionKey(tp))
    if (removed.length === 0 || this.onRevoked === undefined) return
    try {
      await this.onRevoked(removed)
    } catch (error) {
      this.report(handlerError('callback_failed', 'onPartitionsRevoked failed', error))
    }
  }

  private async runAssigned(
    partitions: TopicPartition[],
    report = true,
  ): Promise<BusError | undefined> {
    if (this.onAssigned === undefined) return undefined
    try {
      await this.onAssigned(partitions)
      for (const tp of partitions) this.unready.delete(partitionKey(tp))
      return undefined
    } catch (cause) {
      for (const tp of partitions) this.unready.add(partitionKey(tp))
      const error = handlerError('callback_failed', 'onPartitionsAssigned failed', cause)
      if (report) this.report(error)
      return error
    }
  }

  // Callbacks never reject the chain: failures are reported or returned, so one bad callback
  // cannot wedge every later handover.
  private enqueue(step: () => Promise<void>): Promise<void> {
    const next = this.chain.then(step)
    this.chain = next.catch((error: unknown) => {
      this.report(handlerError('callback_failed', 'partition callback failed', error))
    })
    return this.chain
  }
}
