/**
 * `pnpm --filter @anansi/ingest-api bench [--quick] [--duration s] [--warmup s] [--connections n]
 *   [--runs n] [--only bareHono,ingestEmbedded,ingestEmbeddedPostgres,ingestKafka,rawKafkajs,rawKafkajsBusSettings]`
 *
 * Events/s and p50/p99 latency of `POST /v1/events` at batch sizes 1, 10 and 100 with ~1 KB events,
 * driven by autocannon, for the ingest API on the embedded log (PGlite; and on a PostgreSQL server
 * when DATABASE_URL is set) and on Kafka (when KAFKA_BROKERS is set), next to a bare Hono route that
 * only parses the same body, and raw kafkajs producing the same messages. Prints one JSON document on
 * stdout (progress goes to stderr), with ratios and the target.
 *
 * Every server (and the raw producer) runs in its own child process and the load generator in this
 * one. On a 2-core machine that is the honest choice: in one process, autocannon's request building
 * and response parsing would share the server's event loop (one core) and be counted as server
 * time, and the server's work would delay the load generator's clocks. As separate processes the
 * OS spreads load generator, server, and Kafka or Postgres over both cores. The clients still
 * compete with the server for those cores, as the bare Hono baseline does too, so the ratios cancel
 * much of it; the server's own CPU time per event (from /proc) is reported as well, being the number
 * least disturbed by a busy machine. The load average at start and end is part of the output.
 * Exits 1 when a system failed to run (not when a target is missed).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { connectPostgres } from '@anansi/store'
import { cpuSecondsOf, startChild, stopChild, waitChild } from './children.js'
import { EVENT_BYTES, EventFactory } from './events.js'
import { loadHttp } from './load.js'
import type { HttpResult, RawResult } from './results.js'
import { median, round } from './stats.js'

const BATCH_SIZES = [1, 10, 100] as const
const TARGET = {
  description:
    'issue target: ≥ 50,000 events/s into Kafka at batch 100 with p99 < 50 ms, at least 80% of raw kafkajs',
  batchSize: 100,
  eventsPerSecond: 50_000,
  p99Ms: 50,
  minFractionOfRawKafkajs: 0.8,
} as const

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string' },
    runs: { type: 'string' },
    only: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
})
if (flags.help) {
  process.stderr.write(
    'usage: bench [--quick] [--duration s] [--warmup s] [--connections n] [--runs n] [--only a,b]\n' +
      '  systems: bareHono ingestEmbedded ingestEmbeddedPostgres ingestKafka rawKafkajs rawKafkajsBusSettings\n' +
      '  env: KAFKA_BROKERS, DATABASE_URL (their systems are skipped without them)\n',
  )
  process.exit(0)
}

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`)
  return value
}

const settings = {
  quick: flags.quick,
  durationSeconds: positive('duration', flags.duration, flags.quick ? 2 : 10),
  warmupSeconds: positive('warmup', flags.warmup, flags.quick ? 1 : 2),
  connections: Math.round(positive('connections', flags.connections, 10)),
  runs: Math.round(positive('runs', flags.runs, 1)),
  batchSizes: [...BATCH_SIZES],
  eventBytes: EVENT_BYTES,
  process:
    'each server and the raw producer in its own child process; autocannon in the parent (see bench.ts)',
}
const env = {
  databaseUrl: nonEmpty(process.env.DATABASE_URL),
  kafkaBrokers: nonEmpty(process.env.KAFKA_BROKERS),
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}

const log = (line: string): void => {
  process.stderr.write(`[bench] ${line}\n`)
}

/** A measured system: how it was set up and its results per batch size (medians over runs). */
interface SystemReport {
  description: Record<string, string>
  results: (HttpResult | RawResult)[]
  /** Every run's events/s per batch size, when there were several runs. */
  samples?: Record<string, number[]>
  seconds: number
}
type Skipped = { skipped: string }
type Outcome = SystemReport | Skipped | { error: string }

/** Medians of every numeric field over runs of one batch size (the first run's other fields). */
function summarize<T extends HttpResult | RawResult>(runs: T[]): T {
  const first = runs[0]
  if (first === undefined) throw new Error('no runs')
  if (runs.length === 1) return first
  const out: Record<string, unknown> = { ...first }
  const numberAt = (run: T, key: string): number => {
    const value: unknown = Reflect.get(run, key)
    return typeof value === 'number' ? value : Number.NaN
  }
  for (const [key, value] of Object.entries(first)) {
    if (typeof value === 'number') out[key] = round(median(runs.map((r) => numberAt(r, key))))
  }
  return out as T
}

interface ServerReady {
  url: string
  apiKey?: string | null
  store?: string
  bus?: string
}

/** Starts a server child, loads it at every batch size, stops it. */
async function benchServer(
  name: string,
  file: string,
  args: string[],
  describe: Record<string, string>,
): Promise<SystemReport> {
  const started = performance.now()
  log(`${name}: starting ${file} ${args.join(' ')}`)
  const { child, ready } = await startChild<ServerReady>(file, args)
  const factory = new EventFactory()
  const apiKey = ready.apiKey ?? undefined
  try {
    const results: HttpResult[] = []
    const samples: Record<string, number[]> = {}
    for (const batchSize of BATCH_SIZES) {
      const load = (seconds: number) =>
        loadHttp({
          url: ready.url,
          apiKey,
          batchSize,
          seconds,
          connections: settings.connections,
          factory,
        })
      log(`${name}: batch ${batchSize} (warm-up ${settings.warmupSeconds} s)`)
      await load(settings.warmupSeconds)
      const runs: HttpResult[] = []
      for (let run = 0; run < settings.runs; run += 1) {
        const cpuBefore = cpuSecondsOf(child.pid)
        const result = await load(settings.durationSeconds)
        const cpuAfter = cpuSecondsOf(child.pid)
        if (cpuBefore !== undefined && cpuAfter !== undefined) {
          const used = cpuAfter - cpuBefore
          const events = result.eventsPerSecond * result.durationSeconds
          result.serverCpuPercent = round((100 * used) / result.durationSeconds)
          result.serverCpuUsPerEvent = round((1e6 * used) / Math.max(1, events))
        }
        runs.push(result)
      }
      samples[String(batchSize)] = runs.map((r) => r.eventsPerSecond)
      const summary = summarize(runs)
      log(
        `${name}: batch ${batchSize}: ${summary.eventsPerSecond} events/s, p50 ${summary.p50Ms} ms, p99 ${summary.p99Ms} ms` +
          (summary.non2xx + summary.errors > 0
            ? `, ${summary.non2xx} non-2xx and ${summary.errors} errors`
            : ''),
      )
      results.push(summary)
    }
    return {
      description: {
        ...describe,
        ...(ready.store === undefined ? {} : { store: ready.store }),
        ...(ready.bus === undefined ? {} : { bus: ready.bus }),
      },
      results,
      ...(settings.runs > 1 ? { samples } : {}),
      seconds: round((performance.now() - started) / 1000),
    }
  } finally {
    await stopChild(child)
  }
}

/** Runs the raw kafkajs producer child for every batch size. */
async function benchRawKafka(variant: 'plain' | 'bus', brokers: string): Promise<SystemReport> {
  const started = performance.now()
  const perBatch = settings.warmupSeconds + settings.durationSeconds
  const runs: RawResult[][] = []
  for (let run = 0; run < settings.runs; run += 1) {
    const { child, ready } = await startChild<{ results: RawResult[] }>(
      'bench/raw-kafka.ts',
      [
        '--brokers',
        brokers,
        '--variant',
        variant,
        '--batches',
        BATCH_SIZES.join(','),
        '--duration',
        String(settings.durationSeconds),
        '--warmup',
        String(settings.warmupSeconds),
        '--concurrency',
        String(settings.connections),
        '--partitions',
        '8',
      ],
      120_000 + perBatch * BATCH_SIZES.length * 2_000,
    )
    await waitChild(child) // it deletes its topic after printing
    runs.push(ready.results)
  }
  const results = BATCH_SIZES.map((size) =>
    summarize(runs.map((r) => r.find((x) => x.batchSize === size)).filter((x) => x !== undefined)),
  )
  for (const r of results)
    log(
      `raw kafkajs (${variant}): batch ${r.batchSize}: ${r.eventsPerSecond} events/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms`,
    )
  return {
    description: {
      producer:
        variant === 'plain'
          ? 'kafkajs 2.2.4 defaults, acks=-1 (not idempotent)'
          : "kafkajs 2.2.4 with @anansi/bus's settings: idempotent, maxInFlightRequests 1, acks=-1",
      concurrency: `${settings.connections} sends in flight`,
      topic: 'a throwaway topic with 8 partitions, deleted afterwards',
    },
    results,
    ...(settings.runs > 1
      ? {
          samples: Object.fromEntries(
            BATCH_SIZES.map((size) => [
              String(size),
              runs.map((r) => r.find((x) => x.batchSize === size)?.eventsPerSecond ?? NaN),
            ]),
          ),
        }
      : {}),
    seconds: round((performance.now() - started) / 1000),
  }
}

/** A fresh database on the server at `base`, dropped by the returned function. */
async function temporaryDatabase(
  base: string,
  name: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = await connectPostgres({ url: base, maxConnections: 1 })
  await admin.execute(`create database ${name}`)
  const url = new URL(base)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    async drop() {
      try {
        await admin.execute(`drop database if exists ${name} with (force)`)
      } finally {
        await admin.close()
      }
    },
  }
}

async function attempt(name: string, fn: () => Promise<SystemReport>): Promise<Outcome> {
  try {
    return await fn()
  } catch (error) {
    log(
      `${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    )
    return { error: error instanceof Error ? error.message : String(error) }
  }
}

const isReport = (o: Outcome): o is SystemReport => 'results' in o

function eventsPerSecond(o: Outcome, batchSize: number): number | undefined {
  return isReport(o) ? o.results.find((r) => r.batchSize === batchSize)?.eventsPerSecond : undefined
}

/** ingest / baseline events/s per batch size (null where either is missing). */
function ratios(ingest: Outcome, baseline: Outcome): Record<string, number | null> {
  return Object.fromEntries(
    BATCH_SIZES.map((size) => {
      const a = eventsPerSecond(ingest, size)
      const b = eventsPerSecond(baseline, size)
      return [String(size), a === undefined || b === undefined || b === 0 ? null : round(a / b, 3)]
    }),
  )
}

const startedAt = new Date()
const loadAtStart = loadavg()
const runId = `${process.pid}_${Date.now().toString(36)}`
const scratch = mkdtempSync(join(tmpdir(), 'anansi-ingest-bench-'))
const cleanups: (() => Promise<void>)[] = [
  () => Promise.resolve(rmSync(scratch, { recursive: true, force: true })),
]
const notRun: Skipped = { skipped: 'not run' }
const systems: Record<
  | 'bareHono'
  | 'ingestEmbedded'
  | 'ingestEmbeddedPostgres'
  | 'ingestKafka'
  | 'rawKafkajs'
  | 'rawKafkajsBusSettings',
  Outcome
> = {
  bareHono: notRun,
  ingestEmbedded: notRun,
  ingestEmbeddedPostgres: notRun,
  ingestKafka: notRun,
  rawKafkajs: notRun,
  rawKafkajsBusSettings: notRun,
}
const only = flags.only?.split(',')
/** Runs a system unless `--only` leaves it out. */
async function when(name: keyof typeof systems, fn: () => Promise<Outcome>): Promise<void> {
  systems[name] =
    only === undefined || only.includes(name) ? await fn() : { skipped: 'not selected (--only)' }
}
try {
  await when('bareHono', () =>
    attempt('bare Hono', () =>
      benchServer('bare Hono', 'bench/bare-server.ts', [], {
        what: 'Hono + @hono/node-server, POST /v1/events parses the JSON body and answers 202',
      }),
    ),
  )
  await when('ingestEmbedded', () =>
    attempt('ingest on the embedded log (PGlite)', () =>
      benchServer(
        'ingest, embedded log on PGlite',
        'scripts/serve-stack.ts',
        ['--bus', 'pglite', '--data-dir', join(scratch, 'pglite'), '--exit-with-stdin'],
        { what: 'the ingest API, answering after the batch is committed to the log' },
      ),
    ),
  )
  const databaseUrl = env.databaseUrl
  await when('ingestEmbeddedPostgres', async () =>
    databaseUrl === undefined
      ? { skipped: 'DATABASE_URL is not set (infra/dev/postgres.sh start)' }
      : attempt('ingest on the embedded log (PostgreSQL)', async () => {
          const db = await temporaryDatabase(databaseUrl, `anansi_bench_pg_${runId}`)
          cleanups.push(() => db.drop())
          return benchServer(
            'ingest, embedded log on PostgreSQL',
            'scripts/serve-stack.ts',
            ['--bus', 'postgres', '--database-url', db.url, '--exit-with-stdin'],
            {
              what: 'the ingest API, answering after the batch is committed to the log',
              database:
                'a throwaway database on DATABASE_URL (infra/dev/postgres.sh runs with fsync off)',
            },
          )
        }),
  )
  const brokers = env.kafkaBrokers
  const noKafka: Skipped = { skipped: 'KAFKA_BROKERS is not set (infra/dev/kafka.sh start)' }
  await when('ingestKafka', async () =>
    brokers === undefined
      ? noKafka
      : attempt('ingest on Kafka', async () => {
          let storeArgs = ['--data-dir', join(scratch, 'kafka-store')]
          if (databaseUrl !== undefined) {
            const db = await temporaryDatabase(databaseUrl, `anansi_bench_kafka_${runId}`)
            cleanups.push(() => db.drop())
            storeArgs = ['--database-url', db.url]
          }
          return benchServer(
            'ingest, Kafka',
            'scripts/serve-stack.ts',
            ['--bus', 'kafka', '--brokers', brokers, ...storeArgs, '--exit-with-stdin'],
            {
              what: 'the ingest API, answering after Kafka acknowledged the batch (acks=all, idempotent producer)',
              topic: 'anansi.events (8 partitions when this run creates it)',
            },
          )
        }),
  )
  await when('rawKafkajs', async () =>
    brokers === undefined ? noKafka : attempt('raw kafkajs', () => benchRawKafka('plain', brokers)),
  )
  await when('rawKafkajsBusSettings', async () =>
    brokers === undefined
      ? noKafka
      : attempt('raw kafkajs (bus settings)', () => benchRawKafka('bus', brokers)),
  )
} finally {
  for (const cleanup of cleanups.reverse()) {
    await cleanup().catch((error: unknown) => log(`cleanup failed: ${String(error)}`))
  }
}

const kafka = systems.ingestKafka
const atTarget = isReport(kafka)
  ? kafka.results.find((r) => r.batchSize === TARGET.batchSize)
  : undefined
const rawAtTarget = eventsPerSecond(systems.rawKafkajs, TARGET.batchSize)
const fraction =
  atTarget !== undefined && rawAtTarget !== undefined && rawAtTarget > 0
    ? round(atTarget.eventsPerSecond / rawAtTarget, 3)
    : undefined
const target =
  atTarget === undefined
    ? {
        ...TARGET,
        meetsTarget: null,
        reason: isReport(kafka)
          ? 'no batch-100 result on Kafka'
          : 'skipped' in kafka
            ? kafka.skipped
            : kafka.error,
      }
    : {
        ...TARGET,
        measured: {
          eventsPerSecond: atTarget.eventsPerSecond,
          p99Ms: atTarget.p99Ms,
          fractionOfRawKafkajs: fraction ?? null,
        },
        meetsTarget: {
          eventsPerSecond: atTarget.eventsPerSecond >= TARGET.eventsPerSecond,
          p99: atTarget.p99Ms < TARGET.p99Ms,
          vsRawKafkajs: fraction === undefined ? null : fraction >= TARGET.minFractionOfRawKafkajs,
          all:
            atTarget.eventsPerSecond >= TARGET.eventsPerSecond &&
            atTarget.p99Ms < TARGET.p99Ms &&
            fraction !== undefined &&
            fraction >= TARGET.minFractionOfRawKafkajs,
        },
      }

const finishedAt = new Date()
const cpuList = cpus()
const report = {
  benchmark: '@anansi/ingest-api POST /v1/events',
  startedAt: startedAt.toISOString(),
  finishedAt: finishedAt.toISOString(),
  totalSeconds: round((finishedAt.getTime() - startedAt.getTime()) / 1000),
  machine: {
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model ?? 'unknown',
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${process.platform} ${release()} ${process.arch}`,
    loadAverageAtStart: loadAtStart.map((l) => round(l)),
    loadAverageAtEnd: loadavg().map((l) => round(l)),
  },
  settings,
  systems,
  ratios: {
    ingestEmbeddedVsBareHono: ratios(systems.ingestEmbedded, systems.bareHono),
    ingestEmbeddedPostgresVsBareHono: ratios(systems.ingestEmbeddedPostgres, systems.bareHono),
    ingestKafkaVsBareHono: ratios(systems.ingestKafka, systems.bareHono),
    ingestKafkaVsRawKafkajs: ratios(systems.ingestKafka, systems.rawKafkajs),
    ingestKafkaVsRawKafkajsBusSettings: ratios(systems.ingestKafka, systems.rawKafkajsBusSettings),
  },
  target,
}
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
if (Object.values(systems).some((o) => 'error' in o)) process.exitCode = 1
