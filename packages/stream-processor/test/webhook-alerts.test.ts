import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Bus } from '@anansi/bus'
import { EvaluatorSuite } from '@anansi/evaluator'
import { uuidv7, webhookPayloadSchema } from '@anansi/protocol'
import type { Store } from '@anansi/store'
import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startStreamProcessor, type StreamProcessor, type TopicNames } from '../src/index.js'
import { embeddedTarget, overKafka, type OpenBusTarget } from './bus-targets.js'
import { TOXIC_ANSWER, eventually, makeEvent } from './fixtures.js'
import { publishEventsTo } from './publish.js'

/**
 * Alert → persisted delivery → signed webhook, through the real store queue: a receiver that fails
 * three times and then succeeds gets exactly one successful delivery per alert. Run over the
 * embedded log and over Kafka with PostgreSQL (the fault tests' broker).
 */
function defineWebhookAlertsContract(adapter: string, open: OpenBusTarget): void {
  describe(`alert webhooks through the store queue: ${adapter}`, () => {
    let store: Store
    let bus: Bus
    let close: () => Promise<void>
    let suite: EvaluatorSuite
    const prefix = `webhooks-${uuidv7()}`
    const topics: TopicNames = {
      events: `${prefix}.events`,
      verdicts: `${prefix}.verdicts`,
      eventsDeadLetter: `${prefix}.events.dlq`,
    }
    let processor: StreamProcessor
    let receiver: Server
    let url = ''
    const attempts: { id: string; status: number }[] = []
    const accepted = new Map<string, unknown>()
    let secret = ''

    beforeAll(async () => {
      ;({ bus, store, close } = await open())
      suite = await EvaluatorSuite.load({ tiers: ['lexical'], only: ['toxicity'] })
      receiver = createServer((request, response) => {
        const chunks: Buffer[] = []
        request.on('data', (chunk: Buffer) => chunks.push(chunk))
        request.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8')
          const id = String(request.headers['webhook-id'])
          const failing = attempts.filter((a) => a.id === id).length < 3
          const status = failing ? 503 : 200
          attempts.push({ id, status })
          if (!failing) {
            const headers = Object.fromEntries(
              Object.entries(request.headers).map(([k, v]) => [k, String(v)]),
            )
            // Throws on a bad signature, which fails the delivery and the test.
            accepted.set(id, new Webhook(secret).verify(body, headers))
          }
          response.writeHead(status).end()
        })
      })
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
      url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`
      processor = await startStreamProcessor({
        store,
        bus,
        suite,
        instanceId: 'webhook-test',
        topics,
        groupId: prefix,
        eventPartitions: 2,
        settingsTtlMs: 0,
        webhooks: { allowPrivate: true, pollIntervalMs: 50, backoff: { baseMs: 20, maxMs: 100 } },
      })
    })

    afterAll(async () => {
      await processor.stop()
      await new Promise<void>((resolve) => receiver.close(() => resolve()))
      await suite.close()
      await close()
    })

    it('retries a failing receiver with backoff and delivers each alert exactly once, signed', async () => {
      const projectId = (await store.createProject({ name: 'hooks', slug: prefix })).id
      const project = store.forProject(projectId)
      const webhook = await project.createWebhook({ url, eventTypes: ['alert.created'] })
      secret = webhook.secret
      await project.createAlertRule({
        name: 'toxic',
        metric: 'evaluator.toxicity.score',
        condition: { type: 'threshold', operator: 'gte', value: 0.5 },
        severity: 'critical',
        cooldownSeconds: 0,
        channels: [{ type: 'webhook', webhookId: webhook.id }],
      })
      const toxic = [1, 2].map(() => makeEvent({ output: { type: 'text', text: TOXIC_ANSWER } }))
      await publishEventsTo(bus, topics.events, projectId, toxic)
      expect(await eventually(() => accepted.size === 2, 30_000)).toBe(true)
      await publishEventsTo(bus, topics.events, projectId, toxic) // re-delivered events: no new alert, no new delivery
      await new Promise((resolve) => setTimeout(resolve, 1_000))

      expect(accepted.size).toBe(2)
      const successes = attempts.filter((a) => a.status === 200)
      expect(successes).toHaveLength(2)
      expect(attempts).toHaveLength(8) // 3 failures + 1 success per alert
      for (const payload of accepted.values()) {
        const parsed = webhookPayloadSchema.parse(payload)
        expect(parsed.type).toBe('alert.created')
        if (parsed.type === 'alert.created') expect(parsed.data.alert.severity).toBe('critical')
      }
      const log = await project.listDeliveries({ webhookId: webhook.id })
      expect(log.map((d) => [d.status, d.attempts, d.lastStatusCode])).toEqual([
        ['succeeded', 4, 200],
        ['succeeded', 4, 200],
      ])
    })
  })
}

defineWebhookAlertsContract('embedded log on PGlite', embeddedTarget)
overKafka((open) => defineWebhookAlertsContract('Kafka and PostgreSQL', open))
