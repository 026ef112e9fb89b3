import {
  alertRuleSchema,
  alertSchema,
  errorBodySchema,
  uuidv7,
  webhookCreatedSchema,
  webhookDeliverySchema,
  webhookEndpointSchema,
  type LlmEvent,
} from '@anansi/protocol'
import { webhooks, type NewAlert, type ProcessedBatch } from '@anansi/store'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { blockedVerdict, headers, openHarness, type Harness } from './harness.js'

let h: Harness
let app: ReturnType<Harness['api']>['app']
beforeAll(async () => {
  h = await openHarness()
  app = h.api().app
})
afterAll(async () => {
  await h.close()
})

const UNKNOWN = '00000000-0000-4000-8000-000000000000'
const page = z.strictObject({
  alerts: z.array(alertSchema),
  nextCursor: z.strictObject({ before: z.string(), beforeId: z.string() }).nullable(),
})
const ruleList = z.strictObject({ rules: z.array(alertRuleSchema) })
const webhookList = z.strictObject({ webhooks: z.array(webhookEndpointSchema) })
const deliveryList = z.strictObject({ deliveries: z.array(webhookDeliverySchema) })

async function call(method: string, path: string, key: string | undefined, body?: unknown) {
  const res = await app.request(path, {
    method,
    headers: headers(key),
    ...(body === undefined || method === 'GET' ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  return { status: res.status, text, body: (text === '' ? undefined : JSON.parse(text)) as unknown }
}

/** Asserts an error answer in the protocol's body; returns its issues' paths and codes. */
function expectError(res: { status: number; body: unknown }, status: number, code: string) {
  expect(res.status).toBe(status)
  const { error } = errorBodySchema.parse(res.body)
  expect(error.code).toBe(code)
  return (error.details?.issues ?? []).map((issue) => ({ path: issue.path, code: issue.code }))
}

const ruleBody = (patch: Record<string, unknown> = {}) => ({
  name: 'Toxicity spike',
  metric: 'evaluator.toxicity.score',
  condition: { type: 'zscore', threshold: 3 },
  severity: 'high',
  ...patch,
})
const webhookBody = (patch: Record<string, unknown> = {}) => ({
  url: 'https://hooks.example.com/anansi',
  eventTypes: ['alert.created', 'verdict.unsafe'],
  ...patch,
})

async function createWebhook(key: string, patch: Record<string, unknown> = {}) {
  const res = await call('POST', '/v1/webhooks', key, webhookBody(patch))
  expect(res.status).toBe(201)
  return webhookCreatedSchema.parse(res.body)
}
async function createRule(key: string, patch: Record<string, unknown> = {}) {
  const res = await call('POST', '/v1/alert-rules', key, ruleBody(patch))
  expect(res.status).toBe(201)
  return alertRuleSchema.parse(res.body)
}

/** A processed batch of `n` events with unsafe verdicts and one alert per event (the store's input). */
function processed(n: number, alert: Partial<NewAlert> = {}): ProcessedBatch {
  const events = Array.from({ length: n }, (): LlmEvent => ({
    id: uuidv7(),
    timestamp: new Date().toISOString(),
    model: { provider: 'openai', name: 'gpt-4o' },
    category: 'chatbot',
    input: { type: 'text', text: 'hello' },
    output: { type: 'text', text: 'a toxic answer' },
    status: 'ok',
  }))
  return {
    events: events.map((event) => ({ event, receivedAt: new Date().toISOString() })),
    verdicts: events.map((event) => blockedVerdict(event.id)),
    alerts: events.map((event) => ({
      dedupeKey: `${alert.ruleId ?? 'none'}:${event.id}`,
      severity: 'high',
      metric: 'evaluator.toxicity.score',
      model: 'gpt-4o',
      value: 0.97,
      message: 'Toxicity score 0.97 is 4.2 standard deviations above its baseline',
      eventId: event.id,
      ...alert,
    })),
    detectorStates: [],
  }
}

/** A project of its own (so counts and pages are exact), with an admin and a read key. */
async function freshProject() {
  const project = await h.store.createProject({ name: 'fresh', slug: `fresh-${uuidv7()}` })
  const store = h.store.forProject(project.id)
  const key = async (scope: 'admin' | 'read') =>
    (await store.createApiKey({ name: scope, scopes: [scope] })).plaintext
  return { id: project.id, store, admin: await key('admin'), read: await key('read') }
}

async function storedSecret(webhookId: string): Promise<string | undefined> {
  const rows = await h.store.db.select({ id: webhooks.id, secret: webhooks.secret }).from(webhooks)
  return rows.find((row) => row.id === webhookId)?.secret
}

describe('/v1/alert-rules', () => {
  it('creates, lists, reads, patches and deletes a rule', async () => {
    const rule = await createRule(h.keys.a.admin, { model: 'gpt-4o' })
    expect(rule).toEqual({
      id: rule.id,
      ...ruleBody({ model: 'gpt-4o' }),
      cooldownSeconds: 300,
      channels: [],
      enabled: true,
    })
    const listed = ruleList.parse((await call('GET', '/v1/alert-rules', h.keys.a.read)).body)
    expect(listed.rules).toContainEqual(rule)
    const read = await call('GET', `/v1/alert-rules/${rule.id}`, h.keys.a.read)
    expect(alertRuleSchema.parse(read.body)).toEqual(rule)

    const patched = await call('PATCH', `/v1/alert-rules/${rule.id}`, h.keys.a.admin, {
      enabled: false,
      condition: { type: 'threshold', operator: 'gt', value: 0.9 },
    })
    expect(patched.status).toBe(200)
    const changed = {
      ...rule,
      enabled: false,
      condition: { type: 'threshold', operator: 'gt', value: 0.9 },
    }
    expect(alertRuleSchema.parse(patched.body)).toEqual(changed)
    expect((await call('GET', `/v1/alert-rules/${rule.id}`, h.keys.a.read)).body).toEqual(changed)

    const deleted = await call('DELETE', `/v1/alert-rules/${rule.id}`, h.keys.a.admin)
    expect(deleted).toMatchObject({ status: 204, text: '' })
    expectError(await call('GET', `/v1/alert-rules/${rule.id}`, h.keys.a.read), 404, 'not_found')
    expectError(
      await call('DELETE', `/v1/alert-rules/${rule.id}`, h.keys.a.admin),
      404,
      'not_found',
    )
  })

  it('answers invalid bodies and ids with 400 and the failing paths, unknown ids with 404', async () => {
    const rule = await createRule(h.keys.a.admin)
    const bad = await call('POST', '/v1/alert-rules', h.keys.a.admin, {
      ...ruleBody({ severity: 'apocalyptic' }),
      cooldownSeconds: -1,
    })
    expect(expectError(bad, 400, 'validation_failed').map((i) => i.path)).toEqual(
      expect.arrayContaining([
        ['body', 'severity'],
        ['body', 'cooldownSeconds'],
      ]),
    )
    const empty = await call('PATCH', `/v1/alert-rules/${rule.id}`, h.keys.a.admin, {})
    expect(expectError(empty, 400, 'validation_failed')[0]?.path).toEqual(['body'])
    const malformed = await call('GET', '/v1/alert-rules/not-a-uuid', h.keys.a.read)
    expect(expectError(malformed, 400, 'validation_failed')[0]?.path).toEqual(['params', 'id'])
    const unknown = `/v1/alert-rules/${UNKNOWN}`
    expectError(await call('GET', unknown, h.keys.a.read), 404, 'not_found')
    expectError(await call('PATCH', unknown, h.keys.a.admin, { enabled: false }), 404, 'not_found')
    expect((await call('GET', `/v1/alert-rules/${rule.id}`, h.keys.a.read)).body).toEqual(rule)
  })

  it("refuses channels naming another project's webhook, or none, with invalid_reference", async () => {
    const theirs = await createWebhook(h.keys.b.admin)
    const ours = await createWebhook(h.keys.a.admin)
    const channels = (...ids: string[]) => ids.map((webhookId) => ({ type: 'webhook', webhookId }))
    const foreign = await call(
      'POST',
      '/v1/alert-rules',
      h.keys.a.admin,
      ruleBody({ channels: channels(ours.id, theirs.id, UNKNOWN) }),
    )
    expect(expectError(foreign, 400, 'validation_failed')).toEqual([
      { path: ['body', 'channels', 1, 'webhookId'], code: 'invalid_reference' },
      { path: ['body', 'channels', 2, 'webhookId'], code: 'invalid_reference' },
    ])
    const rule = await createRule(h.keys.a.admin, { channels: channels(ours.id.toUpperCase()) })
    expect(rule.channels).toEqual(channels(ours.id))
    const patch = { channels: channels(theirs.id) }
    const patched = await call('PATCH', `/v1/alert-rules/${rule.id}`, h.keys.a.admin, patch)
    expect(expectError(patched, 400, 'validation_failed')[0]?.code).toBe('invalid_reference')
    expect((await call('GET', `/v1/alert-rules/${rule.id}`, h.keys.a.read)).body).toEqual(rule)
  })
})

describe('/v1/alerts', () => {
  it('pages through alerts newest first with the cursor, and filters by status', async () => {
    const p = await freshProject()
    // Five alerts share one creation time (one batch), two are older: the cursor must split ties.
    await p.store.recordProcessed(processed(2, { createdAt: '2024-01-01T00:00:00.000Z' }))
    await p.store.recordProcessed(processed(5))
    const all = page.parse((await call('GET', '/v1/alerts?limit=200', p.read)).body)
    expect(all.alerts).toHaveLength(7)
    expect(all.nextCursor).toBeNull()
    const seen: string[] = []
    let query = 'limit=3'
    for (let i = 0; i < 5; i += 1) {
      const res = page.parse((await call('GET', `/v1/alerts?${query}`, p.read)).body)
      seen.push(...res.alerts.map((alert) => alert.id))
      if (res.nextCursor === null) break
      query = `limit=3&before=${res.nextCursor.before}&beforeId=${res.nextCursor.beforeId}`
    }
    expect(seen).toEqual(all.alerts.map((alert) => alert.id))
    const times = all.alerts.map((alert) => Date.parse(alert.createdAt))
    expect(times).toEqual([...times].sort((x, y) => y - x))

    const first = all.alerts[0]?.id ?? ''
    await call('POST', `/v1/alerts/${first}/resolve`, p.admin)
    const resolved = page.parse((await call('GET', '/v1/alerts?status=resolved', p.read)).body)
    expect(resolved.alerts.map((alert) => alert.id)).toEqual([first])
    const open = page.parse((await call('GET', '/v1/alerts?status=open', p.read)).body)
    expect(open.alerts.map((alert) => alert.id)).not.toContain(first)
    expect(open.alerts).toHaveLength(6)
  })

  it('acknowledges and resolves idempotently; reads one alert', async () => {
    const p = await freshProject()
    const { insertedAlerts } = await p.store.recordProcessed(processed(1))
    const id = insertedAlerts[0]?.id ?? ''
    const read = await call('GET', `/v1/alerts/${id}`, p.read)
    expect(alertSchema.parse(read.body)).toMatchObject({ id, status: 'open' })
    const acked = alertSchema.parse((await call('POST', `/v1/alerts/${id}/ack`, p.admin)).body)
    expect(acked.status).toBe('acknowledged')
    expect(acked.acknowledgedAt).toBeDefined()
    const again = alertSchema.parse((await call('POST', `/v1/alerts/${id}/ack`, p.admin)).body)
    expect(again).toEqual(acked)
    const resolved = await call('POST', `/v1/alerts/${id}/resolve`, p.admin)
    expect(alertSchema.parse(resolved.body)).toEqual({ ...acked, status: 'resolved' })
    const twice = await call('POST', `/v1/alerts/${id}/resolve`, p.admin)
    expect(twice.body).toEqual(resolved.body)
    const ackAfter = await call('POST', `/v1/alerts/${id}/ack`, p.admin)
    expect(alertSchema.parse(ackAfter.body).status).toBe('resolved')
    expect((await call('GET', `/v1/alerts/${id}`, p.read)).body).toEqual(resolved.body)
  })

  it('validates ids and queries, and answers unknown alerts with 404', async () => {
    const a = h.keys.a
    expectError(await call('GET', `/v1/alerts/${UNKNOWN}`, a.read), 404, 'not_found')
    expectError(await call('POST', `/v1/alerts/${UNKNOWN}/ack`, a.admin), 404, 'not_found')
    expectError(await call('POST', `/v1/alerts/${UNKNOWN}/resolve`, a.admin), 404, 'not_found')
    const malformed = await call('POST', '/v1/alerts/x/ack', a.admin)
    expect(expectError(malformed, 400, 'validation_failed')[0]?.path).toEqual(['params', 'id'])
    const paths = async (query: string) =>
      expectError(await call('GET', `/v1/alerts?${query}`, a.read), 400, 'validation_failed').map(
        (issue) => issue.path,
      )
    expect(await paths('status=sleeping')).toEqual([['query', 'status']])
    expect(await paths('limit=0')).toEqual([['query', 'limit']])
    expect(await paths('limit=201')).toEqual([['query', 'limit']])
    expect(await paths('before=yesterday')).toEqual([['query', 'before']])
    expect(await paths('before=0000-01-01T00:00:00Z')).toEqual([['query', 'before']])
    expect(await paths(`beforeId=${UNKNOWN}`)).toEqual([['query', 'beforeId']])
  })
})

describe('/v1/webhooks', () => {
  it('shows the secret once on create and once on rotate, never on read or list', async () => {
    const created = await createWebhook(h.keys.a.admin, { description: 'ops' })
    expect(created.secret).toMatch(/^whsec_/)
    expect(await storedSecret(created.id)).toBe(created.secret)
    const { secret, ...endpoint } = created
    const list = await call('GET', '/v1/webhooks', h.keys.a.admin)
    expect(webhookList.parse(list.body).webhooks).toContainEqual(endpoint)
    const read = await call('GET', `/v1/webhooks/${created.id}`, h.keys.a.admin)
    expect(webhookEndpointSchema.parse(read.body)).toEqual(endpoint)
    expect(list.text + read.text).not.toContain(secret)
    expect(list.text + read.text).not.toContain('whsec_')

    const rotated = await call('POST', `/v1/webhooks/${created.id}/rotate-secret`, h.keys.a.admin)
    expect(rotated.status).toBe(200)
    const withNew = webhookCreatedSchema.parse(rotated.body)
    expect(withNew).toEqual({ ...endpoint, secret: withNew.secret })
    expect(withNew.secret).not.toBe(secret)
    expect(await storedSecret(created.id)).toBe(withNew.secret)
    const after = await call('GET', `/v1/webhooks/${created.id}`, h.keys.a.admin)
    expect(after.text).not.toContain(withNew.secret)
  })

  it('patches and deletes an endpoint, dropping it from the rules that named it', async () => {
    const created = await createWebhook(h.keys.a.admin)
    const rule = await createRule(h.keys.a.admin, {
      channels: [{ type: 'webhook', webhookId: created.id }],
    })
    const patched = await call('PATCH', `/v1/webhooks/${created.id}`, h.keys.a.admin, {
      enabled: false,
      eventTypes: ['alert.created'],
    })
    expect(webhookEndpointSchema.parse(patched.body)).toMatchObject({
      enabled: false,
      eventTypes: ['alert.created'],
      url: created.url,
    })
    const deleted = await call('DELETE', `/v1/webhooks/${created.id}`, h.keys.a.admin)
    expect(deleted.status).toBe(204)
    expectError(await call('GET', `/v1/webhooks/${created.id}`, h.keys.a.admin), 404, 'not_found')
    const after = await call('GET', `/v1/alert-rules/${rule.id}`, h.keys.a.read)
    expect(alertRuleSchema.parse(after.body).channels).toEqual([])
  })

  it('refuses non-http(s) URLs, credentials and literal private hosts unless allowed', async () => {
    const refused = async (url: string, code: string) => {
      const res = await call('POST', '/v1/webhooks', h.keys.a.admin, webhookBody({ url }))
      const issues = expectError(res, 400, 'validation_failed')
      expect(issues[0]?.path).toEqual(['body', 'url'])
      if (code !== '') expect(issues[0]?.code).toBe(code)
    }
    await refused('ftp://hooks.example.com/x', '')
    await refused('javascript:alert(1)', '')
    await refused('https://user:pw@hooks.example.com/', 'credentials_in_url')
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'http://localhost/hook',
      'http://[::1]/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://10.0.0.7/',
      'http://[::ffff:192.168.1.1]/',
    ])
      await refused(url, 'private_target')

    const ours = await createWebhook(h.keys.a.admin)
    const patched = await call('PATCH', `/v1/webhooks/${ours.id}`, h.keys.a.admin, {
      url: 'http://192.168.0.1/',
    })
    expect(expectError(patched, 400, 'validation_failed')[0]?.code).toBe('private_target')
    const { secret: _secret, ...endpoint } = ours
    expect((await call('GET', `/v1/webhooks/${ours.id}`, h.keys.a.admin)).body).toEqual(endpoint)

    const permissive = h.api({ allowPrivateWebhookTargets: true }).app
    const local = await permissive.request('/v1/webhooks', {
      method: 'POST',
      headers: headers(h.keys.a.admin),
      body: JSON.stringify(webhookBody({ url: 'http://127.0.0.1:8080/hook' })),
    })
    expect(local.status).toBe(201)
  })

  it('serves the delivery log of one endpoint, filtered by status', async () => {
    const p = await freshProject()
    const first = await createWebhook(p.admin, { eventTypes: ['verdict.unsafe'] })
    const second = await createWebhook(p.admin, { eventTypes: ['alert.created'] })
    const rule = await createRule(p.admin, {
      channels: [{ type: 'webhook', webhookId: second.id }],
    })
    await p.store.recordProcessed(processed(3, { ruleId: rule.id }))
    const log = async (id: string, query = '') => {
      const res = await call('GET', `/v1/webhooks/${id}/deliveries${query}`, p.admin)
      expect(res.status).toBe(200)
      return deliveryList.parse(res.body).deliveries
    }
    const firstLog = await log(first.id)
    expect(firstLog).toHaveLength(3)
    expect(
      firstLog.every((d) => d.webhookId === first.id && d.eventType === 'verdict.unsafe'),
    ).toBe(true)
    expect((await log(second.id)).map((d) => d.eventType)).toEqual(Array(3).fill('alert.created'))
    expect(await log(first.id, '?status=pending&limit=2')).toHaveLength(2)
    expect(await log(first.id, '?status=succeeded')).toEqual([])
    const bad = await call('GET', `/v1/webhooks/${first.id}/deliveries?status=lost`, p.admin)
    expect(expectError(bad, 400, 'validation_failed')[0]?.path).toEqual(['query', 'status'])
    expectError(await call('GET', `/v1/webhooks/${UNKNOWN}/deliveries`, p.admin), 404, 'not_found')
  })
})

describe('scopes', () => {
  const id = UNKNOWN
  const reads: [string, string][] = [
    ['GET', '/v1/alerts'],
    ['GET', `/v1/alerts/${id}`],
    ['GET', '/v1/alert-rules'],
    ['GET', `/v1/alert-rules/${id}`],
  ]
  const writes: [string, string][] = [
    ['POST', `/v1/alerts/${id}/ack`],
    ['POST', `/v1/alerts/${id}/resolve`],
    ['POST', '/v1/alert-rules'],
    ['PATCH', `/v1/alert-rules/${id}`],
    ['DELETE', `/v1/alert-rules/${id}`],
    ['GET', '/v1/webhooks'],
    ['POST', '/v1/webhooks'],
    ['GET', `/v1/webhooks/${id}`],
    ['PATCH', `/v1/webhooks/${id}`],
    ['DELETE', `/v1/webhooks/${id}`],
    ['POST', `/v1/webhooks/${id}/rotate-secret`],
    ['GET', `/v1/webhooks/${id}/deliveries`],
  ]

  it('refuses ingest keys everywhere (403) and missing keys (401)', async () => {
    for (const [method, path] of [...reads, ...writes]) {
      expectError(await call(method, path, h.keys.a.ingest, {}), 403, 'forbidden')
      expectError(await call(method, path, undefined, {}), 401, 'unauthorized')
    }
  })

  it('lets read keys read alerts and rules but change nothing, nor see webhooks', async () => {
    for (const [method, path] of reads)
      expect((await call(method, path, h.keys.a.read)).status, `${method} ${path}`).not.toBe(403)
    for (const [method, path] of writes)
      expectError(await call(method, path, h.keys.a.read, ruleBody()), 403, 'forbidden')
  })
})

describe('tenant isolation', () => {
  it("gives project A's admin key nothing of project B, and leaves B's rows unchanged", async () => {
    const b = h.keys.b
    const webhook = await createWebhook(b.admin)
    const { secret, ...endpoint } = webhook
    const rule = await createRule(b.admin, {
      channels: [{ type: 'webhook', webhookId: webhook.id }],
    })
    const outcome = await h.store
      .forProject(b.projectId)
      .recordProcessed(processed(1, { ruleId: rule.id }))
    const alertId = outcome.insertedAlerts[0]?.id ?? ''
    const bDeliveries = (await call('GET', `/v1/webhooks/${webhook.id}/deliveries`, b.admin)).body
    expect(deliveryList.parse(bDeliveries).deliveries).toHaveLength(2)

    const a = h.keys.a.admin
    const listed = [
      (await call('GET', '/v1/alerts?limit=200', a)).text,
      (await call('GET', '/v1/alert-rules', a)).text,
      (await call('GET', '/v1/webhooks', a)).text,
    ].join('\n')
    for (const foreign of [webhook.id, rule.id, alertId]) expect(listed).not.toContain(foreign)
    const attempts: [string, string, unknown?][] = [
      ['GET', `/v1/alert-rules/${rule.id}`],
      ['PATCH', `/v1/alert-rules/${rule.id}`, { enabled: false }],
      ['DELETE', `/v1/alert-rules/${rule.id}`],
      ['GET', `/v1/alerts/${alertId}`],
      ['POST', `/v1/alerts/${alertId}/ack`],
      ['POST', `/v1/alerts/${alertId}/resolve`],
      ['GET', `/v1/webhooks/${webhook.id}`],
      ['PATCH', `/v1/webhooks/${webhook.id}`, { enabled: false }],
      ['POST', `/v1/webhooks/${webhook.id}/rotate-secret`],
      ['GET', `/v1/webhooks/${webhook.id}/deliveries`],
      ['DELETE', `/v1/webhooks/${webhook.id}`],
    ]
    for (const [method, path, body] of attempts)
      expectError(await call(method, path, a, body), 404, 'not_found')

    expect((await call('GET', `/v1/alert-rules/${rule.id}`, b.read)).body).toEqual(rule)
    const alert = alertSchema.parse((await call('GET', `/v1/alerts/${alertId}`, b.read)).body)
    expect(alert.status).toBe('open')
    expect((await call('GET', `/v1/webhooks/${webhook.id}`, b.admin)).body).toEqual(endpoint)
    expect(await storedSecret(webhook.id)).toBe(secret)
    expect((await call('GET', `/v1/webhooks/${webhook.id}/deliveries`, b.admin)).body).toEqual(
      bDeliveries,
    )
  })
})

describe('OpenAPI document', () => {
  it('documents every alerting route with its methods', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>
    }
    const methods = (path: string) => Object.keys(doc.paths[path] ?? {}).sort()
    expect(methods('/v1/alerts')).toEqual(['get'])
    expect(methods('/v1/alerts/{id}')).toEqual(['get'])
    expect(methods('/v1/alerts/{id}/ack')).toEqual(['post'])
    expect(methods('/v1/alerts/{id}/resolve')).toEqual(['post'])
    expect(methods('/v1/alert-rules')).toEqual(['get', 'post'])
    expect(methods('/v1/alert-rules/{id}')).toEqual(['delete', 'get', 'patch'])
    expect(methods('/v1/webhooks')).toEqual(['get', 'post'])
    expect(methods('/v1/webhooks/{id}')).toEqual(['delete', 'get', 'patch'])
    expect(methods('/v1/webhooks/{id}/rotate-secret')).toEqual(['post'])
    expect(methods('/v1/webhooks/{id}/deliveries')).toEqual(['get'])
  })
})
