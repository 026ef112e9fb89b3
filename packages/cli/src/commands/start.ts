import { createKafkaBus } from '@anansi/bus'
import { EvaluatorSuite } from '@anansi/evaluator'
import { openStore } from '@anansi/store'
import { ingestApiSettingsOf, readDistributedConfig } from '../config.js'
import { readDetectorConfig } from '../detector-config.js'
import { startPlatform, type PlatformRoles } from '../platform/platform.js'
import { stoppedOrFailed } from '../platform/stopped-or-failed.js'
import { untilStopped } from '../platform/until-stopped.js'
import type { Print } from './dev.js'
import { EXIT } from './exit-codes.js'

/** The parts `anansi start --role` can run. */
export type Role = 'ingest' | 'processor' | 'all'

/**
 * `anansi start --role ingest|processor|all`: the distributed deployment on a PostgreSQL server and
 * Kafka, configured from the environment (validated before anything connects). Runs until `stop`
 * aborts (SIGINT/SIGTERM), then drains and exits 0.
 */
export async function runStart(
  print: Print,
  role: Role,
  env: NodeJS.ProcessEnv = process.env,
  stop: AbortSignal = untilStopped(),
): Promise<number> {
  const config = readDistributedConfig(env)
  const detectors = readDetectorConfig(env)
  const roles: PlatformRoles = {
    ...(role === 'processor'
      ? {}
      : { ingest: { host: config.ANANSI_HOST, port: config.ANANSI_PORT } }),
    processor: role !== 'ingest',
    ...(role === 'processor'
      ? { processorHttp: { host: config.ANANSI_HOST, port: config.ANANSI_PORT } }
      : {}),
  }
  const store = await openStore({
    driver: 'postgres',
    url: config.DATABASE_URL,
    maxConnections: config.ANANSI_DB_POOL,
  })
  const bus = createKafkaBus({ brokers: config.KAFKA_BROKERS, clientId: `anansi-${role}` })
  let suite: EvaluatorSuite | undefined
  try {
    suite = await EvaluatorSuite.load({ tiers: config.ANANSI_EVAL_TIERS })
    const platform = await startPlatform({
      store,
      bus,
      suite,
      roles,
      ...(config.ANANSI_EVENT_PARTITIONS === undefined
        ? {}
        : { eventPartitions: config.ANANSI_EVENT_PARTITIONS }),
      processorGroup: config.ANANSI_PROCESSOR_GROUP,
      detectors,
      allowPrivateWebhookTargets: config.ANANSI_ALLOW_PRIVATE_WEBHOOKS,
      api: ingestApiSettingsOf(config),
      ...(config.ANANSI_REPLICA_ID === undefined ? {} : { replicaId: config.ANANSI_REPLICA_ID }),
      report: (error) =>
        print(`error         ${error instanceof Error ? error.message : String(error)}`),
    })
    print(`role          ${role}`)
    print(`database      ${new URL(config.DATABASE_URL).host}`)
    print(`kafka         ${config.KAFKA_BROKERS.join(',')}`)
    if (platform.processor !== undefined)
      print(`processor     running (group ${config.ANANSI_PROCESSOR_GROUP})`)
    if (platform.url !== undefined)
      print(`${role === 'processor' ? 'health' : 'ingest API'}    ${platform.url}`)
    print('ready')
    // A processor whose Kafka consumer died for good consumes nothing more: exit non-zero, so the
    // supervisor starts a fresh process (its partitions have gone to the group's other members).
    const outcome = await stoppedOrFailed(stop, platform.processor?.failed)
    if (!outcome.stopped) {
      print(`error         ${outcome.error.message}`)
      print('stopping: the processor cannot continue')
      await platform.close()
      return EXIT.failed
    }
    print('stopping: finishing in-flight batches…')
    await platform.close()
    return 0
  } finally {
    await suite?.close()
    await bus.close()
    await store.close()
  }
}
