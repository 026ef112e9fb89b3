import type { Alert, LlmEvent, Verdict } from '@anansi/protocol'
import type { Database } from '../drivers/database.js'
import { wrapQueryError } from '../errors.js'
import { toStorable } from '../sanitize.js'
import { events } from '../schema/index.js'
import { markRulesFired, ruleChannels } from './alert-rules.js'
import { insertAlerts, type NewAlert } from './alerts.js'
import { saveDetectorStates, type DetectorStateRow } from './detector-state.js'
import { eventRow } from './events.js'
import { insertVerdicts } from './verdicts.js'
import { enqueueDeliveries, type OutgoingMessage } from './webhook-deliveries.js'
import { insertJsonRows } from '../bulk-insert.js'

/** Everything the stream processor made of one batch of events, to be stored in one go. */
export interface ProcessedBatch {
  events: { event: LlmEvent; receivedAt: string }[]
  verdicts: Verdict[]
  alerts: NewAlert[]
  detectorStates: DetectorStateRow[]
}

/** What a {@link recordProcessed} call stored for the first time. */
export interface ProcessedOutcome {
  /** Event ids whose verdicts are new (a re-delivered batch answers none). */
  insertedVerdicts: string[]
  /** The alerts that are new, as the protocol shows them. */
  insertedAlerts: Alert[]
  /** Webhook deliveries queued for the new alerts and new unsafe verdicts. */
  enqueuedDeliveries: number
}

async function insertEventRows(
  tx: Database,
  projectId: string,
  batch: ProcessedBatch['events'],
): Promise<void> {
  if (batch.length === 0) return
  const rows = batch.map(({ event, receivedAt }) =>
    eventRow(projectId, toStorable(event), new Date(receivedAt)),
  )
  await insertJsonRows(tx, events, rows, ['id'])
}

/** The webhook messages new rows cause; their ids derive from those rows, never from the clock. */
function messagesFor(
  projectId: string,
  alerts: readonly Alert[],
  channels: ReadonlyMap<string, readonly { webhookId: string }[]>,
  verdicts: readonly Verdict[],
  timestamp: string,
): OutgoingMessage[] {
  const alertMessages = alerts.flatMap((alert): OutgoingMessage[] => {
    const ruleChannels = alert.ruleId === undefined ? undefined : channels.get(alert.ruleId)
    if (ruleChannels === undefined || ruleChannels.length === 0) return []
    return [
      {
        messageId: `msg_alert_${alert.id}`,
        payload: { type: 'alert.created', timestamp, data: { projectId, alert } },
        webhookIds: ruleChannels.map((channel) => channel.webhookId),
      },
    ]
  })
  const verdictMessages = verdicts
    .filter((verdict) => !verdict.safe)
    .map((verdict): OutgoingMessage => ({
      messageId: `msg_verdict_${verdict.eventId.toLowerCase()}`,
      payload: { type: 'verdict.unsafe', timestamp, data: { projectId, verdict } },
    }))
  return [...alertMessages, ...verdictMessages]
}

/**
 * Makes one processed batch durable in a single transaction, idempotently: events, verdicts with
 * their evaluations, alerts and detector checkpoints, plus the webhook deliveries that the new
 * alerts and new unsafe verdicts cause. Everything is keyed by what caused it (event id, dedupe
 * key, message id), so storing the same batch again adds no row and queues no delivery.
 */
export async function recordProcessed(
  db: Database,
  projectId: string,
  batch: ProcessedBatch,
): Promise<ProcessedOutcome> {
  const now = new Date()
  try {
    return await db.transaction(async (tx) => {
      await insertEventRows(tx, projectId, batch.events)
      const verdicts = await insertVerdicts(tx, projectId, batch.verdicts)
      const ruleIds = batch.alerts.flatMap((alert) => (alert.ruleId ? [alert.ruleId] : []))
      const channels = await ruleChannels(tx, projectId, ruleIds)
      const alerts = await insertAlerts(tx, projectId, batch.alerts, new Set(channels.keys()), now)
      await markRulesFired(
        tx,
        projectId,
        alerts.flatMap(({ ruleId, createdAt }) =>
          ruleId === undefined ? [] : [{ ruleId, at: new Date(createdAt) }],
        ),
      )
      await saveDetectorStates(tx, projectId, batch.detectorStates)
      const messages = messagesFor(projectId, alerts, channels, verdicts, now.toISOString())
      const enqueuedDeliveries = await enqueueDeliveries(tx, projectId, messages)
      return {
        insertedVerdicts: verdicts.map((verdict) => verdict.eventId),
        insertedAlerts: alerts,
        enqueuedDeliveries,
      }
    })
  } catch (cause) {
    throw wrapQueryError('record processed batch', cause)
  }
}
