import { PGlite } from '@electric-sql/pglite'
import { createEmbeddedBus, createKafkaBus, fromPglite } from '@anansi/bus'
import { openStore } from '@anansi/store'
import { describe } from 'vitest'
import { serviceAddress } from '../../../tooling/test-services.js'
import { definePipelineDeliveryContract } from './pipeline-delivery-contract.js'

definePipelineDeliveryContract('embedded log on PGlite', {
  open: async () => {
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
  },
})

const brokers = serviceAddress('KAFKA_BROKERS')
const databaseUrl = serviceAddress('DATABASE_URL')
describe.skipIf(brokers === undefined || databaseUrl === undefined)('over Kafka', () => {
  definePipelineDeliveryContract('Kafka and PostgreSQL', {
    open: async () => {
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
    },
  })
})
