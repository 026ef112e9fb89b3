import { randomBytes } from 'node:crypto'
import { PGlite } from '@electric-sql/pglite'
import { createEmbeddedBus, createKafkaBus, fromPglite, type Bus } from '@anansi/bus'
import { TOPICS, type Verdict } from '@anansi/protocol'
import { openStore, type Store } from '@anansi/store'
import { serviceAddress } from '../../../tooling/test-services.js'
import { createIngestApi, type IngestApi, type IngestOptions } from '../src/index.js'

/** Which bus a harness runs on. */
export type BusKind = 'embedded' | 'kafka'

/** The topics a harness's APIs and feeds use: its own, so runs and files never share a log. */
export interface HarnessTopics {
  events: string
  verdicts: string
}

/** A project with one key of each scope. */
export interface HarnessProject {
  projectId: string
  slug: string
  ingest: string
  read: string
  admin: string
}

/** A store, a bus and two projects with keys of every scope: what every test needs. */
export interface Harness {
  kind: BusKind
  store: Store
  bus: Bus
  topics: HarnessTopics
  keys: { a: HarnessProject; b: HarnessProject }
  /** An API on this harness's store, bus and topics (closed by `close`). */
  api(options?: Partial<IngestOptions>): IngestApi
  close(): Promise<void>
}

/**
 * The buses this run tests against: the embedded log always, Kafka too when KAFKA_BROKERS is set
 * (under CI=true a missing broker is an error, not a skip). For `describe.each`.
 */
export function busKinds(): BusKind[] {
  return serviceAddress('KAFKA_BROKERS') === undefined ? ['embedded'] : ['embedded', 'kafka']
}

/** A name no other harness (nor an earlier run against the same broker or database) uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`
}

/**
 * Opens a harness. `embedded`: in-memory PGlite for the store and for the log (the CLI shares one;
 * tests keep them apart), projects `a` and `b`. `kafka`: the broker at KAFKA_BROKERS with topics of
 * this harness's own, and the store on PostgreSQL at DATABASE_URL when set (else PGlite), with
 * project slugs made unique. One harness per test file keeps the broker connections few.
 */
export async function openHarness(kind: BusKind = 'embedded'): Promise<Harness> {
  const run = uniqueName('ingest-test')
  const topics: HarnessTopics =
    kind === 'embedded'
      ? { events: TOPICS.events, verdicts: TOPICS.verdicts }
      : { events: `${run}.events`, verdicts: `${run}.verdicts` }
  const opened = await openBus(kind)
  const bus = opened.bus
  await bus.admin.ensureTopics([
    { topic: topics.events, partitions: 4 },
    { topic: topics.verdicts, partitions: 1 },
  ])
  const databaseUrl = kind === 'kafka' ? serviceAddress('DATABASE_URL') : undefined
  const store = await openStore(
    databaseUrl === undefined ? { driver: 'pglite' } : { driver: 'postgres', url: databaseUrl },
  )
  const project = async (name: string): Promise<HarnessProject> => {
    const slug = databaseUrl === undefined ? name : `${name}-${run}`
    const p = await store.createProject({ name: slug, slug })
    const scoped = store.forProject(p.id)
    return {
      projectId: p.id,
      slug,
      ingest: (await scoped.createApiKey({ name: 'sdk', scopes: ['ingest'] })).plaintext,
      read: (await scoped.createApiKey({ name: 'dash', scopes: ['read'] })).plaintext,
      admin: (await scoped.createApiKey({ name: 'ops', scopes: ['admin'] })).plaintext,
    }
  }
  const keys = { a: await project('a'), b: await project('b') }
  const apis: IngestApi[] = []
  return {
    kind,
    store,
    bus,
    topics,
    keys,
    api(options = {}) {
      const api = createIngestApi({
        store,
        bus,
        eventsTopic: topics.events,
        report: () => undefined,
        ...options,
      })
      apis.push(api)
      return api
    },
    async close() {
      for (const api of apis) await api.close()
      await opened.closeBus()
      await store.close()
    },
  }
}

async function openBus(kind: BusKind): Promise<{ bus: Bus; closeBus(): Promise<void> }> {
  if (kind === 'kafka') {
    const bus = createKafkaBus({
      brokers: (serviceAddress('KAFKA_BROKERS') ?? '').split(','),
      clientId: 'anansi-ingest-test',
      // Short fetch waits so feeds and readers see new messages quickly.
      maxWaitTimeMs: 100,
    })
    return { bus, closeBus: () => bus.close() }
  }
  const db = await PGlite.create()
  const bus = createEmbeddedBus({ client: fromPglite(db), pollIntervalMs: 20 })
  return {
    bus,
    async closeBus() {
      await bus.close()
      await db.close()
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

/** A blocking verdict for an event, as the stream processor would publish it. */
export function blockedVerdict(eventId: string): Verdict {
  return {
    eventId,
    safe: false,
    action: 'block',
    score: 0.9,
    evaluations: [],
    anomalies: [],
    decidedBy: 'remote',
    decidedAt: new Date().toISOString(),
    latencyMs: 5,
  }
}
