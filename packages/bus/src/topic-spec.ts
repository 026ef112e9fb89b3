import { BusError } from './errors.js'
import type { TopicSpec } from './messages.js'

/** Rejects topic specs Kafka would refuse, so both adapters fail alike and early. */
export function validateTopicSpec(spec: TopicSpec): void {
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(spec.topic)) {
    throw new BusError(
      'invalid_argument',
      `invalid topic name ${JSON.stringify(spec.topic)}`,
      false,
    )
  }
  if (!Number.isInteger(spec.partitions) || spec.partitions < 1) {
    throw new BusError(
      'invalid_argument',
      `topic ${spec.topic}: partitions must be a positive integer`,
      false,
    )
  }
}
