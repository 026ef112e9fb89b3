import { PGlite } from '@electric-sql/pglite'
import { createEmbeddedBus, createKafkaBus, fromPglite, type Bus } from '@anansi/bus'
import { openStore, type Store } from '@anansi/store'
import { describe } from 'vitest'
import { serviceAddress } from '../../../tooling/test-services.js'

/** A bus and store for one contract run; `close` releases both. */
export type OpenBusTarget = () => Promise<{ bus: Bus; store: Store; close: () => Promise<void> }>

/** The embedded log on an in-memory PGlite, with an in-memory PGlite store. */
export const embeddedTarget: OpenBusTarget = async () => {
  const store = await openStore({ driver: 'pglite' })
  const log = await PGlite.create()
  const bus = createEmbeddedBus({ client: fromPglite(log), pollIntervalMs: 20 })
  return {
    bus,
    store,
    close: async () => {
      await bus.close()
      await log.close()
      await store.close()
    },
  }
}

/**
 * Runs `define` against Kafka and the PostgreSQL server (a describe block named "over Kafka");
 * under CI=true a missing service fails instead of skipping (serviceAddress).
 */
export function overKafka(define: (open: OpenBusTarget) => void): void {
  const brokers = serviceAddress('KAFKA_BROKERS')
  const databaseUrl = serviceAddress('DATABASE_URL')
  describe.skipIf(brokers === undefined || databaseUrl === undefined)('over Kafka', () => {
    define(async () => {
      const store = await openStore({ driver: 'postgres', url: databaseUrl ?? '' })
      const bus = createKafkaBus({ brokers: (brokers ?? '').split(','), logLevel: 'error' })
      return {
        bus,
        store,
        close: async () => {
          await bus.close()
          await store.close()
        },
      }
    })
  })
}
