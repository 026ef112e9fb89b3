import { PGlite } from '@electric-sql/pglite'
import { createEmbeddedBus, fromPglite, type EmbeddedBus } from '@anansi/bus'
import { DEFAULT_POLICY, EvaluatorSuite } from '@anansi/evaluator'
import { TOPICS, verdictEnvelopeSchema } from '@anansi/protocol'
import { openStore, queryRows, type Store } from '@anansi/store'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ProcessorError, startStreamProcessor, type StreamProcessor } from '../src/index.js'
import {
  BENIGN_ANSWER,
  TOXIC_ANSWER,
  eventually,
  json,
  makeEvent,
  publishEvents,
  readTopic,
} from './fixtures.js'

// The whole pipeline over the embedded log: real PGlite store, real embedded bus, real ONNX models.
// Re-delivery and dead letters run over both buses in pipeline-delivery.test.ts.
describe('stream processor on the embedded log', () => {
  let store: Store
  let busDb: PGlite
  let bus: EmbeddedBus
  let suite: EvaluatorSuite
  let processor: StreamProcessor
  let projectId: string
  const reported: unknown[] = []

  const start = () =>
    startStreamProcessor({
      store,
      bus,
      suite,
      instanceId: 'test-processor',
      eventPartitions: 4,
      settingsTtlMs: 0,
      detectors: { minSamples: 20 },
      report: (error) => reported.push(error),
    })

  const count = async (table: string): Promise<number> => {
    const [row] = await queryRows<{ n: number }>(
      store.db,
      sql`select count(*)::int as n from ${sql.identifier(table)} where project_id = ${projectId}`,
    )
    return row?.n ?? 0
  }

  beforeAll(async () => {
    store = await openStore({ driver: 'pglite' })
    busDb = await PGlite.create()
    bus = createEmbeddedBus({ client: fromPglite(busDb), pollIntervalMs: 20 })
    suite = await EvaluatorSuite.load({ tiers: ['lexical'] })
    projectId = (await store.createProject({ name: 'p', slug: 'p' })).id
    processor = await start()
  })

  afterAll(async () => {
    await processor.stop()
    await bus.close()
    await busDb.close()
    await suite.close()
    await store.close()
  })

  it('decides every event once, stores it, and publishes its verdict', async () => {
    const events = Array.from({ length: 30 }, (_, i) =>
      makeEvent({ output: { type: 'text', text: i === 7 ? TOXIC_ANSWER : BENIGN_ANSWER } }),
    )
    await publishEvents(bus, projectId, events)
    const project = store.forProject(projectId)
    expect(await eventually(async () => (await count('verdicts')) === 30)).toBe(true)
    const toxic = await project.getVerdict(events[7]?.id ?? '')
    expect(toxic?.safe).toBe(false)
    expect(toxic?.action).toBe('block')
    expect(toxic?.evaluations.some((e) => e.evaluator === 'toxicity' && e.flagged)).toBe(true)
    const benign = await project.getVerdict(events[0]?.id ?? '')
    expect(benign?.safe).toBe(true)
    expect(await count('events')).toBe(30)
    const messages = await readTopic(bus, TOPICS.verdicts, 30)
    const ids = messages.map((m) => verdictEnvelopeSchema.parse(json(m)).verdict.eventId)
    expect(new Set(ids)).toEqual(new Set(events.map((e) => e.id)))
  })

  it('raises one alert per event and rule, and enqueues one signed-webhook delivery for it', async () => {
    const project = store.forProject(projectId)
    const webhook = await project.createWebhook({
      url: 'https://hooks.example.com/anansi',
      eventTypes: ['alert.created'],
    })
    const rule = await project.createAlertRule({
      name: 'toxic answer',
      metric: 'evaluator.toxicity.score',
      condition: { type: 'threshold', operator: 'gte', value: 0.5 },
      severity: 'high',
      cooldownSeconds: 0,
      channels: [{ type: 'webhook', webhookId: webhook.id }],
    })
    const toxic = makeEvent({ output: { type: 'text', text: TOXIC_ANSWER } })
    await publishEvents(bus, projectId, [toxic, makeEvent()])
    expect(
      await eventually(async () =>
        (await project.listAlerts()).some((a) => a.eventId === toxic.id),
      ),
    ).toBe(true)
    await publishEvents(bus, projectId, [toxic]) // re-delivered: no second alert, no second webhook
    const marker = makeEvent()
    await publishEvents(bus, projectId, [marker])
    expect(await eventually(async () => (await project.getVerdict(marker.id)) !== undefined)).toBe(
      true,
    )
    const alerts = (await project.listAlerts()).filter((a) => a.ruleId === rule.id)
    expect(alerts).toHaveLength(1)
    expect(alerts[0]?.severity).toBe('high')
    expect(alerts[0]?.message).toContain('evaluator.toxicity.score')
    const deliveries = await project.listDeliveries({ webhookId: webhook.id })
    expect(deliveries).toHaveLength(1)
    expect(deliveries[0]?.eventType).toBe('alert.created')
  })

  it('checkpoints detector state and restores it in the next processor', async () => {
    const model = 'latency-model'
    const steady = Array.from({ length: 60 }, (_, i) =>
      makeEvent({ model: { provider: 'openai', name: model }, latencyMs: 100 + (i % 7) }),
    )
    await publishEvents(bus, projectId, steady)
    expect(
      await eventually(async () => {
        const rows = await store.forProject(projectId).loadDetectorStates([model])
        return rows.some((r) => r.metric === 'latency_ms' && r.samples === 60)
      }),
    ).toBe(true)
    await processor.stop()
    processor = await start() // a fresh process: nothing in memory
    const spike = makeEvent({ model: { provider: 'openai', name: model }, latencyMs: 5_000 })
    await publishEvents(bus, projectId, [spike])
    expect(
      await eventually(
        async () => (await store.forProject(projectId).getVerdict(spike.id)) !== undefined,
      ),
    ).toBe(true)
    const verdict = await store.forProject(projectId).getVerdict(spike.id)
    const latency = verdict?.anomalies.filter((a) => a.metric === 'latency_ms') ?? []
    expect(latency.map((a) => a.method).sort()).toEqual(['robust_zscore', 'zscore'])
    expect(latency[0]?.samples).toBe(60)
    expect(latency[0]?.baseline).toBeGreaterThan(99)
    expect(latency[0]?.baseline).toBeLessThan(107)
  })

  it('a restarted processor keeps an alert rule quiet for the rest of its cooldown', async () => {
    const project = store.forProject(projectId)
    const model = 'cooldown-model'
    const rule = await project.createAlertRule({
      name: 'toxic answer, hourly',
      metric: 'evaluator.toxicity.score',
      model,
      condition: { type: 'threshold', operator: 'gte', value: 0.5 },
      severity: 'medium',
      cooldownSeconds: 3_600,
    })
    const toxic = () =>
      makeEvent({
        model: { provider: 'openai', name: model },
        output: { type: 'text', text: TOXIC_ANSWER },
      })
    const ruleAlerts = async () => (await project.listAlerts()).filter((a) => a.ruleId === rule.id)
    const decided = (id: string) =>
      eventually(async () => (await project.getVerdict(id)) !== undefined)
    const first = toxic()
    await publishEvents(bus, projectId, [first])
    expect(await eventually(async () => (await ruleAlerts()).length === 1)).toBe(true)
    await processor.stop()
    processor = await start() // nothing in memory: the cooldown must come from the store
    const second = toxic()
    await publishEvents(bus, projectId, [second])
    expect(await decided(second.id)).toBe(true)
    expect((await ruleAlerts()).map((a) => a.eventId)).toEqual([first.id])
    // The same rule still fires for another model, whose cooldown never started.
    await project.updateAlertRule(rule.id, { model: 'cooldown-model-2' })
    const other = makeEvent({
      model: { provider: 'openai', name: 'cooldown-model-2' },
      output: { type: 'text', text: TOXIC_ANSWER },
    })
    await publishEvents(bus, projectId, [other])
    expect(await eventually(async () => (await ruleAlerts()).length === 2)).toBe(true)
  })

  it("decides a project's events under that project's policy", async () => {
    // The default policy with thresholds overridden: 1 lets an answer through unless the model is
    // certain; 0 flags everything. The toxic answer also reads as biased, so lenient raises both.
    const withThresholds = (name: string, thresholds: Record<string, number>) => ({
      ...DEFAULT_POLICY,
      name,
      evaluators: {
        ...DEFAULT_POLICY.evaluators,
        ...Object.fromEntries(
          Object.entries(thresholds).map(([evaluator, threshold]) => [
            evaluator,
            { blocks: true, threshold },
          ]),
        ),
      },
    })
    const lenient = await store.createProject({ name: 'lenient', slug: 'lenient' })
    await store.updateProjectSettings(lenient.id, {
      policy: withThresholds('lenient', { toxicity: 1, bias: 1 }),
    })
    const strict = await store.createProject({ name: 'strict', slug: 'strict' })
    await store.updateProjectSettings(strict.id, {
      policy: withThresholds('strict', { toxicity: 0 }),
    })
    const toxic = makeEvent({ output: { type: 'text', text: TOXIC_ANSWER } })
    const benign = makeEvent({ output: { type: 'text', text: BENIGN_ANSWER } })
    const underDefault = makeEvent({ output: { type: 'text', text: TOXIC_ANSWER } })
    await publishEvents(bus, lenient.id, [toxic])
    await publishEvents(bus, strict.id, [benign])
    await publishEvents(bus, projectId, [underDefault])
    const verdictOf = async (project: string, eventId: string) => {
      expect(
        await eventually(
          async () => (await store.forProject(project).getVerdict(eventId)) !== undefined,
        ),
      ).toBe(true)
      return store.forProject(project).getVerdict(eventId)
    }
    const blocked = await verdictOf(projectId, underDefault.id)
    expect(blocked?.safe).toBe(false)
    const allowed = await verdictOf(lenient.id, toxic.id)
    // The models still flag it (stored as they answered); only the project's thresholds let it pass.
    const overridden = allowed?.evaluations.filter(
      (e) => e.evaluator === 'toxicity' || e.evaluator === 'bias',
    )
    expect(overridden?.some((e) => e.flagged)).toBe(true)
    expect(Math.max(...(overridden ?? []).map((e) => e.score))).toBeLessThan(1)
    expect(allowed?.safe).toBe(true)
    expect(allowed?.policy).toBe('lenient')
    const flagged = await verdictOf(strict.id, benign.id)
    expect(flagged?.safe).toBe(false)
    expect(flagged?.action).toBe('block')
    expect(flagged?.policy).toBe('strict')
  })

  it('falls back to the default policy for an invalid stored one, and says why once', async () => {
    const broken = await store.createProject({ name: 'broken', slug: 'broken' })
    await store.updateProjectSettings(broken.id, {
      policy: { evaluators: { toxicity: { threshold: 7 } } }, // thresholds are scores in [0, 1]
    })
    const toxic = makeEvent({ output: { type: 'text', text: TOXIC_ANSWER } })
    const benign = makeEvent({ output: { type: 'text', text: BENIGN_ANSWER } })
    await publishEvents(bus, broken.id, [toxic])
    await publishEvents(bus, broken.id, [benign]) // a second batch reloads the settings (TTL 0)
    const project = store.forProject(broken.id)
    expect(await eventually(async () => (await project.getVerdict(benign.id)) !== undefined)).toBe(
      true,
    )
    expect((await project.getVerdict(toxic.id))?.safe).toBe(false)
    expect((await project.getVerdict(toxic.id))?.policy).toBe('default')
    expect((await project.getVerdict(benign.id))?.safe).toBe(true)
    const policyErrors = reported.filter(
      (error) => error instanceof ProcessorError && error.code === 'invalid_policy',
    )
    expect(policyErrors).toHaveLength(1)
    expect(String(policyErrors[0])).toContain(broken.id)
    expect(String(policyErrors[0])).toContain('threshold')
    reported.splice(0, reported.length, ...reported.filter((e) => !policyErrors.includes(e)))
  })

  it('exposes Prometheus metrics: outcomes, stage timings and consumer lag', async () => {
    const text = await processor.metrics.registry.metrics()
    const decided = /anansi_processor_events_total\{outcome="decided"\} (\d+)/.exec(text)
    expect(Number(decided?.[1])).toBeGreaterThan(0) // the processor restarted: counts since then
    expect(text).toMatch(/anansi_processor_batch_stage_seconds_count\{stage="store"\} [1-9]/)
    expect(text).toMatch(/anansi_processor_consumer_lag\{partition="0"\} 0/)
  })

  it('reports nothing unexpected', () => {
    expect(reported).toEqual([])
  })
})
