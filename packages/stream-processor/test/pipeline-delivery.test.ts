import { embeddedTarget, overKafka } from './bus-targets.js'
import { definePipelineDeliveryContract } from './pipeline-delivery-contract.js'

definePipelineDeliveryContract('embedded log on PGlite', { open: embeddedTarget })
overKafka((open) => definePipelineDeliveryContract('Kafka and PostgreSQL', { open }))
