import { mkdirSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import { createEmbeddedBus, fromPglite } from '@anansi/bus'
import { EvaluatorSuite } from '@anansi/evaluator'
import { uuidv7 } from '@anansi/protocol'
import { openStore } from '@anansi/store'
import { readEmbeddedConfig } from '../config.js'
import { readDetectorConfig } from '../detector-config.js'
import { ensureDefaultProject } from '../default-project.js'
import { startPlatform } from '../platform/platform.js'
import { embeddedDatabaseHolder } from './embedded-database-holder.js'
import { CommandError } from './exit-codes.js'
import { untilStopped } from '../platform/until-stopped.js'

/** Output sink, so tests can capture what a user would read. */
export type Print = (line: string) => void

/**
 * `anansi dev`: the whole platform in one process on the embedded default — PGlite database and
 * PGlite event log under ./.anansi, the stream processor with the CPU evaluators, the ingest API.
 * Runs until `stop` aborts (Ctrl-C in the CLI); accepted events are durable in the log, so
 * whatever is still in flight is processed at the next start.
 */
export async function runDev(
  print: Print,
  env: NodeJS.ProcessEnv = process.env,
  stop: AbortSignal = untilStopped(),
): Promise<number> {
  const config = readEmbeddedConfig(env)
  const detectors = readDetectorConfig(env)
  // PGlite takes no lock of its own: a second process on the same directory would corrupt it.
  for (const dir of [config.databaseDir, config.logDir]) {
    const holder = embeddedDatabaseHolder(dir)
    if (holder !== undefined)
      throw new CommandError(
        'database_in_use',
        `${dir} is open${holder.pid === undefined ? '' : ` in process ${holder.pid}`}: is anansi dev already running? Stop it first.`,
      )
  }
  mkdirSync(config.databaseDir, { recursive: true })
  mkdirSync(config.logDir, { recursive: true })
  const store = await openStore({ driver: 'pglite', dataDir: config.databaseDir })
  const logDb = await PGlite.create({ dataDir: config.logDir })
  const bus = createEmbeddedBus({ client: fromPglite(logDb) })
  let suite: EvaluatorSuite | undefined
  try {
    const project = await ensureDefaultProject(store)
    print(`database      PGlite at ${config.databaseDir} (migrations applied)`)
    print(`event log     embedded, PGlite at ${config.logDir}`)
    print(`project       default (${project.projectId})`)
    if (project.createdKey !== undefined) {
      print(`api key       ${project.createdKey}`)
      print('              shown once: save it now (ANANSI_API_KEY); only its hash is stored')
    } else {
      print(
        'api key       created at first start; only its hash is stored (anansi keys create for another)',
      )
    }
    suite = await EvaluatorSuite.load({ tiers: config.tiers })
    const platform = await startPlatform({
      store,
      bus,
      suite,
      roles: { ingest: { host: config.host, port: config.port }, processor: true },
      eventPartitions: 4,
      detectors,
      allowPrivateWebhookTargets: config.allowPrivateWebhooks,
      api: config.api,
      replicaId: 'dev',
      report: (error) =>
        print(`error         ${error instanceof Error ? error.message : String(error)}`),
    })
    print(
      `evaluators    ${suite
        .describe()
        .map((e) => e.name)
        .join(', ')} (${config.tiers.join('+')})`,
    )
    print(`processor     running (consumer group anansi-processor, webhooks on)`)
    print(`ingest API    ${platform.url ?? '?'}  (docs ${platform.url ?? ''}/docs)`)
    print('')
    const id = uuidv7()
    const event = {
      id,
      timestamp: new Date().toISOString(),
      model: { provider: 'openai', name: 'gpt-4o' },
      category: 'chatbot',
      input: { type: 'text', text: 'What is the capital of France?' },
      output: { type: 'text', text: 'Paris is the capital of France.' },
      status: 'ok',
    }
    const auth = '-H "authorization: Bearer $ANANSI_API_KEY"'
    print('send a first event, then read its verdict:')
    print(
      `  curl -s ${platform.url ?? ''}/v1/events ${auth} -H "content-type: application/json" -d '${JSON.stringify({ events: [event] })}'`,
    )
    print(`  curl -s "${platform.url ?? ''}/v1/events/${id}/verdict?wait=5000" ${auth}`)
    print('stop with Ctrl-C')
    await new Promise<void>((resolve) => {
      if (stop.aborted) resolve()
      else stop.addEventListener('abort', () => resolve(), { once: true })
    })
    print('stopping: finishing in-flight batches…')
    await platform.close()
    return 0
  } finally {
    await suite?.close()
    await bus.close()
    await logDb.close()
    await store.close()
  }
}
