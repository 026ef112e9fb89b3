import { Partitioners, type Kafka, type Producer as KafkaProducer } from 'kafkajs'
import type { Producer } from '../bus.js'
import { BusError } from '../errors.js'
import type { BusLogger } from '../logger.js'
import type { OutgoingMessage } from '../messages.js'
import { kafkaError } from './kafka-errors.js'

/**
 * Bytes of messages one produce request carries. The broker refuses a partition's record batch
 * over `message.max.bytes` (1 MiB by default), so a large send goes out as several requests, one
 * after another (`maxInFlightRequests: 1` keeps each key's messages in order across them).
 */
export const MAX_REQUEST_BYTES = 768 * 1024

/** Per-record overhead on top of key, value and headers (lengths, offsets, attributes). */
const RECORD_OVERHEAD_BYTES = 64

function byteLength(value: Uint8Array | string): number {
  return typeof value === 'string' ? Buffer.byteLength(value) : value.byteLength
}

/** Splits messages, in order, into chunks of at most `limit` bytes (a bigger message goes alone). */
export function chunkBySize(messages: OutgoingMessage[], limit: number): OutgoingMessage[][] {
  const chunks: OutgoingMessage[][] = []
  let current: OutgoingMessage[] = []
  let size = 0
  for (const message of messages) {
    let bytes = RECORD_OVERHEAD_BYTES + byteLength(message.key) + byteLength(message.value)
    for (const [name, value] of Object.entries(message.headers ?? {}))
      bytes += byteLength(name) + byteLength(value)
    if (current.length > 0 && size + bytes > limit) {
      chunks.push(current)
      current = []
      size = 0
    }
    current.push(message)
    size += bytes
  }
  if (current.length > 0) chunks.push(current)
  return chunks
}

function toBuffer(value: Uint8Array | string): Buffer | string {
  return typeof value === 'string'
    ? value
    : Buffer.from(value.buffer, value.byteOffset, value.byteLength)
}

/**
 * An idempotent kafkajs producer with acks=all and the Java-compatible murmur2 partitioner. kafkajs
 * retries an idempotent send without limit (a bounded retry could break its sequence numbers), so
 * each `send` (connecting included) is bounded by `sendTimeoutMs` instead: on timeout the outcome is unknown and the
 * caller retries, which downstream idempotency (event ids) makes safe.
 */
export class KafkaBusProducer implements Producer {
  private readonly producer: KafkaProducer
  private connected: Promise<void> | undefined
  private closing: Promise<void> | undefined

  constructor(
    kafka: Kafka,
    private readonly sendTimeoutMs: number,
    private readonly logger: BusLogger,
    private readonly onClosed: (producer: KafkaBusProducer) => void,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    })
  }

  async send(topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (this.closing !== undefined) throw new BusError('closed', 'the producer is closed', false)
    if (messages.length === 0) return
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new BusError(
              'send_timeout',
              `sending ${messages.length} messages to ${topic} took over ${this.sendTimeoutMs} ms; they may or may not be written`,
              true,
            ),
          ),
        this.sendTimeoutMs,
      )
    })
    const sending = (async () => {
      await this.connect()
      for (const chunk of chunkBySize(messages, MAX_REQUEST_BYTES)) {
        await this.producer.send({
          topic,
          acks: -1,
          messages: chunk.map((m) => ({
            key: m.key,
            value: toBuffer(m.value),
            ...(m.headers === undefined ? {} : { headers: m.headers }),
          })),
        })
      }
    })()
    try {
      await Promise.race([sending, timeout])
    } catch (error) {
      if (error instanceof BusError && error.code === 'send_timeout') {
        // The caller got the timeout; still say how the abandoned send ended if it fails later.
        void sending.catch((late: unknown) =>
          this.logger.warn('a timed-out Kafka send failed later', { topic, error: late }),
        )
      }
      throw kafkaError('send_failed', `sending ${messages.length} messages to ${topic}`, error)
    } finally {
      clearTimeout(timer)
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        if (this.connected !== undefined) await this.producer.disconnect()
      } finally {
        this.onClosed(this)
      }
    })()
    return this.closing
  }

  private connect(): Promise<void> {
    this.connected ??= this.producer.connect().catch((error: unknown) => {
      this.connected = undefined
      throw kafkaError('connection_failed', 'connecting the Kafka producer', error)
    })
    return this.connected
  }
}
