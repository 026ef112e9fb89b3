/**
 * Serves the ingestion API on a durable stack, as its own process, for the kill -9 durability test
 * and the benchmark (both need a server they can kill or measure from outside):
 *
 *   --bus pglite   --data-dir D                 store and log in PGlite data dirs D/store and D/bus
 *   --bus postgres --database-url U             store and embedded log in one PostgreSQL database
 *   --bus kafka    --brokers B [--database-url U | --data-dir D]
 *                                               Kafka log; store on Postgres, PGlite on disk, or in memory
 *
 * Finds or creates the project `--project` (default `bench`) and, when it creates it, an ingest key.
 * Once listening it prints one JSON line: `{ url, projectId, apiKey, store, bus }` (`apiKey` is null
 * when the project already existed: keys are shown once). Stops on SIGTERM, and when stdin ends if
 * `--exit-with-stdin` is given (so a crashed parent leaves no server behind).
 */
import { mkdirSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { PGlite } from '@electric-sql/pglite'
import { serve } from '@hono/node-server'
import {
  createEmbeddedBus,
  createKafkaBus,
  fromPglite,
  fromPostgresJs,
  type Bus,
} from '@anansi/bus'
import { TOPICS } from '@anansi/protocol'
import { openStore, type Store } from '@anansi/store'
import { createIngestApi } from '../src/index.js'
import postgres from 'postgres'

const { values } = parseArgs({
  options: {
    bus: { type: 'string' },
    'data-dir': { type: 'string' },
    'database-url': { type: 'string' },
    brokers: { type: 'string' },
    project: { type: 'string', default: 'bench' },
    partitions: { type: 'string', default: '8' },
    port: { type: 'string', default: '0' },
    'exit-with-stdin': { type: 'boolean', default: false },
  },
})

interface Stack {
  store: Store
  bus: Bus
  describe: { store: string; bus: string }
  close(): Promise<void>
}

function required(name: 'data-dir' | 'database-url' | 'brokers'): string {
  const value = values[name]
  if (value === undefined || value === '')
    throw new Error(`--${name} is required for --bus ${values.bus}`)
  return value
}

async function openStack(): Promise<Stack> {
  switch (values.bus ?? '') {
    case 'pglite': {
      const dir = required('data-dir')
      mkdirSync(join(dir, 'bus'), { recursive: true })
      const store = await openStore({ driver: 'pglite', dataDir: join(dir, 'store') })
      const busDb = await PGlite.create({ dataDir: join(dir, 'bus') })
      const bus = createEmbeddedBus({ client: fromPglite(busDb) })
      return {
        store,
        bus,
        describe: {
          store: 'PGlite (data dir on disk)',
          bus: 'embedded log on PGlite (data dir on disk)',
        },
        async close() {
          await bus.close()
          await busDb.close()
          await store.close()
        },
      }
    }
    case 'postgres': {
      const url = required('database-url')
      const store = await openStore({ driver: 'postgres', url })
      const pool = postgres(url, { max: 10, onnotice: () => undefined })
      const bus = createEmbeddedBus({ client: fromPostgresJs(pool) })
      return {
        store,
        bus,
        describe: { store: 'PostgreSQL server', bus: 'embedded log on the PostgreSQL server' },
        async close() {
          await bus.close()
          await pool.end({ timeout: 5 })
          await store.close()
        },
      }
    }
    case 'kafka': {
      const brokers = required('brokers').split(',')
      const url = values['database-url']
      const dir = values['data-dir']
      const store =
        url !== undefined
          ? await openStore({ driver: 'postgres', url })
          : await openStore({ driver: 'pglite', ...(dir === undefined ? {} : { dataDir: dir }) })
      const bus = createKafkaBus({ brokers, clientId: 'anansi-ingest' })
      return {
        store,
        bus,
        describe: {
          store:
            url !== undefined
              ? 'PostgreSQL server'
              : `PGlite (${dir === undefined ? 'in memory' : 'data dir on disk'})`,
          bus: `Kafka (${brokers.join(',')}), acks=all`,
        },
        async close() {
          await bus.close()
          await store.close()
        },
      }
    }
    default:
      throw new Error(`--bus must be pglite, postgres or kafka (got ${String(values.bus)})`)
  }
}

const stack = await openStack()
await stack.bus.admin.ensureTopics([
  { topic: TOPICS.events, partitions: Number(values.partitions) },
  { topic: TOPICS.verdicts, partitions: 1 },
])
const slug = values.project
const existing = await stack.store.findProjectBySlug(slug)
const project = existing ?? (await stack.store.createProject({ name: slug, slug }))
const apiKey =
  existing === undefined
    ? (
        await stack.store
          .forProject(project.id)
          .createApiKey({ name: 'ingest', scopes: ['ingest'] })
      ).plaintext
    : null
const api = createIngestApi({
  store: stack.store,
  bus: stack.bus,
  // Load tests and the crash test send far more than an SDK would; the limiter is tested elsewhere.
  rateLimit: { perSecond: 1e9, burst: 1e9 },
  report: (error) => console.error('[serve-stack] unexpected error', error),
})
const server = serve({
  fetch: api.app.fetch,
  port: Number(values.port),
  hostname: '127.0.0.1',
}) as Server
await new Promise<void>((resolve) => server.once('listening', () => resolve()))
const { port } = server.address() as AddressInfo
console.log(
  JSON.stringify({
    url: `http://127.0.0.1:${port}`,
    projectId: project.id,
    apiKey,
    ...stack.describe,
  }),
)

let stopping = false
async function stop(): Promise<void> {
  if (stopping) return
  stopping = true
  server.closeAllConnections()
  server.close()
  await api.close()
  await stack.close()
  process.exit(0)
}
const stopOrFail = (): void => {
  stop().catch((error: unknown) => {
    console.error('[serve-stack] shutdown failed', error)
    process.exit(1)
  })
}
process.once('SIGTERM', stopOrFail)
if (values['exit-with-stdin']) {
  process.stdin.resume()
  process.stdin.once('end', stopOrFail)
}
