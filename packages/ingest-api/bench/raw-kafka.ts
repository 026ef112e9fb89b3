/**
 * The raw kafkajs baseline, run as its own process like the servers: produces the messages the ingest
 * API publishes (key `project:model`, the JSON envelope, the `event-id` header; built fresh for every
 * send) with acks=-1, keeping `--concurrency` sends in flight (like autocannon's connections), for
 * each batch size, on a throwaway topic with the same partition count as `anansi.events`.
 *
 *   --variant plain  kafkajs's defaults (not idempotent, requests pipelined per broker)
 *   --variant bus    the settings of @anansi/bus's producer (idempotent, one request in flight)
 *
 * Prints one JSON line: `{ variant, results: [{ batchSize, eventsPerSecond, p50Ms, p99Ms, ... }] }`.
 */
import { randomUUID } from 'node:crypto'
import { parseArgs } from 'node:util'
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs'
import { EventFactory } from './events.js'
import type { RawResult } from './results.js'
import { percentile, round } from './stats.js'

const { values } = parseArgs({
  options: {
    brokers: { type: 'string' },
    variant: { type: 'string', default: 'plain' },
    batches: { type: 'string', default: '1,10,100' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '10' },
    partitions: { type: 'string', default: '8' },
  },
})
const brokers = (values.brokers ?? '').split(',').filter((b) => b !== '')
if (brokers.length === 0) throw new Error('--brokers is required')
const variant = values.variant === 'bus' ? 'bus' : 'plain'
const concurrency = Number(values.concurrency)

const kafka = new Kafka({
  clientId: `anansi-bench-raw-${variant}`,
  brokers,
  logLevel: logLevel.WARN,
  // stdout carries the result line only.
  logCreator: () => (entry) => console.error(`[kafkajs] ${entry.log.message}`),
})
const topic = `anansi.bench.raw-${randomUUID().slice(0, 8)}`
const projectId = randomUUID()
const factory = new EventFactory()

async function measure(producer: Producer, batchSize: number, seconds: number): Promise<RawResult> {
  const latencies: number[] = []
  const cpu = process.cpuUsage()
  const started = performance.now()
  const end = started + seconds * 1000
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const messages = factory.busMessages(projectId, batchSize)
      const sent = performance.now()
      await producer.send({ topic, acks: -1, messages })
      latencies.push(performance.now() - sent)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const elapsed = (performance.now() - started) / 1000
  const used = process.cpuUsage(cpu)
  const cpuSeconds = (used.user + used.system) / 1e6
  latencies.sort((a, b) => a - b)
  return {
    batchSize,
    eventsPerSecond: round((latencies.length * batchSize) / elapsed),
    sendsPerSecond: round(latencies.length / elapsed),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    sends: latencies.length,
    durationSeconds: round(elapsed),
    producerCpuPercent: round((100 * cpuSeconds) / elapsed),
    producerCpuUsPerEvent: round((1e6 * cpuSeconds) / Math.max(1, latencies.length * batchSize)),
  }
}

const admin = kafka.admin()
await admin.connect()
await admin.createTopics({
  waitForLeaders: true,
  topics: [{ topic, numPartitions: Number(values.partitions), replicationFactor: -1 }],
})
const producer = kafka.producer({
  createPartitioner: Partitioners.DefaultPartitioner,
  allowAutoTopicCreation: false,
  ...(variant === 'bus' ? { idempotent: true, maxInFlightRequests: 1 } : {}),
})
await producer.connect()
try {
  const results: RawResult[] = []
  for (const batchSize of values.batches.split(',').map(Number)) {
    console.error(`[bench] raw kafkajs (${variant}) batch ${batchSize}`)
    await measure(producer, batchSize, Number(values.warmup))
    results.push(await measure(producer, batchSize, Number(values.duration)))
  }
  console.log(JSON.stringify({ variant, topicPartitions: Number(values.partitions), results }))
} finally {
  await producer.disconnect()
  await admin.deleteTopics({ topics: [topic] })
  await admin.disconnect()
}
