import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { MAX_DELIVERY_ERROR_CHARS, StoreError, queryRows, type Store } from '../src/index.js'
import { makeBatch, makeEvent, newProject } from './fixtures.js'

const HOUR = 3_600_000

/**
 * The queue spans every project of the shared test database: lease whatever is due within the
 * next days for weeks, so a test sees only the deliveries it queues after this.
 */
async function drain(store: Store): Promise<void> {
  const later = new Date(Date.now() + 120 * HOUR)
  for (;;) {
    const jobs = await store.claimDueDeliveries({ limit: 1000, leaseMs: 240 * HOUR, now: later })
    if (jobs.length === 0) return
  }
}

/** A project with one endpoint for unsafe verdicts and `n` of them queued. */
async function queued(store: Store, n: number) {
  const project = await newProject(store)
  const webhook = await project.createWebhook({
    url: 'https://hooks.example/q',
    eventTypes: ['verdict.unsafe'],
  })
  const events = Array.from({ length: n }, () => makeEvent())
  await project.recordProcessed(makeBatch(events))
  return { project, webhook, events }
}

// Seconds past the database clock, so every freshly queued delivery is due.
const soon = (offsetMs = 0) => new Date(Date.now() + 1000 + offsetMs)

/** The webhook dispatcher's queue (across projects), run inside each driver's contract. */
export function defineDeliveryQueueContract(getStore: () => Store): void {
  describe('webhook delivery queue', () => {
    it('leases due deliveries: a claimed job is not claimed again until its lease ends', async () => {
      const store = getStore()
      await drain(store)
      const { project, webhook } = await queued(store, 3)
      const first = await store.claimDueDeliveries({ limit: 2, leaseMs: HOUR, now: soon() })
      expect(first).toHaveLength(2)
      expect(first[0]).toMatchObject({
        projectId: project.projectId,
        webhookId: webhook.id,
        url: 'https://hooks.example/q',
        secret: webhook.secret,
        eventType: 'verdict.unsafe',
        attempts: 0,
      })
      expect(first[0]?.payload.type).toBe('verdict.unsafe')
      expect(first[0]?.messageId).toMatch(/^msg_verdict_/)
      const second = await store.claimDueDeliveries({ limit: 10, leaseMs: HOUR, now: soon() })
      expect(second.map((j) => j.id)).toHaveLength(1)
      expect(await store.claimDueDeliveries({ limit: 10, leaseMs: HOUR, now: soon() })).toEqual([])
      const expired = await store.claimDueDeliveries({
        limit: 10,
        leaseMs: HOUR,
        now: soon(HOUR + 1000),
      })
      expect(expired.map((j) => j.id).sort()).toEqual([...first, ...second].map((j) => j.id).sort())
    })

    it("never claims a disabled endpoint's deliveries, and resumes when it is enabled", async () => {
      const store = getStore()
      await drain(store)
      const { project, webhook } = await queued(store, 1)
      await project.updateWebhook(webhook.id, { enabled: false })
      expect(await store.claimDueDeliveries({ limit: 10, leaseMs: HOUR, now: soon() })).toEqual([])
      await project.updateWebhook(webhook.id, { enabled: true })
      expect(
        await store.claimDueDeliveries({ limit: 10, leaseMs: HOUR, now: soon() }),
      ).toHaveLength(1)
    })

    it('records attempts: retry, then success; a settled delivery stays settled', async () => {
      const store = getStore()
      await drain(store)
      const { project, webhook } = await queued(store, 1)
      const [job] = await store.claimDueDeliveries({ limit: 10, leaseMs: HOUR, now: soon() })
      const id = job?.id ?? ''
      const retryAt = soon(5 * 60_000)
      await store.recordDeliveryAttempt({
        id,
        outcome: 'retry',
        statusCode: 503,
        error: 'x'.repeat(5000),
        nextAttemptAt: retryAt,
      })
      const [retried] = await project.listDeliveries({ webhookId: webhook.id })
      expect(retried).toMatchObject({
        status: 'pending',
        attempts: 1,
        lastStatusCode: 503,
        nextAttemptAt: retryAt.toISOString(),
      })
      expect(retried?.lastError).toHaveLength(MAX_DELIVERY_ERROR_CHARS)
      expect(await store.claimDueDeliveries({ limit: 10, leaseMs: HOUR, now: soon() })).toEqual([])
      const [again] = await store.claimDueDeliveries({
        limit: 10,
        leaseMs: HOUR,
        now: soon(10 * 60_000),
      })
      expect(again?.attempts).toBe(1)
      await store.recordDeliveryAttempt({ id, outcome: 'succeeded', statusCode: 204 })
      await store.recordDeliveryAttempt({ id, outcome: 'failed', error: 'late duplicate' })
      const [done] = await project.listDeliveries({ status: 'succeeded' })
      expect(done).toMatchObject({ status: 'succeeded', attempts: 2, lastStatusCode: 204 })
      expect(done?.lastError).toBeUndefined()
      expect(done?.deliveredAt).toBeDefined()
      expect(await project.listDeliveries({ status: 'pending' })).toEqual([])
    })

    it('gives up on a failed delivery and refuses a retry without a time', async () => {
      const store = getStore()
      await drain(store)
      const { project } = await queued(store, 1)
      const [job] = await store.claimDueDeliveries({ limit: 10, leaseMs: 0, now: soon() })
      const id = job?.id ?? ''
      const error: unknown = await store
        .recordDeliveryAttempt({ id, outcome: 'retry' })
        .catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'invalid_argument' })
      expect(error).toBeInstanceOf(StoreError)
      await store.recordDeliveryAttempt({ id, outcome: 'failed', error: 'refused: 127.0.0.1' })
      const [failed] = await project.listDeliveries()
      expect(failed).toMatchObject({
        status: 'failed',
        attempts: 1,
        lastError: 'refused: 127.0.0.1',
      })
      expect(await store.claimDueDeliveries({ limit: 10, leaseMs: 0, now: soon(HOUR) })).toEqual([])
      const [{ n } = { n: -1 }] = await queryRows<{ n: number }>(
        store.db,
        sql`select count(*)::int as n from webhook_deliveries where id = ${id} and delivered_at is null`,
      )
      expect(n).toBe(1)
    })
  })
}
