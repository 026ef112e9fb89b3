import { PGlite } from '@electric-sql/pglite'
import { createEmbeddedBus, fromPglite, type EmbeddedBus } from '@anansi/bus'
import { TOPICS } from '@anansi/protocol'
import { openStore, type Store } from '@anansi/store'
import { createIngestApi, type IngestApi, type IngestOptions } from '../src/index.js'

/** A store, an embedded bus and two projects with keys of every scope: what every test needs. */
export interface Harness {
  store: Store
  bus: EmbeddedBus
  busDb: PGlite
  keys: {
    a: { ingest: string; read: string; admin: string; projectId: string }
    b: { ingest: string; read: string; admin: string; projectId: string }
  }
  api(options?: Partial<IngestOptions>): IngestApi
  close(): Promise<void>
}

/** Opens in-memory PGlite for the store and for the bus (the CLI shares one; tests keep them apart). */
export async function openHarness(): Promise<Harness> {
  const store = await openStore({ driver: 'pglite' })
  const busDb = await PGlite.create()
  const bus = createEmbeddedBus({ client: fromPglite(busDb), pollIntervalMs: 20 })
  await bus.admin.ensureTopics([
    { topic: TOPICS.events, partitions: 4 },
    { topic: TOPICS.verdicts, partitions: 1 },
  ])
  const project = async (slug: string) => {
    const p = await store.createProject({ name: slug, slug })
    const scoped = store.forProject(p.id)
    return {
      projectId: p.id,
      ingest: (await scoped.createApiKey({ name: 'sdk', scopes: ['ingest'] })).plaintext,
      read: (await scoped.createApiKey({ name: 'dash', scopes: ['read'] })).plaintext,
      admin: (await scoped.createApiKey({ name: 'ops', scopes: ['admin'] })).plaintext,
    }
  }
  const keys = { a: await project('a'), b: await project('b') }
  const apis: IngestApi[] = []
  return {
    store,
    bus,
    busDb,
    keys,
    api(options = {}) {
      const api = createIngestApi({ store, bus, report: () => undefined, ...options })
      apis.push(api)
      return api
    },
    async close() {
      for (const api of apis) await api.close()
      await bus.close()
      await busDb.close()
      await store.close()
    },
  }
}

/** Headers for a JSON request with a key. */
export function headers(
  key: string | undefined,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    'content-type': 'application/json',
    ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
    ...extra,
  }
}
