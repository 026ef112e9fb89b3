import { describe } from 'vitest'
import { serviceAddress } from '../tooling/test-services.js'
import { startDistributed } from './fixtures/deployments.js'
import { safetyScenario } from './scenario.js'

const databaseUrl = serviceAddress('DATABASE_URL')
const brokers = serviceAddress('KAFKA_BROKERS')

describe.skipIf(databaseUrl === undefined || brokers === undefined)(
  'end to end, distributed: PostgreSQL + Kafka, one ingest and one processor process (anansi start)',
  () => {
    safetyScenario(() => startDistributed(databaseUrl ?? '', brokers ?? ''))
  },
)
