/**
 * The ingestion API's OpenAPI document, as the running API serves it at `/openapi.json`: the app is
 * built in this process on an in-memory database and event log, and asked for the document.
 */
import { PGlite } from '@electric-sql/pglite'
import { createEmbeddedBus, fromPglite } from '@anansi/bus'
import { createIngestApi } from '@anansi/ingest-api'
import { openStore } from '@anansi/store'

/** Builds the API in-process and returns its `/openapi.json`. */
export async function fetchOpenApiDocument(): Promise<unknown> {
  const store = await openStore({ driver: 'pglite' })
  const logDb = await PGlite.create()
  const bus = createEmbeddedBus({ client: fromPglite(logDb) })
  const api = createIngestApi({ store, bus })
  try {
    const response = await api.app.request('/openapi.json')
    if (response.status !== 200) throw new Error(`/openapi.json answered ${response.status}`)
    const document: unknown = await response.json()
    return document
  } finally {
    await api.close()
    await bus.close()
    await logDb.close()
    await store.close()
  }
}
