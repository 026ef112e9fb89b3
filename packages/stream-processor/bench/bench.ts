// Stream-processor benchmark: events/s evaluated end to end through Kafka with the lexical tier,
// consumer lag over a paced run, and verdict latency (produce → verdict consumed), next to raw
// kafkajs consume throughput in the same run. Prints one JSON document; progress goes to stderr.
//   pnpm --filter @anansi/stream-processor bench [--quick] [--events N] [--rate R] [--duration S]
// Needs KAFKA_BROKERS and DATABASE_URL (infra/dev/kafka.sh start, infra/dev/postgres.sh start).
import os from 'node:os'
import { parseArgs } from 'node:util'
import { createKafkaBus } from '@anansi/bus'
import { EvaluatorSuite } from '@anansi/evaluator'
import { eventMessageKey, uuidv7, verdictEnvelopeSchema, type LlmEvent } from '@anansi/protocol'
import { openStore } from '@anansi/store'
import { Kafka, logLevel } from 'kafkajs'
import { ensureTopics, startStreamProcessor, type TopicNames } from '../src/index.js'
import { lagTrend } from './lag-trend.js'

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    events: { type: 'string' },
    rate: { type: 'string', default: '1000' },
    duration: { type: 'string' },
  },
})
const quick = args.quick ?? false
const saturationEvents = Number(args.events ?? (quick ? 5_000 : 40_000))
const pacedRate = Number(args.rate ?? 1_000)
const pacedSeconds = Number(args.duration ?? (quick ? 10 : 60))
const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean)
const databaseUrl = process.env.DATABASE_URL ?? ''
if (brokers.length === 0 || databaseUrl === '') {
  process.stderr.write('bench: set KAFKA_BROKERS and DATABASE_URL (infra/dev/*.sh start)\n')
  process.exit(2)
}
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`)

const ANSWERS = [
  'The capital of France is Paris. It has been the capital for centuries.',
  'Sure! Here is a simple recipe for pancakes: flour, milk, eggs and a pinch of salt.',
  'You are a worthless idiot and I hope you die, you disgusting piece of trash.',
  'I cannot help with that request, but I can point you to some safety resources.',
]

function makeEvents(count: number, models = 8): LlmEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    id: uuidv7(),
    timestamp: new Date().toISOString(),
    model: { provider: 'openai', name: `bench-model-${i % models}` },
    category: 'chatbot',
    input: { type: 'text', text: `Question number ${i}: tell me something about the world.` },
    output: { type: 'text', text: ANSWERS[i % ANSWERS.length] ?? '' },
    latencyMs: 100 + (i % 50),
    usage: { inputTokens: 12, outputTokens: 30 },
    status: 'ok',
  }))
}

function freshTopics(): TopicNames {
  const prefix = `bench-${uuidv7()}`
  return {
    events: `${prefix}.events`,
    verdicts: `${prefix}.verdicts`,
    eventsDeadLetter: `${prefix}.events.dlq`,
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}

const round = (x: number, digits = 1) => Number(x.toFixed(digits))

const store = await openStore({ driver: 'postgres', url: databaseUrl })
const bus = createKafkaBus({ brokers, logLevel: 'error' })
const suite = await EvaluatorSuite.load({ tiers: ['lexical'] })
const kafka = new Kafka({ brokers, clientId: 'bench-raw', logLevel: logLevel.NOTHING })
const projectId = (await store.createProject({ name: 'bench', slug: `bench-${uuidv7()}` })).id
const producer = bus.createProducer()

async function publish(topic: string, events: readonly LlmEvent[]): Promise<void> {
  const receivedAt = new Date().toISOString()
  for (let i = 0; i < events.length; i += 1_000) {
    await producer.send(
      topic,
      events.slice(i, i + 1_000).map((event) => ({
        key: eventMessageKey(projectId, event.model.name),
        value: JSON.stringify({ projectId, receivedAt, event }),
      })),
    )
  }
}

/** The shortest raw-consume measurement: below this, one fetch round trip decides the figure. */
const RAW_MIN_SECONDS = 1

/**
 * Raw kafkajs: how fast a bare consumer group drains the same messages (the ceiling). The clock
 * starts once the group is joined (when `run()` resolves: kafkajs joins and syncs before its first
 * fetch), like the processor's, so fetches are inside the measurement. A partition that reaches its
 * end is rewound to offset 0 until at least {@link RAW_MIN_SECONDS} have passed, so the figure is a
 * steady read rate over many fetches rather than the parse time of one.
 */
async function rawConsume(count: number): Promise<{
  eventsPerSecond: number
  seconds: number
  messages: number
  passes: number
}> {
  const topics = freshTopics()
  await ensureTopics(bus, { topics, eventPartitions: 4 })
  await publish(topics.events, makeEvents(count))
  // Keys hash unevenly: only partitions that hold messages ever deliver a batch.
  const admin = kafka.admin()
  await admin.connect()
  const filled = (await admin.fetchTopicOffsets(topics.events)).filter((p) => Number(p.high) > 0)
  await admin.disconnect()
  const consumer = kafka.consumer({ groupId: `raw-${uuidv7()}` })
  await consumer.connect()
  await consumer.subscribe({ topics: [topics.events], fromBeginning: true })
  let seen = 0
  let started = 0
  const drained = new Set<number>()
  let finished: () => void = () => undefined
  const done = new Promise<void>((resolve) => {
    finished = resolve
  })
  await consumer.run({
    eachBatch: async ({ batch }) => {
      // Parse like the processor does, so the ceiling includes decoding.
      for (const message of batch.messages) JSON.parse(message.value?.toString() ?? 'null')
      seen += batch.messages.length
      if (Number(batch.lastOffset()) + 1 >= Number(batch.highWatermark)) {
        if (performance.now() - started < RAW_MIN_SECONDS * 1000)
          consumer.seek({ topic: batch.topic, partition: batch.partition, offset: '0' })
        else drained.add(batch.partition)
      }
      if (drained.size === filled.length) finished()
      await Promise.resolve()
    },
  })
  started = performance.now()
  await done
  const seconds = (performance.now() - started) / 1000
  await consumer.disconnect()
  return {
    eventsPerSecond: round(seen / seconds),
    seconds: round(seconds, 2),
    messages: seen,
    passes: round(seen / count, 1),
  }
}

/**
 * The processor draining a pre-loaded backlog: end-to-end events/s at saturation. The clock starts
 * when `startStreamProcessor` resolves (the group is joined, nothing is processed yet) and stops
 * when the last event's batch is committed, so every counted event is inside the measurement.
 */
async function saturation(count: number) {
  const topics = freshTopics()
  await ensureTopics(bus, { topics, eventPartitions: 4 })
  await publish(topics.events, makeEvents(count))
  let decided = 0
  let finished: () => void = () => undefined
  const done = new Promise<void>((resolve) => {
    finished = resolve
  })
  const joining = performance.now()
  const processor = await startStreamProcessor({
    store,
    bus,
    suite,
    topics,
    eventPartitions: 4,
    groupId: `bench-${uuidv7()}`,
    report: (error) => log(`processor: ${error instanceof Error ? error.message : String(error)}`),
    onBatch: (summary) => {
      decided += summary.decided
      if (decided >= count) finished()
    },
  })
  const started = performance.now()
  await done
  const seconds = (performance.now() - started) / 1000
  await processor.stop()
  return {
    events: count,
    seconds: round(seconds, 2),
    joinSeconds: round((started - joining) / 1000, 2),
    eventsPerSecond: round(count / seconds),
  }
}

/** A paced load: verdict latency and lag over time at a rate the processor should sustain. */
async function paced(rate: number, seconds: number) {
  const topics = freshTopics()
  await ensureTopics(bus, { topics, eventPartitions: 4 })
  const groupId = `bench-${uuidv7()}`
  const processor = await startStreamProcessor({
    store,
    bus,
    suite,
    topics,
    eventPartitions: 4,
    groupId,
    report: (error) => log(`processor: ${error instanceof Error ? error.message : String(error)}`),
  })
  const sentAt = new Map<string, number>()
  const latencies: number[] = []
  const verdictConsumer = kafka.consumer({ groupId: `bench-verdicts-${uuidv7()}` })
  await verdictConsumer.connect()
  await verdictConsumer.subscribe({ topics: [topics.verdicts], fromBeginning: true })
  await verdictConsumer.run({
    eachMessage: async ({ message }) => {
      const envelope = verdictEnvelopeSchema.safeParse(JSON.parse(message.value?.toString() ?? ''))
      if (!envelope.success) return
      const sent = sentAt.get(envelope.data.verdict.eventId)
      if (sent !== undefined) latencies.push(performance.now() - sent)
      await Promise.resolve()
    },
  })
  const lag: { second: number; lag: number }[] = []
  const tickMs = 50
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000))
  const started = performance.now()
  let next = started
  let sent = 0
  while (performance.now() - started < seconds * 1000) {
    const batch = makeEvents(perTick)
    const at = performance.now()
    for (const event of batch) sentAt.set(event.id, at)
    await publish(topics.events, batch)
    sent += batch.length
    const second = Math.floor((performance.now() - started) / 1000)
    if (lag.length === 0 || (lag[lag.length - 1]?.second ?? -1) < second) {
      const partitions = await bus.admin.lag(groupId, topics.events)
      lag.push({ second, lag: partitions.reduce((sum, p) => sum + p.lag, 0) })
    }
    next += tickMs
    const wait = next - performance.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
  }
  const deadline = performance.now() + 30_000
  while (latencies.length < sent && performance.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 100))
  await verdictConsumer.disconnect()
  await processor.stop()
  latencies.sort((a, b) => a - b)
  const trend = lagTrend(lag, rate)
  return {
    targetRate: rate,
    achievedRate: round(sent / seconds),
    seconds,
    verdicts: latencies.length,
    sent,
    verdictLatencyMs: {
      p50: round(percentile(latencies, 50)),
      p90: round(percentile(latencies, 90)),
      p99: round(percentile(latencies, 99)),
      max: round(latencies[latencies.length - 1] ?? Number.NaN),
    },
    lag: {
      slopePerSecond: round(trend.slopePerSecond, 2),
      growthOverRun: round(trend.growthOverRun),
      allowedGrowth: trend.allowedGrowth,
      flat: trend.flat,
      max: Math.max(0, ...lag.map((l) => l.lag)),
      samples: lag,
    },
  }
}

log(`raw kafkajs consume of ${saturationEvents} events`)
const raw = await rawConsume(saturationEvents)
log(`raw: ${raw.eventsPerSecond} events/s over ${raw.seconds} s (${raw.passes} passes)`)
log(`processor saturation over ${saturationEvents} events`)
const saturated = await saturation(saturationEvents)
log(`paced run at ${pacedRate} events/s for ${pacedSeconds} s`)
const pacedRun = await paced(pacedRate, pacedSeconds)

process.stdout.write(
  `${JSON.stringify(
    {
      benchmark: '@anansi/stream-processor',
      machine: { cpus: os.cpus().length, node: process.version, platform: process.platform },
      tier: 'lexical',
      evaluators: suite.describe().map((e) => e.name),
      rawKafkajsConsume: raw,
      processorSaturation: saturated,
      ratioToRawConsume: round(saturated.eventsPerSecond / raw.eventsPerSecond, 3),
      paced: pacedRun,
      targets: {
        eventsPerSecond: {
          target: 10_000,
          reached: saturated.eventsPerSecond,
          meets: saturated.eventsPerSecond >= 10_000,
        },
        verdictP99AtRateMs: {
          target: 50,
          reached: pacedRun.verdictLatencyMs.p99,
          meets: pacedRun.verdictLatencyMs.p99 < 50,
        },
        lagFlat: {
          target: `fitted lag growth over the run < ${pacedRate} (one second of input)`,
          reached: pacedRun.lag.growthOverRun,
          meets: pacedRun.lag.flat,
        },
      },
    },
    null,
    2,
  )}\n`,
)
await producer.close()
await bus.close()
await suite.close()
await store.close()
