import { randomBytes } from 'node:crypto'
import type {
  Batch,
  BusError,
  BusLogger,
  Consumer,
  ConsumedMessage,
  LogFields,
  RunOptions,
  TopicPartition,
} from '../src/index.js'

/** A topic or group name no other test (or earlier run against the same broker) uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`
}

/** Polls `check` until it returns true, failing with `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 8_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** A logger that keeps every line, so tests stay quiet and can assert on warnings. */
export function recordingLogger(): BusLogger & {
  lines: { level: string; message: string; fields?: LogFields }[]
} {
  const lines: { level: string; message: string; fields?: LogFields }[] = []
  const at =
    (level: string) =>
    (message: string, fields?: LogFields): void => {
      lines.push({ level, message, ...(fields === undefined ? {} : { fields }) })
      // BUS_TEST_LOG=1 shows what the bus logged (quiet by default).
      if (process.env.BUS_TEST_LOG === '1') console.error(`[${level}] ${message}`, fields ?? '')
    }
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

/** One delivered message, with the consumer and partition that received it. */
export interface Received extends ConsumedMessage {
  by: string
  partition: number
}

/** What a collecting consumer saw. */
export interface Collector {
  received: Received[]
  errors: BusError[]
  assigned: TopicPartition[][]
  revoked: TopicPartition[][]
  /** Values received, decoded as UTF-8. */
  values(): string[]
}

const decoder = new TextDecoder()

/** Decodes a message value as UTF-8. */
export function text(message: { value: Uint8Array }): string {
  return decoder.decode(message.value)
}

/**
 * Runs `consumer` with a handler that records every message (and calls `each` first, which may
 * throw to simulate a failure), plus the partition callbacks and reported errors.
 */
export async function collect(
  consumer: Consumer,
  name: string,
  each?: (message: ConsumedMessage, batch: Batch) => void | Promise<void>,
  extra: Partial<RunOptions> = {},
): Promise<Collector> {
  const collector: Collector = {
    received: [],
    errors: [],
    assigned: [],
    revoked: [],
    values: () => collector.received.map(text),
  }
  await consumer.run({
    eachBatch: async (batch, context) => {
      for (const message of batch.messages) {
        await each?.(message, batch)
        collector.received.push({ ...message, by: name, partition: batch.partition })
        context.resolveOffset(message.offset)
      }
    },
    onPartitionsAssigned: (partitions) => {
      collector.assigned.push(partitions)
    },
    onPartitionsRevoked: (partitions) => {
      collector.revoked.push(partitions)
    },
    onError: (error) => {
      collector.errors.push(error)
    },
    ...extra,
  })
  return collector
}
