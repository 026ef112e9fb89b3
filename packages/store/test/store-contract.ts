import { deepStrictEqual } from 'node:assert/strict'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { StoreError, hashApiKey, queryRows, type ProjectStore, type Store } from '../src/index.js'
import { defineAlertingContract } from './alerting-contract.js'
import { defineDeliveryQueueContract } from './delivery-queue-contract.js'
import {
  makeAlert,
  makeBatch,
  makeEvaluation,
  makeEvent,
  makeRuleInput,
  makeVerdict,
  newProject,
  uniqueSlug,
} from './fixtures.js'
import { defineProcessedBatchContract } from './processed-batch-contract.js'
import { defineProjectSettingsContract } from './project-settings-contract.js'
import { checkTestRunIsolation, defineTestRunsContract } from './test-runs-contract.js'

/** Every table the product needs (DESIGN.md, issue "Foundation"). */
export const EXPECTED_TABLES = [
  'ai_models',
  'alert_rules',
  'alerts',
  'api_keys',
  'api_usage',
  'detector_state',
  'discussions',
  'evaluations',
  'events',
  'model_scores',
  'project_members',
  'projects',
  'submission_votes',
  'test_results',
  'test_runs',
  'test_scenarios',
  'test_submissions',
  'users',
  'verdicts',
  'webhook_deliveries',
  'webhooks',
]

async function tableNames(store: Store): Promise<string[]> {
  const rows = await queryRows<{ table_name: string }>(
    store.db,
    sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
  )
  return rows.map((r) => r.table_name)
}

/**
 * The one behavioural suite every store driver must pass (the drizzle pattern: one suite, many
 * drivers). `open` returns a migrated store on an empty database.
 */
export function defineStoreContract(driver: string, open: () => Promise<Store>): void {
  describe(`store contract: ${driver}`, () => {
    let store: Store
    beforeAll(async () => {
      store = await open()
    })
    afterAll(async () => {
      await store.close()
    })

    it('answers a ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined()
    })

    describe('migrations', () => {
      it('creates every table from an empty database', async () => {
        const names = await tableNames(store)
        for (const table of EXPECTED_TABLES) expect(names).toContain(table)
      })

      it('is idempotent: migrating again changes nothing', async () => {
        const before = await tableNames(store)
        await store.migrate()
        await store.migrate()
        expect(await tableNames(store)).toEqual(before)
      })
    })

    describe('projects and API keys', () => {
      it('refuses a duplicate project slug with a typed error', async () => {
        const slug = uniqueSlug('dup')
        await store.createProject({ name: 'One', slug })
        const error: unknown = await store
          .createProject({ name: 'Two', slug })
          .catch((e: unknown) => e)
        expect(error).toBeInstanceOf(StoreError)
        expect((error as StoreError).code).toBe('query_failed')
      })

      it('stores only a hash and a prefix, and shows the plaintext once', async () => {
        const project = await newProject(store)
        const { plaintext, key } = await project.createApiKey({ name: 'sdk', scopes: ['ingest'] })
        expect(plaintext).toMatch(/^ansk_[0-9a-z]{12}_[A-Za-z0-9_-]{43}$/)
        const row = JSON.stringify(
          await queryRows(store.db, sql`select * from api_keys where id = ${key.id}`),
        )
        expect(row).toContain(key.prefix)
        // The secret is base64url and may itself contain "_": cut it out by the known prefix length.
        const secret = plaintext.slice(`ansk_${key.prefix}_`.length)
        expect(secret).toHaveLength(43)
        expect(row).not.toContain(secret)
        expect(row).toContain(hashApiKey(plaintext))
        expect(JSON.stringify(await project.listApiKeys())).not.toContain(hashApiKey(plaintext))
      })

      it('stores names with NUL characters instead of failing (found by the API fuzzer)', async () => {
        const project = await newProject(store)
        const { key } = await project.createApiKey({ name: 'a\u0000b', scopes: ['read'] })
        expect(key.name).toBe('a\uFFFDb')
      })

      it('verifies a key to its project and scopes, and nothing else', async () => {
        const project = await newProject(store)
        const { plaintext, key } = await project.createApiKey({
          name: 'admin',
          scopes: ['read', 'admin'],
        })
        expect(await store.verifyApiKey(plaintext)).toEqual({
          keyId: key.id,
          projectId: project.projectId,
          scopes: ['read', 'admin'],
        })
        const tampered = plaintext.slice(0, -1) + (plaintext.endsWith('A') ? 'B' : 'A')
        expect(await store.verifyApiKey(tampered)).toBeUndefined()
        expect(await store.verifyApiKey('ansk_nope')).toBeUndefined()
        expect(await store.verifyApiKey('')).toBeUndefined()
      })

      it('rejects revoked and expired keys', async () => {
        const project = await newProject(store)
        const revoked = await project.createApiKey({ name: 'r', scopes: ['ingest'] })
        expect(await project.revokeApiKey(revoked.key.id)).toBe(true)
        expect(await project.revokeApiKey(revoked.key.id)).toBe(false)
        expect(await store.verifyApiKey(revoked.plaintext)).toBeUndefined()
        const expired = await project.createApiKey({
          name: 'e',
          scopes: ['ingest'],
          expiresAt: new Date(Date.now() - 1000),
        })
        expect(await store.verifyApiKey(expired.plaintext)).toBeUndefined()
      })
    })

    describe('events', () => {
      it('inserts idempotently by id: duplicates in the batch and across calls change nothing', async () => {
        const project = await newProject(store)
        const a = makeEvent()
        const b = makeEvent()
        expect(await project.insertEvents([a, b, a])).toEqual(['inserted', 'inserted', 'duplicate'])
        const altered = { ...a, output: { type: 'text' as const, text: 'changed' } }
        expect(await project.insertEvents([altered, { ...b, id: b.id.toUpperCase() }])).toEqual([
          'duplicate',
          'duplicate',
        ])
        deepStrictEqual((await project.getEvent(a.id))?.event, a)
      })

      it('lets exactly one of many concurrent inserts of the same id win', async () => {
        const project = await newProject(store)
        const event = makeEvent()
        const outcomes = await Promise.all(
          Array.from({ length: 25 }, () => project.insertEvents([event])),
        )
        expect(outcomes.flat().filter((o) => o === 'inserted')).toHaveLength(1)
        expect(await project.listEvents()).toHaveLength(1)
      })

      it('reads back a full event unchanged', async () => {
        const project = await newProject(store)
        const event = makeEvent({
          context: [{ id: 'd1', content: 'Paris is in France.' }],
          traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
          spanId: '00f067aa0ba902b7',
          userId: 'u-1',
          gate: { mode: 'block', timeoutMs: 200, onTimeout: 'allow' },
          timestamp: '2026-11-25T18:00:00.123Z',
        })
        await project.insertEvents([event])
        deepStrictEqual((await project.getEvent(event.id))?.event, event)
      })

      it('stores NUL characters and lone surrogates as U+FFFD instead of failing the batch', async () => {
        const project = await newProject(store)
        const event = makeEvent({
          output: { type: 'text', text: 'a\u0000b \ud800 c' },
          metadata: { 'k\u0000': 'v' },
        })
        expect(await project.insertEvents([event])).toEqual(['inserted'])
        const stored = await project.getEvent(event.id)
        expect(stored?.event.output).toEqual({ type: 'text', text: 'a\uFFFDb \uFFFD c' })
        expect(stored?.event.metadata).toEqual({ 'k\uFFFD': 'v' })
      })

      it('lists newest first with filters and a keyset cursor', async () => {
        const project = await newProject(store)
        const base = Date.parse('2026-11-25T10:00:00Z')
        const all = Array.from({ length: 7 }, (_, i) =>
          makeEvent({
            timestamp: new Date(base + i * 1000).toISOString(),
            model: { provider: 'openai', name: i % 2 ? 'a' : 'b' },
          }),
        )
        await project.insertEvents(all)
        const page1 = await project.listEvents({ limit: 3 })
        expect(page1.map((e) => e.event.id)).toEqual([all[6], all[5], all[4]].map((e) => e?.id))
        const last = page1[2]?.event
        const page2 = await project.listEvents({
          limit: 3,
          before: { timestamp: last?.timestamp ?? '', id: last?.id ?? '' },
        })
        expect(page2.map((e) => e.event.id)).toEqual([all[3], all[2], all[1]].map((e) => e?.id))
        expect(
          (await project.listEvents({ model: 'a' })).every((e) => e.event.model.name === 'a'),
        ).toBe(true)
        expect(await project.listEvents({ model: 'a' })).toHaveLength(3)
      })
    })

    describe('verdicts and evaluations', () => {
      it('records a verdict with its evaluations once; re-delivery adds no rows', async () => {
        const project = await newProject(store)
        const event = makeEvent()
        await project.insertEvents([event])
        const verdict = makeVerdict(event.id, [
          makeEvaluation(),
          makeEvaluation({
            evaluator: 'pii',
            tier: 'rule',
            score: 0,
            label: 'none',
            flagged: false,
          }),
        ])
        expect(await project.recordVerdict(verdict)).toBe('inserted')
        expect(
          await project.recordVerdict({
            ...verdict,
            evaluations: [makeEvaluation({ evaluator: 'bias' })],
          }),
        ).toBe('duplicate')
        deepStrictEqual(await project.getVerdict(event.id), verdict)
        expect((await project.listEvaluations(event.id)).map((e) => e.evaluator)).toEqual([
          'pii',
          'toxicity',
        ])
      })

      it('lists verdicts decided after a given event, for resuming subscriptions', async () => {
        const project = await newProject(store)
        const events = [makeEvent(), makeEvent(), makeEvent()]
        await project.insertEvents(events)
        const base = Date.parse('2026-11-25T12:00:00Z')
        for (const [i, e] of events.entries()) {
          await project.recordVerdict({
            ...makeVerdict(e.id),
            decidedAt: new Date(base + i * 1000).toISOString(),
          })
        }
        expect(
          (await project.listVerdictsAfter(events[0]?.id ?? '')).map((v) => v.eventId),
        ).toEqual([events[1]?.id, events[2]?.id])
        expect(await project.listVerdictsAfter(makeEvent().id)).toHaveLength(3)
      })

      it('keeps verdicts decided in the same instant as the anchor, and pages through them', async () => {
        const project = await newProject(store)
        const events = Array.from({ length: 9 }, () => makeEvent())
        await project.insertEvents(events)
        // Three instants, three verdicts each: the anchor shares its instant with two others.
        const at = (i: number) => new Date(Date.parse('2026-11-25T12:00:00Z') + Math.floor(i / 3))
        for (const [i, e] of events.entries())
          await project.recordVerdict({ ...makeVerdict(e.id), decidedAt: at(i).toISOString() })
        const order = events
          .map((e, i) => ({ id: e.id.toLowerCase(), at: at(i).getTime() }))
          .sort((x, y) => x.at - y.at || (x.id < y.id ? -1 : 1))
          .map((x) => x.id)
        const anchor = order[1] ?? ''
        expect(
          (await project.listVerdictsAfter(anchor.toUpperCase())).map((v) =>
            v.eventId.toLowerCase(),
          ),
        ).toEqual(order.slice(2))
        const paged: string[] = []
        let page = await project.listVerdictsAfter(anchor, 2)
        while (page.length > 0) {
          paged.push(...page.map((v) => v.eventId.toLowerCase()))
          page = await project.listVerdictsAfter(page.at(-1)?.eventId ?? '', 2)
        }
        expect(paged).toEqual(order.slice(2))
        // An anchor that cannot be an event id reads from the start instead of failing the query.
        expect(await project.listVerdictsAfter('not-a-uuid')).toHaveLength(9)
      })

      it('refuses a verdict for an event the project does not have', async () => {
        const project = await newProject(store)
        const error: unknown = await project
          .recordVerdict(makeVerdict(makeEvent().id))
          .catch((e: unknown) => e)
        expect(error).toBeInstanceOf(StoreError)
      })

      it('deleting a project removes its verdicts and evaluations through their event key', async () => {
        const project = await newProject(store)
        const event = makeEvent()
        await project.insertEvents([event])
        await project.recordVerdict(makeVerdict(event.id, [makeEvaluation()]))
        const count = async (table: 'verdicts' | 'evaluations') => {
          const [row] = await queryRows<{ n: number }>(
            store.db,
            sql`select count(*)::int as n from ${sql.identifier(table)} where project_id = ${project.projectId}`,
          )
          return row?.n
        }
        expect([await count('verdicts'), await count('evaluations')]).toEqual([1, 1])
        await queryRows(store.db, sql`delete from projects where id = ${project.projectId}`)
        expect([await count('verdicts'), await count('evaluations')]).toEqual([0, 0])
      })

      it('keeps concurrent re-deliveries of one verdict to a single row', async () => {
        const project = await newProject(store)
        const event = makeEvent()
        await project.insertEvents([event])
        const outcomes = await Promise.all(
          Array.from({ length: 10 }, () => project.recordVerdict(makeVerdict(event.id))),
        )
        expect(outcomes.filter((o) => o === 'inserted')).toHaveLength(1)
        expect(await project.listEvaluations(event.id)).toHaveLength(1)
      })
    })

    defineAlertingContract(() => store)
    defineProcessedBatchContract(() => store)
    defineDeliveryQueueContract(() => store)
    defineProjectSettingsContract(() => store)
    defineTestRunsContract(() => store)

    describe('tenant isolation', () => {
      // If ProjectStore gains a method, this list (and the checks below) must grow with it.
      const COVERED: (keyof ProjectStore)[] = [
        'projectId',
        'insertEvents',
        'existingEventIds',
        'getEvent',
        'listEvents',
        'recordVerdict',
        'getVerdict',
        'getVerdicts',
        'listVerdictsAfter',
        'listEvaluations',
        'recordProcessed',
        'loadDetectorStates',
        'createAlertRule',
        'listAlertRules',
        'getAlertRule',
        'updateAlertRule',
        'deleteAlertRule',
        'listAlerts',
        'lastRuleFirings',
        'getAlert',
        'acknowledgeAlert',
        'resolveAlert',
        'createWebhook',
        'listWebhooks',
        'getWebhook',
        'updateWebhook',
        'deleteWebhook',
        'rotateWebhookSecret',
        'listDeliveries',
        'createTestRun',
        'getTestRun',
        'listTestRuns',
        'updateTestRun',
        'recordTestResults',
        'listTestResults',
        'createApiKey',
        'listApiKeys',
        'revokeApiKey',
      ]

      it('covers every ProjectStore method', async () => {
        const project = await newProject(store)
        expect(Object.keys(project).sort()).toEqual([...COVERED].sort())
      })

      it('never lets project B see or change project A through any repository function', async () => {
        const a = await newProject(store)
        const b = await newProject(store)
        const event = makeEvent()
        await a.insertEvents([event])
        await a.recordVerdict(makeVerdict(event.id))
        const keyA = await a.createApiKey({ name: 'a', scopes: ['admin'] })

        expect(await b.getEvent(event.id)).toBeUndefined()
        expect(await b.existingEventIds([event.id])).toEqual(new Set())
        expect(await a.existingEventIds([event.id.toUpperCase(), makeEvent().id])).toEqual(
          new Set([event.id.toLowerCase()]),
        )
        expect(await b.listEvents()).toEqual([])
        expect(await b.listEvents({ model: event.model.name })).toEqual([])
        expect(await b.getVerdict(event.id)).toBeUndefined()
        expect(await b.listVerdictsAfter(event.id)).toEqual([])
        expect(await b.listEvaluations(event.id)).toEqual([])
        expect(await b.listApiKeys()).toEqual([])
        expect(await b.revokeApiKey(keyA.key.id)).toBe(false)
        expect((await store.verifyApiKey(keyA.plaintext))?.projectId).toBe(a.projectId)
        // B cannot attach a verdict to A's event, and the same id in B is B's own, new event.
        await expect(b.recordVerdict(makeVerdict(event.id))).rejects.toBeInstanceOf(StoreError)
        expect(await b.insertEvents([event])).toEqual(['inserted'])
        expect(await a.getVerdict(event.id)).toBeDefined()
        expect(await b.getVerdict(event.id)).toBeUndefined()
      })

      it("never lets project B see or change project A's test runs or results", async () => {
        await checkTestRunIsolation(store)
      })

      it("never lets project B see or change project A's alerting rows", async () => {
        const a = await newProject(store)
        const b = await newProject(store)
        const webhook = await a.createWebhook({
          url: 'https://a.example/hook',
          eventTypes: ['alert.created', 'verdict.unsafe'],
        })
        const channels = [{ type: 'webhook' as const, webhookId: webhook.id }]
        const rule = await a.createAlertRule(makeRuleInput({ channels }))
        const event = makeEvent()
        const detector = {
          model: event.model.name,
          metric: 'latency_ms',
          method: 'zscore' as const,
          state: { mean: 1 },
          samples: 3,
        }
        const outcome = await a.recordProcessed(
          makeBatch([event], {
            alerts: [makeAlert(event.id, { ruleId: rule.id })],
            detectorStates: [detector],
          }),
        )
        const alert = outcome.insertedAlerts[0]
        expect(outcome.enqueuedDeliveries).toBe(2)
        const alertId = alert?.id ?? ''

        expect(await b.getVerdicts([event.id])).toEqual(new Map())
        expect(await b.loadDetectorStates([event.model.name])).toEqual([])
        expect(await b.listAlertRules()).toEqual([])
        expect(await b.getAlertRule(rule.id)).toBeUndefined()
        expect(await b.updateAlertRule(rule.id, { enabled: false })).toBeUndefined()
        expect(await b.deleteAlertRule(rule.id)).toBe(false)
        expect(await b.listAlerts()).toEqual([])
        const firings = await a.lastRuleFirings([rule.id, rule.id], [alert?.model ?? '', 'other'])
        expect(firings.map(({ ruleId, model }) => ({ ruleId, model }))).toEqual([
          { ruleId: rule.id, model: alert?.model },
        ])
        expect(firings[0]?.at).toBeInstanceOf(Date)
        expect(await b.lastRuleFirings([rule.id], [alert?.model ?? ''])).toEqual([])
        expect(await b.acknowledgeAlert(alertId)).toBeUndefined()
        expect(await b.resolveAlert(alertId)).toBeUndefined()
        expect(await b.listWebhooks()).toEqual([])
        expect(await b.getWebhook(webhook.id)).toBeUndefined()
        expect(await b.updateWebhook(webhook.id, { enabled: false })).toBeUndefined()
        expect(await b.rotateWebhookSecret(webhook.id)).toBeUndefined()
        expect(await b.deleteWebhook(webhook.id)).toBe(false)
        expect(await b.listDeliveries()).toEqual([])
        expect(await b.listDeliveries({ webhookId: webhook.id })).toEqual([])
        // B cannot route its rules to A's endpoint, nor fire A's rule into A's endpoint.
        const foreign = b.createAlertRule(makeRuleInput({ channels }))
        await expect(foreign).rejects.toMatchObject({ code: 'invalid_reference' })
        const b2 = await b.recordProcessed(
          makeBatch([event], { alerts: [makeAlert(event.id, { ruleId: rule.id })] }),
        )
        expect(b2.insertedAlerts[0]?.ruleId).toBeUndefined()
        expect(b2.enqueuedDeliveries).toBe(0)
        // And the same dedupe key, detector key and event id in B are B's own rows.
        expect(b2.insertedVerdicts).toEqual([event.id])
        await b.recordProcessed(makeBatch([], { detectorStates: [{ ...detector, samples: 99 }] }))

        // A's rows are all still there and unchanged.
        expect(await a.getAlertRule(rule.id)).toEqual(rule)
        expect(await a.getAlert(alertId)).toEqual(alert)
        expect(await a.getWebhook(webhook.id)).toMatchObject({ enabled: true })
        expect(await a.listDeliveries()).toHaveLength(2)
        deepStrictEqual(await a.loadDetectorStates([event.model.name]), [detector])
        expect((await a.getVerdicts([event.id])).size).toBe(1)
        const [job] = (await store.claimDueDeliveries({ limit: 1000, leaseMs: 0 })).filter(
          (j) => j.webhookId === webhook.id,
        )
        expect(job?.secret).toBe(webhook.secret)
      })
    })
  })
}
