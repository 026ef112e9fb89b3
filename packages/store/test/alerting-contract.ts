import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { StoreError, queryRows, type Store } from '../src/index.js'
import { makeAlert, makeBatch, makeEvent, makeRuleInput, newProject } from './fixtures.js'

const SECRET = /^whsec_[A-Za-z0-9+/]{43}=$/

async function storedSecret(store: Store, webhookId: string): Promise<string | undefined> {
  const rows = await queryRows<{ secret: string }>(
    store.db,
    sql`select secret from webhooks where id = ${webhookId}`,
  )
  return rows[0]?.secret
}

async function errorOf(promise: Promise<unknown>): Promise<StoreError> {
  const error: unknown = await promise.catch((e: unknown) => e)
  expect(error).toBeInstanceOf(StoreError)
  return error as StoreError
}

/** Alert rules, alerts and webhook endpoints, run inside each driver's contract. */
export function defineAlertingContract(getStore: () => Store): void {
  describe('alert rules', () => {
    it('creates a rule with the protocol defaults and reads it back', async () => {
      const project = await newProject(getStore())
      const rule = await project.createAlertRule(makeRuleInput())
      expect(rule).toEqual({
        id: expect.any(String) as string,
        ...makeRuleInput(),
        cooldownSeconds: 300,
        channels: [],
        enabled: true,
      })
      expect(await project.getAlertRule(rule.id)).toEqual(rule)
      expect(await project.listAlertRules()).toEqual([rule])
    })

    it('applies a patch to the named fields only', async () => {
      const project = await newProject(getStore())
      const rule = await project.createAlertRule(makeRuleInput({ model: 'gpt-4o' }))
      const updated = await project.updateAlertRule(rule.id, {
        enabled: false,
        condition: { type: 'threshold', operator: 'gt', value: 0.9 },
      })
      expect(updated).toEqual({
        ...rule,
        enabled: false,
        condition: { type: 'threshold', operator: 'gt', value: 0.9 },
      })
      expect(await project.getAlertRule(rule.id)).toEqual(updated)
    })

    it('refuses invalid bodies with invalid_argument before touching the database', async () => {
      const project = await newProject(getStore())
      const rule = await project.createAlertRule(makeRuleInput())
      const bad = { ...makeRuleInput(), severity: 'apocalyptic' } as unknown as Parameters<
        typeof project.createAlertRule
      >[0]
      expect((await errorOf(project.createAlertRule(bad))).code).toBe('invalid_argument')
      expect((await errorOf(project.updateAlertRule(rule.id, {}))).code).toBe('invalid_argument')
    })

    it('answers undefined or false for a rule that does not exist or an id that is no uuid', async () => {
      const project = await newProject(getStore())
      const rule = await project.createAlertRule(makeRuleInput())
      expect(await project.deleteAlertRule(rule.id)).toBe(true)
      expect(await project.deleteAlertRule(rule.id)).toBe(false)
      expect(await project.getAlertRule(rule.id)).toBeUndefined()
      expect(await project.updateAlertRule(rule.id, { name: 'x' })).toBeUndefined()
      expect(await project.getAlertRule('not-a-uuid')).toBeUndefined()
      expect(await project.deleteAlertRule('not-a-uuid')).toBe(false)
    })

    it("routes to the project's own webhooks only (invalid_reference otherwise)", async () => {
      const a = await newProject(getStore())
      const b = await newProject(getStore())
      const own = await a.createWebhook({
        url: 'https://a.example/h',
        eventTypes: ['alert.created'],
      })
      const foreign = await b.createWebhook({
        url: 'https://b.example/h',
        eventTypes: ['alert.created'],
      })
      const channel = (webhookId: string) => [{ type: 'webhook' as const, webhookId }]
      const rule = await a.createAlertRule(makeRuleInput({ channels: channel(own.id) }))
      expect(rule.channels).toEqual(channel(own.id))
      for (const webhookId of [foreign.id, randomUUID()]) {
        const created = errorOf(a.createAlertRule(makeRuleInput({ channels: channel(webhookId) })))
        expect((await created).code).toBe('invalid_reference')
        const updated = errorOf(a.updateAlertRule(rule.id, { channels: channel(webhookId) }))
        expect((await updated).code).toBe('invalid_reference')
      }
      expect(await a.listAlertRules()).toEqual([rule])
    })

    it('drops a deleted webhook from the channels of the rules that named it', async () => {
      const project = await newProject(getStore())
      const [one, two] = await Promise.all(
        ['https://one.example', 'https://two.example'].map((url) =>
          project.createWebhook({ url, eventTypes: ['alert.created'] }),
        ),
      )
      const channels = [one, two].map((w) => ({ type: 'webhook' as const, webhookId: w?.id ?? '' }))
      const rule = await project.createAlertRule(makeRuleInput({ channels }))
      expect(await project.deleteWebhook(one?.id ?? '')).toBe(true)
      expect((await project.getAlertRule(rule.id))?.channels).toEqual([channels[1]])
    })
  })

  describe('alerts', () => {
    it('lists newest first, by status, and pages with a (createdAt, id) cursor', async () => {
      const project = await newProject(getStore())
      const event = makeEvent()
      const base = Date.parse('2026-11-25T10:00:00Z')
      const at = (i: number) => new Date(base + Math.floor(i / 2) * 1000).toISOString()
      const alerts = Array.from({ length: 6 }, (_, i) =>
        makeAlert(event.id, { dedupeKey: `k${i}`, createdAt: at(i) }),
      )
      await project.recordProcessed(makeBatch([event], { alerts }))
      const all = await project.listAlerts()
      expect(all.map((a) => a.createdAt)).toEqual([5, 4, 3, 2, 1, 0].map(at))
      const page1 = await project.listAlerts({ limit: 3 })
      const last = page1[2]
      const page2 = await project.listAlerts({
        limit: 3,
        before: last?.createdAt ?? '',
        beforeId: last?.id ?? '',
      })
      expect([...page1, ...page2]).toEqual(all)
      expect(await project.listAlerts({ before: at(2) })).toEqual(all.slice(4))
      await project.acknowledgeAlert(all[0]?.id ?? '')
      expect(await project.listAlerts({ status: 'acknowledged' })).toHaveLength(1)
      expect(await project.listAlerts({ status: 'open' })).toHaveLength(5)
      const error = await errorOf(project.listAlerts({ before: 'yesterday' }))
      expect(error.code).toBe('invalid_argument')
    })

    it('acknowledges and resolves idempotently, keeping the first times', async () => {
      const project = await newProject(getStore())
      const event = makeEvent()
      const { insertedAlerts } = await project.recordProcessed(
        makeBatch([event], { alerts: [makeAlert(event.id)] }),
      )
      const alert = insertedAlerts[0]
      expect(alert?.status).toBe('open')
      const acknowledged = await project.acknowledgeAlert(alert?.id ?? '')
      expect(acknowledged).toMatchObject({ status: 'acknowledged' })
      expect(acknowledged?.acknowledgedAt).toBeDefined()
      expect(await project.acknowledgeAlert(alert?.id ?? '')).toEqual(acknowledged)
      const resolved = await project.resolveAlert(alert?.id ?? '')
      expect(resolved).toEqual({ ...acknowledged, status: 'resolved' })
      expect(await project.acknowledgeAlert(alert?.id ?? '')).toEqual(resolved)
      expect(await project.resolveAlert(alert?.id ?? '')).toEqual(resolved)
      expect(await project.getAlert(alert?.id ?? '')).toEqual(resolved)
      expect(await project.acknowledgeAlert(randomUUID())).toBeUndefined()
      expect(await project.getAlert('nope')).toBeUndefined()
    })
  })

  describe('webhook endpoints', () => {
    it('shows the Standard Webhooks secret once and never lists it', async () => {
      const store = getStore()
      const project = await newProject(store)
      const created = await project.createWebhook({
        url: 'https://hooks.example.com/anansi',
        eventTypes: ['alert.created', 'verdict.unsafe'],
        description: 'on-call',
      })
      expect(created.secret).toMatch(SECRET)
      expect(Buffer.from(created.secret.slice('whsec_'.length), 'base64')).toHaveLength(32)
      const { secret, ...endpoint } = created
      expect(endpoint).toMatchObject({ enabled: true, description: 'on-call' })
      expect(await project.getWebhook(created.id)).toEqual(endpoint)
      expect(await project.listWebhooks()).toEqual([endpoint])
      expect(JSON.stringify(await project.listWebhooks())).not.toContain(secret)
      expect(await storedSecret(store, created.id)).toBe(secret)
    })

    it('updates, rotates the secret and deletes', async () => {
      const store = getStore()
      const project = await newProject(store)
      const created = await project.createWebhook({
        url: 'https://hooks.example.com/a',
        eventTypes: ['verdict.unsafe'],
      })
      const updated = await project.updateWebhook(created.id, { enabled: false })
      expect(updated).toMatchObject({ enabled: false, url: 'https://hooks.example.com/a' })
      const rotated = await project.rotateWebhookSecret(created.id)
      expect(rotated).toMatch(SECRET)
      expect(rotated).not.toBe(created.secret)
      expect(await storedSecret(store, created.id)).toBe(rotated)
      expect(await project.deleteWebhook(created.id)).toBe(true)
      expect(await project.deleteWebhook(created.id)).toBe(false)
      expect(await project.rotateWebhookSecret(created.id)).toBeUndefined()
      expect(await project.updateWebhook(created.id, { enabled: true })).toBeUndefined()
      expect(await project.getWebhook('not-a-uuid')).toBeUndefined()
    })

    it('refuses a non-http URL and an empty event list with invalid_argument', async () => {
      const project = await newProject(getStore())
      for (const input of [
        { url: 'ftp://example.com', eventTypes: ['alert.created' as const] },
        { url: 'https://example.com', eventTypes: [] },
      ]) {
        expect((await errorOf(project.createWebhook(input))).code).toBe('invalid_argument')
      }
      expect(await project.listWebhooks()).toEqual([])
    })
  })
}
