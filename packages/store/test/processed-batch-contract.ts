import { deepStrictEqual } from 'node:assert/strict'
import { webhookPayloadSchema, type WebhookPayload } from '@anansi/protocol'
import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { StoreError, queryRows, type ProjectStore, type Store } from '../src/index.js'
import {
  makeAlert,
  makeBatch,
  makeEvaluation,
  makeEvent,
  makeRuleInput,
  makeVerdict,
  newProject,
} from './fixtures.js'

interface DeliveryRow extends Record<string, unknown> {
  webhook_id: string
  message_id: string
  payload: WebhookPayload
}

async function deliveryRows(store: Store, projectId: string): Promise<DeliveryRow[]> {
  const rows = await queryRows<DeliveryRow>(
    store.db,
    sql`select webhook_id, message_id, payload from webhook_deliveries where project_id = ${projectId}`,
  )
  return rows.sort((x, y) => (x.message_id < y.message_id ? -1 : 1))
}

/** A project with one rule routed to `alerts`, one endpoint for unsafe verdicts, one disabled. */
async function wiredProject(store: Store) {
  const project = await newProject(store)
  const alerts = await project.createWebhook({
    url: 'https://alerts.example',
    eventTypes: ['alert.created'],
  })
  // Subscribed to alerts too, but no rule routes to it: only unsafe verdicts reach it.
  const unsafe = await project.createWebhook({
    url: 'https://unsafe.example',
    eventTypes: ['verdict.unsafe', 'alert.created'],
  })
  await project.createWebhook({
    url: 'https://off.example',
    eventTypes: ['alert.created', 'verdict.unsafe'],
    enabled: false,
  })
  const rule = await project.createAlertRule(
    makeRuleInput({ channels: [{ type: 'webhook', webhookId: alerts.id }] }),
  )
  return { project, alerts, unsafe, rule }
}

async function counts(store: Store, project: ProjectStore) {
  return {
    events: (await project.listEvents({ limit: 1000 })).length,
    alerts: (await project.listAlerts({ limit: 1000 })).length,
    deliveries: (await deliveryRows(store, project.projectId)).length,
  }
}

/** `recordProcessed`, `getVerdicts` and detector checkpoints, run inside each driver's contract. */
export function defineProcessedBatchContract(getStore: () => Store): void {
  describe('processed batches', () => {
    it('stores a whole batch once and queues one delivery per cause and endpoint', async () => {
      const store = getStore()
      const { project, alerts, unsafe, rule } = await wiredProject(store)
      const [e1, e2] = [makeEvent(), makeEvent()]
      const batch = makeBatch([e1, e2], {
        verdicts: [makeVerdict(e1.id), { ...makeVerdict(e2.id), safe: false }],
        alerts: [makeAlert(e1.id, { ruleId: rule.id }), makeAlert(e2.id)],
        detectorStates: [
          { model: 'gpt-4o', metric: 'latency_ms', method: 'zscore', state: { m: 1 }, samples: 9 },
        ],
      })
      const first = await project.recordProcessed(batch)
      expect(first.insertedVerdicts).toEqual([e1.id, e2.id])
      expect(first.insertedAlerts.map((a) => a.ruleId)).toEqual([rule.id, undefined])
      // One alert with a routed rule, two unsafe verdicts; the disabled endpoint gets nothing.
      expect(first.enqueuedDeliveries).toBe(3)
      const rows = await deliveryRows(store, project.projectId)
      const alertId = first.insertedAlerts[0]?.id ?? ''
      expect(rows.map((r) => [r.message_id, r.webhook_id])).toEqual(
        [
          [`msg_alert_${alertId}`, alerts.id],
          [`msg_verdict_${e1.id}`, unsafe.id],
          [`msg_verdict_${e2.id}`, unsafe.id],
        ].sort((x, y) => ((x[0] ?? '') < (y[0] ?? '') ? -1 : 1)),
      )
      for (const row of rows) expect(webhookPayloadSchema.safeParse(row.payload).success).toBe(true)
      const alertPayload = rows.find((r) => r.message_id.startsWith('msg_alert_'))?.payload
      expect(alertPayload?.data).toEqual({
        projectId: project.projectId,
        alert: first.insertedAlerts[0],
      })
      expect((await project.listEvaluations(e1.id)).map((e) => e.evaluator)).toEqual(['toxicity'])
      expect(await project.loadDetectorStates(['gpt-4o'])).toEqual(batch.detectorStates)

      const before = await counts(store, project)
      const again = await project.recordProcessed(batch)
      expect(again).toEqual({ insertedVerdicts: [], insertedAlerts: [], enqueuedDeliveries: 0 })
      expect(await counts(store, project)).toEqual(before)
    })

    it('sets the last-fired time of the rules that fired, never moving it back', async () => {
      const store = getStore()
      const { project, rule } = await wiredProject(store)
      const lastFired = async () =>
        (
          await queryRows<{ at: string }>(
            store.db,
            sql`select to_char(last_fired_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') as at from alert_rules where id = ${rule.id}`,
          )
        )[0]?.at
      expect(await lastFired()).toBeNull()
      const [e1, e2] = [makeEvent(), makeEvent()]
      const fire = (eventId: string, createdAt: string) =>
        makeAlert(eventId, { ruleId: rule.id, createdAt })
      await project.recordProcessed(
        makeBatch([e1], { alerts: [fire(e1.id, '2026-11-25T10:00:00Z')] }),
      )
      expect(await lastFired()).toBe('2026-11-25T10:00:00')
      await project.recordProcessed(
        makeBatch([e2], { alerts: [fire(e2.id, '2026-11-25T09:00:00Z')] }),
      )
      expect(await lastFired()).toBe('2026-11-25T10:00:00')
    })

    it("keeps an alert naming another project's rule, without the rule and without deliveries", async () => {
      const store = getStore()
      const other = await wiredProject(store)
      const project = await newProject(store)
      const event = makeEvent()
      const outcome = await project.recordProcessed(
        makeBatch([event], {
          verdicts: [{ ...makeVerdict(event.id), safe: true, action: 'allow' }],
          alerts: [makeAlert(event.id, { ruleId: other.rule.id })],
        }),
      )
      expect(outcome.insertedAlerts).toHaveLength(1)
      expect(outcome.insertedAlerts[0]?.ruleId).toBeUndefined()
      expect(outcome.enqueuedDeliveries).toBe(0)
      expect(await deliveryRows(store, other.project.projectId)).toEqual([])
    })

    it('stores nothing of a batch that fails part-way', async () => {
      const project = await newProject(getStore())
      const event = makeEvent()
      const orphan = makeVerdict(makeEvent().id) // its event is in no batch
      const error: unknown = await project
        .recordProcessed(makeBatch([event], { verdicts: [makeVerdict(event.id), orphan] }))
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(StoreError)
      expect(await project.getEvent(event.id)).toBeUndefined()
      expect(await project.getVerdict(event.id)).toBeUndefined()
    })

    it('stores a batch too big for one statement (2,000 events, 24,000 evaluations) in one go', async () => {
      const project = await newProject(getStore())
      const events = Array.from({ length: 2_000 }, () => makeEvent())
      const evaluations = Array.from({ length: 12 }, (_, i) =>
        makeEvaluation({ evaluator: `evaluator-${i}`, modelId: `model-${i}` }),
      )
      const batch = makeBatch(events, {
        verdicts: events.map((event) => makeVerdict(event.id, evaluations)),
      })
      const outcome = await project.recordProcessed(batch)
      expect(outcome.insertedVerdicts).toHaveLength(2_000)
      const [row] = await queryRows<{ n: number }>(
        getStore().db,
        sql`select count(*)::int as n from evaluations where project_id = ${project.projectId}`,
      )
      expect(row?.n).toBe(24_000)
      expect((await project.recordProcessed(batch)).insertedVerdicts).toEqual([])
    }, 60_000)

    it('lets one of several concurrent copies of a batch win', async () => {
      const store = getStore()
      const { project } = await wiredProject(store)
      const events = [makeEvent(), makeEvent()]
      const batch = makeBatch(events)
      const outcomes = await Promise.all(
        Array.from({ length: 5 }, () => project.recordProcessed(batch)),
      )
      expect(outcomes.flatMap((o) => o.insertedVerdicts).sort()).toEqual(
        events.map((e) => e.id).sort(),
      )
      expect(outcomes.reduce((sum, o) => sum + o.enqueuedDeliveries, 0)).toBe(2)
      expect(await deliveryRows(store, project.projectId)).toHaveLength(2)
    })

    it('stores NUL characters in alert text as U+FFFD', async () => {
      const project = await newProject(getStore())
      const event = makeEvent()
      const { insertedAlerts } = await project.recordProcessed(
        makeBatch([event], { alerts: [makeAlert(event.id, { message: 'a\u0000b' })] }),
      )
      expect(insertedAlerts[0]?.message).toBe('a\uFFFDb')
    })
  })

  describe('detector checkpoints', () => {
    it('replaces stored states, last copy wins, and loads only the asked models', async () => {
      const project = await newProject(getStore())
      const state = (model: string, mean: number, samples: number) => ({
        model,
        metric: 'evaluator.toxicity.score',
        method: 'robust_zscore' as const,
        state: { mean, window: [mean] },
        samples,
      })
      await project.recordProcessed(
        makeBatch([], { detectorStates: [state('a', 1, 1), state('b', 2, 2)] }),
      )
      await project.recordProcessed(
        makeBatch([], { detectorStates: [state('a', 3, 5), state('a', 4, 6)] }),
      )
      deepStrictEqual(await project.loadDetectorStates(['a']), [state('a', 4, 6)])
      expect(await project.loadDetectorStates(['a', 'b', 'c'])).toHaveLength(2)
      expect(await project.loadDetectorStates([])).toEqual([])
    })
  })

  describe('getVerdicts', () => {
    it('reads several verdicts by lower-cased event id, skipping events without one', async () => {
      const project = await newProject(getStore())
      const [e1, e2, e3] = [makeEvent(), makeEvent(), makeEvent()]
      const v1 = makeVerdict(e1.id, [makeEvaluation({ score: 0.5 })])
      await project.recordProcessed(makeBatch([e1, e2, e3], { verdicts: [v1, makeVerdict(e2.id)] }))
      const found = await project.getVerdicts([e1.id.toUpperCase(), e2.id, e3.id, 'junk'])
      expect([...found.keys()].sort()).toEqual([e1.id, e2.id].sort())
      deepStrictEqual(found.get(e1.id), v1)
      expect(await project.getVerdicts([])).toEqual(new Map())
    })
  })
}
