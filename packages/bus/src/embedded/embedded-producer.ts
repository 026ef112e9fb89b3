import type { Producer } from '../bus.js'
import { BusError } from '../errors.js'
import type { OutgoingMessage } from '../messages.js'
import { appendMessages } from './append.js'
import type { SqlClient } from './sql-client.js'
import { withSqlError } from './sql-errors.js'

/** A producer over the embedded log: one transaction per `send`, so a batch is all-or-nothing. */
export class EmbeddedProducer implements Producer {
  private closed = false

  constructor(
    private readonly client: SqlClient,
    private readonly partitionsOf: (topic: string) => Promise<number>,
    private readonly onClosed: (producer: EmbeddedProducer) => void,
  ) {}

  async send(topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (this.closed) throw new BusError('closed', 'the producer is closed', false)
    if (messages.length === 0) return
    const partitions = await this.partitionsOf(topic)
    await withSqlError('send_failed', `appending ${messages.length} messages to ${topic}`, () =>
      this.client.transaction((tx) => appendMessages(tx, topic, partitions, messages)),
    )
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true
      this.onClosed(this)
    }
    return Promise.resolve()
  }
}
