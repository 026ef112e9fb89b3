/**
 * `tsx --conditions=@anansi/source bench/gate-latency.ts [--quick] [--only embedded,kafka]
 *   [--calls N] [--concurrency N] [--rate N[,N…]] [--kafka private|shared] [--kafka-port N]
 *   [--cpu-prof-dir DIR]`
 *
 * End-to-end gate latency (issue 7): an application's SDK call in `block` mode, on a function that
 * answers at once, until the remote verdict is back, p50/p90/p99/max — on the embedded deployment
 * (`anansi dev`) and on the distributed one (`anansi start` ingest + processor on Kafka and a fresh
 * database on the PostgreSQL server at DATABASE_URL), at idle and under a background load (default
 * 1,000 events/s; `--rate 250,1000` measures under each) sent by a second application's SDK in
 * observe mode. The bare call without Anansi and a loopback HTTP round trip are measured in the
 * same run as baselines. Prints one JSON document (progress on stderr); exits 1 when a deployment
 * could not be measured, not when a target is missed.
 *
 * Processes: the platform runs as its users run it, in processes of its own; this process is the
 * application (the measured SDK); the background application is one more process, so its work
 * does not share the measured event loop. On a 2-core machine they all compete for the cores,
 * which is part of what is measured; the CPU each used is reported per case.
 *
 * Kafka: by default a fresh broker of its own (infra/dev/kafka.sh --fresh on --kafka-port), so the
 * topics are what the platform creates (8 event partitions) and no other work shares them; a shared
 * broker's `anansi.events` may have been auto-created with one partition and carry others' traffic.
 * `--kafka shared` uses KAFKA_BROKERS instead. `--cpu-prof-dir` makes the platform's processes
 * write V8 CPU profiles when they exit.
 */
import { cpus, loadavg, release, totalmem } from 'node:os'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import {
  measureDeployment,
  type DeploymentReport,
  type MeasureSettings,
} from './gate/measure-deployment.js'
import {
  startEmbeddedPlatform,
  startKafkaPlatform,
  type BenchPlatform,
  type DeploymentName,
} from './gate/platforms.js'
import { round } from './gate/stats.js'

const TARGET_P99_MS: Record<DeploymentName, number> = { embedded: 30, kafka: 50 }

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string', default: 'embedded,kafka' },
    calls: { type: 'string' },
    concurrency: { type: 'string', default: '8' },
    rate: { type: 'string', default: '1000' },
    kafka: { type: 'string', default: 'private' },
    'kafka-port': { type: 'string', default: '19492' },
    'cpu-prof-dir': { type: 'string' },
  },
})
if (flags.kafka !== 'private' && flags.kafka !== 'shared')
  throw new Error('--kafka must be private (a fresh broker of its own) or shared (KAFKA_BROKERS)')

function positive(name: string, raw: string | undefined, fallback: number): number {
  const value = raw === undefined ? fallback : Number(raw)
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`--${name} must be a positive integer`)
  return value
}

const log = (line: string): void => {
  process.stderr.write(`[gate-bench] ${line}\n`)
}

const settings: Omit<MeasureSettings, 'targetP99Ms'> = {
  calls: positive('calls', flags.calls, flags.quick ? 100 : 1000),
  warmupCalls: flags.quick ? 20 : 100,
  concurrency: positive('concurrency', flags.concurrency, 8),
  loadRates: flags.rate.split(',').map((rate) => positive('rate', rate.trim(), 1000)),
  // Like a fleet of application servers: many ~100-event batches rather than one 500-event burst.
  loadBatchIntervalMs: 100,
  settleMs: flags.quick ? 1_000 : 3_000,
  maxCaseSeconds: flags.quick ? 20 : 120,
  gateTimeoutMs: 5_000,
}
// `--cpu-prof-dir`: the platform's processes write V8 CPU profiles there when they exit.
const platformNodeArgs =
  flags['cpu-prof-dir'] === undefined
    ? []
    : ['--cpu-prof', `--cpu-prof-dir=${resolve(flags['cpu-prof-dir'])}`]
const only = new Set(flags.only.split(',').map((name) => name.trim()))
const env = {
  databaseUrl: process.env.DATABASE_URL || undefined,
  kafkaBrokers: process.env.KAFKA_BROKERS || undefined,
}

type Outcome = DeploymentReport | { skipped: string } | { error: string }

async function measure(
  name: DeploymentName,
  start: () => Promise<BenchPlatform>,
): Promise<Outcome> {
  let platform: BenchPlatform | undefined
  try {
    log(`${name}: starting the platform`)
    platform = await start()
    return await measureDeployment(platform, { ...settings, targetP99Ms: TARGET_P99_MS[name] })
  } catch (error) {
    log(
      `${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    )
    return { error: error instanceof Error ? error.message : String(error) }
  } finally {
    await platform?.close()
  }
}

const startedAt = new Date()
const loadAtStart = loadavg()
const deployments: Record<DeploymentName, Outcome> = {
  embedded: { skipped: 'not selected (--only)' },
  kafka: { skipped: 'not selected (--only)' },
}
if (only.has('embedded'))
  deployments.embedded = await measure('embedded', () => startEmbeddedPlatform(platformNodeArgs))
if (only.has('kafka')) deployments.kafka = await measureKafka()

/** The distributed deployment, on a broker of its own unless `--kafka shared`. */
async function measureKafka(): Promise<Outcome> {
  const { databaseUrl, kafkaBrokers } = env
  if (databaseUrl === undefined)
    return { skipped: 'needs DATABASE_URL (eval "$(infra/dev/postgres.sh start)")' }
  if (flags.kafka === 'private') {
    const port = positive('kafka-port', flags['kafka-port'], 19492)
    return measure('kafka', () =>
      startKafkaPlatform(databaseUrl, { private: true, port }, platformNodeArgs),
    )
  }
  if (kafkaBrokers === undefined)
    return { skipped: '--kafka shared needs KAFKA_BROKERS (eval "$(infra/dev/kafka.sh start)")' }
  return measure('kafka', () =>
    startKafkaPlatform(databaseUrl, { private: false, brokers: kafkaBrokers }, platformNodeArgs),
  )
}

const finishedAt = new Date()
const cpuList = cpus()
const verdictOf = (outcome: Outcome): boolean | null =>
  'cases' in outcome ? outcome.meetsTarget : null
const report = {
  benchmark: 'gate-latency',
  description:
    'SDK call in gate mode "block" on a function that answers at once → remote verdict back (WebSocket), lexical tier',
  startedAt: startedAt.toISOString(),
  finishedAt: finishedAt.toISOString(),
  totalSeconds: round((finishedAt.getTime() - startedAt.getTime()) / 1000, 1),
  machine: {
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model ?? 'unknown',
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${process.platform} ${release()} ${process.arch}`,
    loadAverageAtStart: loadAtStart.map((l) => round(l)),
    loadAverageAtEnd: loadavg().map((l) => round(l)),
    note: 'shared with other work: numbers are noisy; compare medians of several runs',
  },
  settings: { ...settings, quick: flags.quick, kafka: flags.kafka },
  target: { p99Ms: TARGET_P99_MS, tier: 'lexical' },
  deployments,
  meetsTarget: { embedded: verdictOf(deployments.embedded), kafka: verdictOf(deployments.kafka) },
}
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
if (Object.values(deployments).some((outcome) => 'error' in outcome)) process.exitCode = 1
