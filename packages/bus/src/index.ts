export type { Admin, Bus, Consumer, ConsumerOptions, Producer, RunOptions } from './bus.js'
export { BusError, type BusErrorCode } from './errors.js'
export { stderrLogger, type BusLogger, type LogFields } from './logger.js'
export type {
  Batch,
  BatchContext,
  BatchHandler,
  ConsumedMessage,
  OutgoingMessage,
  PartitionLag,
  PartitionsListener,
  TopicPartition,
  TopicSpec,
} from './messages.js'
export { murmur2, partitionForKey } from './partitioner.js'
export {
  createEmbeddedBus,
  type EmbeddedBus,
  type EmbeddedBusOptions,
} from './embedded/embedded-bus.js'
export type { RetentionOptions } from './embedded/retention.js'
export { BUS_SCHEMA } from './embedded/schema.js'
export {
  fromPglite,
  fromPostgresJs,
  type PgliteLike,
  type PostgresJsLike,
  type PostgresJsTxLike,
  type SqlClient,
  type SqlExecutor,
} from './embedded/sql-client.js'
export { createKafkaBus, type KafkaBus, type KafkaBusOptions } from './kafka/kafka-bus.js'
