import { randomUUID } from 'node:crypto'
import { retryDelayMs } from '../backoff.js'
import type { Consumer, ConsumerOptions, RunOptions } from '../bus.js'
import { BusError, handlerError } from '../errors.js'
import type { BusLogger } from '../logger.js'
import type { BatchContext, BatchHandler, ConsumedMessage, TopicPartition } from '../messages.js'
import { PartitionCallbacks, partitionKey } from '../partition-callbacks.js'
import { errorReporter } from '../report.js'
import { assignPartitions } from './assignment.js'
import {
  acquireLease,
  commitOffset,
  leaveGroup,
  liveMembers,
  releaseLeases,
  renewLeases,
  renewMember,
  startOffset,
  type Lease,
} from './group-membership.js'
import { Waker, type TopicNotifications } from './notifications.js'
import { endOffsets, readBatch } from './read.js'
import type { SqlClient } from './sql-client.js'
import { sqlError, withSqlError } from './sql-errors.js'
import { partitionCounts } from './topics.js'

/** What an embedded consumer shares with its bus. */
export interface EmbeddedConsumerEnv {
  client: SqlClient
  logger: BusLogger
  notifications: TopicNotifications
  pollIntervalMs: number
  ensureSchema: () => Promise<void>
  onStopped: (consumer: EmbeddedConsumer) => void
}

interface OwnedPartition {
  tp: TopicPartition
  lease: Lease
  /** Next offset to deliver. */
  position: bigint
  attempts: number
  retryAt: number
  /** Local, conservative estimate of when the lease runs out. */
  expiresAt: number
  lost: boolean
}

/**
 * A consumer-group member over the embedded log. One loop per member delivers batches partition by
 * partition; a background timer renews its membership and leases; every heartbeat interval it
 * recomputes the assignment from the live members and hands partitions over through the leases.
 */
export class EmbeddedConsumer implements Consumer {
  private readonly memberId: string
  private readonly waker = new Waker()
  private readonly owned = new Map<string, OwnedPartition>()
  private readonly counts = new Map<string, number>()
  private readonly sessionTimeoutMs: number
  private readonly heartbeatIntervalMs: number
  private readonly maxBatchSize: number
  private handler: BatchHandler | undefined
  private callbacks: PartitionCallbacks | undefined
  private report: (error: BusError) => void
  private running = false
  private started = false
  private nextRebalanceAt = 0
  private loopDone: Promise<void> = Promise.resolve()
  private timer: NodeJS.Timeout | undefined
  private renewing: Promise<void> | undefined
  private unsubscribe: (() => void) | undefined
  private stopping: Promise<void> | undefined

  constructor(
    private readonly options: ConsumerOptions,
    private readonly env: EmbeddedConsumerEnv,
  ) {
    this.memberId = options.instanceId ?? randomUUID()
    this.sessionTimeoutMs = options.sessionTimeoutMs ?? 10_000
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 1_000
    this.maxBatchSize = options.maxBatchSize ?? 500
    this.report = errorReporter(undefined, env.logger, { groupId: options.groupId })
  }

  assignment(): TopicPartition[] {
    return [...this.owned.values()].filter((p) => !p.lost).map((p) => p.tp)
  }

  async run(options: RunOptions): Promise<void> {
    if (this.started)
      throw new BusError('invalid_argument', 'run() may be called once per consumer', false)
    if (this.stopping !== undefined) throw new BusError('closed', 'the consumer was stopped', false)
    this.started = true
    this.running = true
    this.handler = options.eachBatch
    this.report = errorReporter(options.onError, this.env.logger, { groupId: this.options.groupId })
    this.callbacks = new PartitionCallbacks(
      options.onPartitionsAssigned,
      options.onPartitionsRevoked,
      this.report,
    )
    try {
      await this.env.ensureSchema()
      this.unsubscribe = await this.env.notifications.subscribe(this.options.topics, () =>
        this.waker.wake(),
      )
      await this.rebalance()
    } catch (error) {
      this.running = false
      await this.stop().catch((cleanup: unknown) =>
        this.env.logger.warn('cleaning up after a failed join failed', { error: cleanup }),
      )
      throw sqlError('group_failed', `joining group ${this.options.groupId}`, error)
    }
    this.timer = setInterval(() => void this.renew().catch(this.report), this.heartbeatIntervalMs)
    this.timer.unref()
    this.loopDone = this.loop()
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown()
    return this.stopping
  }

  private async shutdown(): Promise<void> {
    this.running = false
    this.waker.wake()
    await this.loopDone
    clearInterval(this.timer)
    await this.renewing?.catch(() => undefined) // its failure was already reported by the timer
    this.unsubscribe?.()
    try {
      await this.callbacks?.close()
      if (this.started) {
        await withSqlError('group_failed', `leaving group ${this.options.groupId}`, () =>
          leaveGroup(this.env.client, this.options.groupId, this.memberId),
        )
      }
    } finally {
      this.owned.clear()
      this.env.onStopped(this)
    }
  }

  private async loop(): Promise<void> {
    let failures = 0
    while (this.running) {
      try {
        await this.dropLost()
        if (Date.now() >= this.nextRebalanceAt) await this.rebalance()
        const worked = await this.pollOwned()
        failures = 0
        if (!worked && this.running) await this.waker.wait(this.idleWaitMs())
      } catch (error) {
        failures += 1
        this.report(
          sqlError('fetch_failed', `consumer loop of group ${this.options.groupId}`, error),
        )
        if (this.running) await this.waker.wait(retryDelayMs(failures))
      }
    }
  }

  private idleWaitMs(): number {
    const now = Date.now()
    let wait = Math.min(this.env.pollIntervalMs, this.nextRebalanceAt - now)
    for (const p of this.owned.values()) if (p.retryAt > now) wait = Math.min(wait, p.retryAt - now)
    return Math.max(1, wait)
  }

  /** Joins or re-balances: revokes what the assignment no longer gives us, acquires what it does. */
  private async rebalance(): Promise<void> {
    const { client } = this.env
    const { groupId } = this.options
    this.nextRebalanceAt = Date.now() + this.heartbeatIntervalMs
    await renewMember(client, groupId, this.memberId, this.sessionTimeoutMs)
    const members = await liveMembers(client, groupId)
    await this.refreshPartitionCounts()
    const desired = assignPartitions(members, this.counts, this.memberId)
    const wanted = new Set(desired.map(partitionKey))
    const revoke = [...this.owned.values()].filter((p) => !wanted.has(partitionKey(p.tp)))
    if (revoke.length > 0) {
      await this.callbacks?.revoked(revoke.map((p) => p.tp))
      await releaseLeases(
        client,
        groupId,
        this.memberId,
        revoke.map((p) => p.tp),
      )
      for (const p of revoke) this.owned.delete(partitionKey(p.tp))
    }
    const acquired: TopicPartition[] = []
    for (const tp of desired) {
      if (this.owned.has(partitionKey(tp)) || !this.running) continue
      const before = Date.now()
      const generation = await acquireLease(
        client,
        groupId,
        tp,
        this.memberId,
        this.sessionTimeoutMs,
      )
      if (generation === undefined) continue // still held by a live member that has not let go yet
      const position = await startOffset(client, groupId, tp, this.options.startFrom ?? 'earliest')
      this.owned.set(partitionKey(tp), {
        tp,
        lease: { ...tp, generation },
        position,
        attempts: 0,
        retryAt: 0,
        expiresAt: before + this.sessionTimeoutMs,
        lost: false,
      })
      acquired.push(tp)
    }
    if (acquired.length > 0) await this.callbacks?.assigned(acquired)
  }

  private async refreshPartitionCounts(): Promise<void> {
    const missing = this.options.topics.filter((topic) => !this.counts.has(topic))
    if (missing.length === 0) return
    // A topic's partition count never shrinks or changes once created, so caching is safe.
    for (const [topic, count] of await partitionCounts(this.env.client, missing)) {
      this.counts.set(topic, count)
    }
  }

  /** Renews membership and leases (background timer and `heartbeat()`); marks lost leases. */
  private renew(): Promise<void> {
    this.renewing ??= (async () => {
      try {
        const { client } = this.env
        const { groupId } = this.options
        const snapshot = [...this.owned.values()]
        const before = Date.now()
        await renewMember(client, groupId, this.memberId, this.sessionTimeoutMs)
        const held = await renewLeases(client, groupId, this.memberId, this.sessionTimeoutMs)
        const live = new Set(held.map((l) => `${partitionKey(l)}\u0000${l.generation}`))
        for (const p of snapshot) {
          if (live.has(`${partitionKey(p.tp)}\u0000${p.lease.generation}`)) {
            p.expiresAt = before + this.sessionTimeoutMs
          } else if (this.owned.get(partitionKey(p.tp)) === p) {
            p.lost = true
          }
        }
      } catch (error) {
        throw sqlError(
          'group_failed',
          `renewing membership in group ${this.options.groupId}`,
          error,
        )
      } finally {
        this.renewing = undefined
      }
    })()
    return this.renewing
  }

  private async dropLost(): Promise<void> {
    const lost = [...this.owned.values()].filter((p) => p.lost)
    if (lost.length === 0) return
    for (const p of lost) this.owned.delete(partitionKey(p.tp))
    this.env.logger.warn('lost partition leases (another member took over)', {
      groupId: this.options.groupId,
      partitions: lost.map((p) => p.tp),
    })
    await this.callbacks?.revoked(lost.map((p) => p.tp))
  }

  private async pollOwned(): Promise<boolean> {
    const byTopic = new Map<string, OwnedPartition[]>()
    for (const p of this.owned.values()) {
      byTopic.set(p.tp.topic, [...(byTopic.get(p.tp.topic) ?? []), p])
    }
    let worked = false
    const width = Math.max(1, this.options.partitionConcurrency ?? 1)
    for (const [topic, partitions] of byTopic) {
      const ends = await endOffsets(this.env.client, topic)
      const due = partitions.filter(
        (p) => !p.lost && Date.now() >= p.retryAt && p.position < (ends.get(p.tp.partition) ?? 0n),
      )
      // `width` partitions at a time; each partition still gets one batch at a time, in order.
      for (let i = 0; i < due.length; i += width) {
        if (!this.running) return worked
        const delivered = await Promise.all(
          due.slice(i, i + width).map(async (p) => {
            const messages = await readBatch(this.env.client, p.tp, p.position, this.maxBatchSize)
            if (messages.length === 0) return false
            await this.deliver(p, messages)
            return true
          }),
        )
        if (delivered.includes(true)) worked = true
      }
    }
    return worked
  }

  /** Runs the handler on one batch; commits all of it, or on failure what it resolved. */
  private async deliver(p: OwnedPartition, messages: ConsumedMessage[]): Promise<void> {
    const first = BigInt(messages[0]?.offset ?? '0')
    const last = BigInt(messages.at(-1)?.offset ?? '0')
    let resolved: bigint | undefined
    const context: BatchContext = {
      resolveOffset: (offset) => {
        const next = BigInt(offset) + 1n
        if (next > first && next <= last + 1n && (resolved === undefined || next > resolved)) {
          resolved = next
        }
      },
      heartbeat: () => this.renew(),
      isRunning: () => this.running,
      isStale: () => p.lost || this.owned.get(partitionKey(p.tp)) !== p || Date.now() > p.expiresAt,
    }
    try {
      await this.callbacks?.ready(p.tp)
      await this.handler?.({ topic: p.tp.topic, partition: p.tp.partition, messages }, context)
    } catch (error) {
      p.attempts += 1
      p.retryAt = Date.now() + retryDelayMs(p.attempts)
      this.report(
        error instanceof BusError
          ? error
          : handlerError(
              'handler_failed',
              `eachBatch failed on ${p.tp.topic}[${p.tp.partition}] at offset ${first} (attempt ${p.attempts}; redelivering)`,
              error,
            ),
      )
      if (resolved !== undefined) await this.commit(p, resolved)
      return
    }
    p.attempts = 0
    await this.commit(p, last + 1n)
  }

  private async commit(p: OwnedPartition, next: bigint): Promise<void> {
    const committed = await withSqlError(
      'commit_failed',
      `committing ${p.tp.topic}[${p.tp.partition}] at ${next}`,
      () => commitOffset(this.env.client, this.options.groupId, this.memberId, p.lease, next),
    )
    if (committed) p.position = next
    else p.lost = true // fenced: another member owns the partition now and redelivers from its commit
  }
}
