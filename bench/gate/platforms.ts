/**
 * The two deployments the gate is measured against, each as its users run it, in processes of its
 * own (the application, i.e. this benchmark, is another process):
 * - embedded: `anansi dev` (PGlite database and embedded log on disk, processor, ingest API);
 * - kafka: `anansi start --role processor` and `anansi start --role ingest` on the PostgreSQL server
 *   and Kafka broker of infra/dev, as the distributed end-to-end test starts them.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TOPICS } from '@anansi/protocol'
import { openStore } from '@anansi/store'
import { prepareKafka } from '../../e2e/fixtures/kafka-group.js'
import { startCli, type CliProcess } from './cli-process.js'
import { privateBroker, temporaryDatabase, type Scratch } from './private-services.js'

/** Which deployment. */
export type DeploymentName = 'embedded' | 'kafka'

/** A running deployment, as the benchmark needs it. */
export interface BenchPlatform {
  name: DeploymentName
  /** Base URL of the ingest API. */
  url: string
  /** A key with the ingest scope on a project of its own. */
  apiKey: string
  /** Prometheus endpoints: the ingest API's (which includes the processor's in embedded mode), and the processor's. */
  metricsUrls: { ingest: string; processor: string }
  /** Process ids of the platform, for CPU accounting. */
  pids: number[]
  /** Process ids of the services it uses on this host (database backends, broker), by service. */
  servicePids(): Promise<Record<string, number[]>>
  describe: Record<string, string>
  /** Lines the platform printed as errors so far. */
  errors(): string[]
  close(): Promise<void>
}

const errorLines = (processes: CliProcess[]) => (): string[] =>
  processes.flatMap((p) => p.output.filter((line) => line.startsWith('error')))

const pidsOf = (processes: CliProcess[]): number[] =>
  processes.flatMap((p) => (p.pid === undefined ? [] : [p.pid]))

/** `anansi dev` on a fresh data directory; its first start prints the dev key of the default project. */
export async function startEmbeddedPlatform(nodeArgs: string[] = []): Promise<BenchPlatform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'anansi-gate-bench-'))
  try {
    const dev = await startCli({
      args: ['dev'],
      nodeArgs,
      env: { ANANSI_DATA_DIR: dataDir, ANANSI_HOST: '127.0.0.1', ANANSI_PORT: '0' },
      pick: { apiKey: /^api key\s+(\S+)$/, url: /^ingest API\s+(http\S+)/ },
      readyLine: 'stop with Ctrl-C',
    })
    const { apiKey, url } = dev.found
    if (apiKey === undefined || url === undefined) {
      await dev.stop()
      throw new Error(`anansi dev printed no key or URL:\n${dev.output.join('\n')}`)
    }
    return {
      name: 'embedded',
      url,
      apiKey,
      metricsUrls: { ingest: `${url}/metrics`, processor: `${url}/metrics` },
      pids: pidsOf([dev]),
      // PGlite runs inside the platform's process: there is no service process to count.
      servicePids: () => Promise.resolve({}),
      describe: {
        processes: '`anansi dev` in one process (ingest API, processor, verdict feed)',
        store: 'PGlite on disk (a fresh temporary data directory)',
        bus: 'the embedded log on PGlite on disk (4 partitions)',
        evaluators: 'lexical tier (the default)',
      },
      errors: errorLines([dev]),
      close: async () => {
        try {
          await dev.stop()
        } finally {
          rmSync(dataDir, { recursive: true, force: true })
        }
      },
    }
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true })
    throw error
  }
}

/** An ingest-scope key on a fresh project in the PostgreSQL database at `databaseUrl` (migrated on open). */
async function freshProjectKey(databaseUrl: string): Promise<string> {
  const store = await openStore({ driver: 'postgres', url: databaseUrl })
  try {
    const project = await store.createProject({ name: 'Gate bench', slug: 'gate-bench' })
    const key = await store
      .forProject(project.id)
      .createApiKey({ name: 'gate bench', scopes: ['ingest'] })
    return key.plaintext
  } finally {
    await store.close()
  }
}

/** Where the distributed deployment's Kafka comes from. */
export type KafkaSource = { private: true; port: number } | { private: false; brokers: string }

/** The broker and the partitions to ask for; `scratch` collects what must be released. */
async function kafkaFor(
  source: KafkaSource,
  group: string,
  scratch: Scratch<unknown>[],
): Promise<{
  brokers: string
  eventPartitions: number | undefined
  note: string
  pids: () => Promise<number[]>
}> {
  if (source.private) {
    const broker = await privateBroker(source.port)
    scratch.push(broker)
    return {
      brokers: broker.value,
      pids: () => broker.pids(),
      eventPartitions: undefined,
      note: 'a fresh broker of its own (infra/dev/kafka.sh --fresh), topics created by the processor',
    }
  }
  // A shared broker: start the group at the end of the events topic, and never ask for more
  // partitions than it has (see e2e/fixtures/kafka-group.ts).
  const { eventPartitions } = await prepareKafka(source.brokers.split(','), group, TOPICS)
  return {
    brokers: source.brokers,
    // A shared broker also works for others: its CPU would not be this platform's.
    pids: () => Promise.resolve([]),
    eventPartitions,
    note: `the shared broker, anansi.events with ${eventPartitions} partition(s), other work on it too`,
  }
}

async function releaseAll(scratch: Scratch<unknown>[]): Promise<void> {
  for (const item of scratch.splice(0).reverse()) {
    await item.release().catch((error: unknown) => {
      process.stderr.write(`[gate-bench] cleanup failed: ${String(error)}\n`)
    })
  }
}

/** Starts `anansi start --role <role>`; resolves once it printed `ready`. */
function startRole(
  role: 'ingest' | 'processor',
  env: Record<string, string>,
  nodeArgs: string[],
): Promise<CliProcess> {
  return startCli({
    args: ['start', '--role', role],
    nodeArgs,
    env,
    pick: { url: role === 'ingest' ? /^ingest API\s+(http\S+)/ : /^health\s+(http\S+)/ },
    readyLine: 'ready',
  })
}

/**
 * One processor and one ingest process (`anansi start --role …`) on Kafka and a fresh database on
 * the PostgreSQL server at `databaseUrl`, as an operator would deploy them.
 */
export async function startKafkaPlatform(
  databaseUrl: string,
  source: KafkaSource,
  nodeArgs: string[] = [],
): Promise<BenchPlatform> {
  const id = `${Date.now().toString(36)}_${process.pid}`
  const group = `anansi-gate-bench-${id}`
  const scratch: Scratch<unknown>[] = []
  const processes: CliProcess[] = []
  try {
    const database = await temporaryDatabase(databaseUrl, `anansi_gate_bench_${id}`)
    scratch.push(database)
    const apiKey = await freshProjectKey(database.value)
    const kafka = await kafkaFor(source, group, scratch)
    const env: Record<string, string> = {
      DATABASE_URL: database.value,
      KAFKA_BROKERS: kafka.brokers,
      ANANSI_HOST: '127.0.0.1',
      ANANSI_PORT: '0',
      ANANSI_PROCESSOR_GROUP: group,
      ANANSI_REPLICA_ID: `gate-bench-${id}`,
      ...(kafka.eventPartitions === undefined
        ? {}
        : { ANANSI_EVENT_PARTITIONS: String(kafka.eventPartitions) }),
    }
    // The processor first: it creates the topics on a fresh broker before the ingest API needs them.
    // On a broker that has just started, the topics' leaders may not be elected yet when the
    // processor checks them ("does not host this topic-partition"): one more try is enough.
    const processor = await startRole('processor', env, nodeArgs).catch((error: unknown) => {
      process.stderr.write(
        `[gate-bench] the processor did not start; trying again: ${String(error)}\n`,
      )
      return startRole('processor', env, nodeArgs)
    })
    processes.push(processor)
    const ingest = await startRole('ingest', env, nodeArgs)
    processes.push(ingest)
    const url = ingest.found.url ?? ''
    return {
      name: 'kafka',
      url,
      apiKey,
      metricsUrls: { ingest: `${url}/metrics`, processor: `${processor.found.url ?? ''}/metrics` },
      pids: pidsOf(processes),
      servicePids: async () => ({ database: await database.pids(), broker: await kafka.pids() }),
      describe: {
        processes: '`anansi start --role ingest` and `anansi start --role processor`, one each',
        store: `a fresh database on the PostgreSQL server ${new URL(databaseUrl).host} (infra/dev/postgres.sh, fsync off)`,
        bus: `Kafka ${kafka.brokers}: ${kafka.note}`,
        evaluators: 'lexical tier (the default)',
      },
      errors: errorLines(processes),
      close: async () => {
        await Promise.all(processes.map((p) => p.stop()))
        await releaseAll(scratch)
      },
    }
  } catch (error) {
    await Promise.all(processes.map((p) => p.stop()))
    await releaseAll(scratch)
    throw error
  }
}
