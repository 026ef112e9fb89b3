/**
 * Serves the ingestion API on the embedded stack (in-memory PGlite store and log, lexical
 * evaluators) with one project, for the API fuzz test and local poking. Prints
 * `ANANSI_URL=…` and `ANANSI_API_KEY=…` (an admin key) once it listens; stops on SIGTERM.
 */
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { PGlite } from '@electric-sql/pglite'
import { serve } from '@hono/node-server'
import { createEmbeddedBus, fromPglite } from '@anansi/bus'
import { EvaluatorSuite } from '@anansi/evaluator'
import { TOPICS } from '@anansi/protocol'
import { openStore } from '@anansi/store'
import { attachVerdictSocket, createIngestApi } from '../src/index.js'

const port = Number(process.env.PORT ?? 0)
const store = await openStore({ driver: 'pglite' })
const busDb = await PGlite.create()
const bus = createEmbeddedBus({ client: fromPglite(busDb) })
await bus.admin.ensureTopics([
  { topic: TOPICS.events, partitions: 4 },
  { topic: TOPICS.verdicts, partitions: 1 },
])
const suite = await EvaluatorSuite.load({ tiers: ['lexical'] })
const project = await store.createProject({ name: 'fuzz', slug: 'fuzz' })
const { plaintext } = await store
  .forProject(project.id)
  .createApiKey({ name: 'fuzz', scopes: ['admin'] })
const api = createIngestApi({
  store,
  bus,
  suite,
  // Fuzzers send thousands of requests; the limiter is tested elsewhere.
  rateLimit: { perSecond: 1e6, burst: 1e6 },
  report: (error) => console.error('[ingest-api] unexpected error', error),
})
const server = serve({ fetch: api.app.fetch, port, hostname: '127.0.0.1' }) as Server
await new Promise<void>((resolve) => server.once('listening', () => resolve()))
const detach = attachVerdictSocket(server, store, api.hub)
console.log(`ANANSI_URL=http://127.0.0.1:${(server.address() as AddressInfo).port}`)
console.log(`ANANSI_API_KEY=${plaintext}`)

process.once('SIGTERM', () => {
  void (async () => {
    await detach()
    server.close()
    await api.close()
    await suite.close()
    await bus.close()
    await busDb.close()
    await store.close()
    process.exit(0)
  })()
})
