import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import {
  errorBodySchema,
  testResultPageSchema,
  testRunSchema,
  testRunSocketMessageSchema,
  type TestRunEvent,
  type TestRunRequest,
  type TestRunSocketMessage,
  type TestRunSummary,
} from '@anansi/protocol'
import type { ProjectStore, TestResultInput, TestRun } from '@anansi/store'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { z } from 'zod'
import {
  attachTestRunSocket,
  attachVerdictSocket,
  type IngestApi,
  type TestRunService,
  type TestRunStartResult,
} from '../src/index.js'
import { headers, openHarness, type Harness } from './harness.js'

const SECRET = 'sk-test-very-secret-key-0123456789'

const rate = (k: number, n: number) => ({
  k,
  n,
  rate: n === 0 ? null : k / n,
  ci95: n === 0 ? null : ([0, 1] as [number, number]),
})
const slice = {
  answered: 3,
  errors: 0,
  passRate: rate(2, 3),
  attackSuccessRate: rate(1, 2),
  overRefusalRate: rate(0, 1),
}
const SUMMARY: TestRunSummary = {
  ...slice,
  total: 3,
  byCategory: { harmful: slice },
  byStrategy: { none: slice },
  bootstrap: { resamples: 2000, seed: 1 },
}

/**
 * A test double for the runner the API does not own: it stores runs like the real one and lets
 * each test drive progress and the end of a run by hand.
 */
class FakeRunner implements TestRunService {
  readonly requests: TestRunRequest[] = []
  readonly active = new Map<
    string,
    { project: ProjectStore; listeners: Set<(event: TestRunEvent) => void> }
  >()
  reject: TestRunStartResult | undefined
  /** Runs whose executing process is gone (a restart), as the real runner would tell. */
  readonly gone = new Set<string>()

  async start(project: ProjectStore, request: TestRunRequest): Promise<TestRunStartResult> {
    this.requests.push(request)
    if (this.reject !== undefined) return this.reject
    const run = await project.createTestRun({
      provider: request.provider,
      model: request.model,
      suite: Array.isArray(request.suite) ? request.suite.join('+') : request.suite,
      strategies: request.strategies,
      config: {
        endpoint: request.baseURL ?? 'https://api.openai.com/v1',
        concurrency: request.concurrency,
        ...(request.failUnder === undefined ? {} : { failUnder: request.failUnder }),
        ...(request.maxErrors === undefined ? {} : { maxErrors: request.maxErrors }),
      },
      total: 3,
      status: 'queued',
    })
    this.active.set(run.id, { project, listeners: new Set() })
    return { ok: true, run }
  }

  cancel(projectId: string, runId: string): Promise<boolean> {
    const entry = this.active.get(runId)
    if (entry === undefined || entry.project.projectId !== projectId) return Promise.resolve(false)
    return this.end(runId, 'cancelled').then(() => true)
  }

  subscribe(projectId: string, runId: string, listener: (event: TestRunEvent) => void) {
    const entry = this.active.get(runId)
    if (entry === undefined || entry.project.projectId !== projectId) return undefined
    entry.listeners.add(listener)
    return () => void entry.listeners.delete(listener)
  }

  async settle(project: ProjectStore, run: TestRun): Promise<TestRun> {
    if (!this.gone.has(run.id)) return run
    return (await project.updateTestRun(run.id, { status: 'failed', error: 'interrupted' })) ?? run
  }

  /** Forgets a run as a restart would: it stays `running` in the store, executing nowhere. */
  restart(runId: string): void {
    this.active.delete(runId)
    this.gone.add(runId)
  }

  /** Stores one result and tells the subscribers. */
  async progress(runId: string, done: number): Promise<void> {
    const entry = this.active.get(runId)
    if (entry === undefined) throw new Error(`run ${runId} is not active`)
    await entry.project.updateTestRun(runId, { status: 'running' })
    await entry.project.recordTestResults(runId, [result(`s_${done}`)])
    for (const listener of entry.listeners)
      listener({
        type: 'progress',
        runId,
        total: 3,
        done,
        skipped: 0,
        passed: done,
        failed: 0,
        errors: 0,
        cached: 0,
        last: { scenarioKey: `s_${done}`, strategy: 'none', outcome: 'refused', passed: true },
        concurrencyLimit: 4,
      })
  }

  /** Stores the final state, then says `ended`, like the real runner. */
  async end(
    runId: string,
    status: 'completed' | 'cancelled',
    summary: TestRunSummary = SUMMARY,
  ): Promise<void> {
    const entry = this.active.get(runId)
    if (entry === undefined) throw new Error(`run ${runId} is not active`)
    await entry.project.updateTestRun(runId, {
      status,
      ...(status === 'completed' ? { summary } : {}),
    })
    this.active.delete(runId)
    for (const listener of entry.listeners) listener({ type: 'ended', status })
  }
}

function result(scenarioKey: string, strategy = 'none'): TestResultInput {
  return {
    scenarioKey,
    strategy,
    category: 'harmful',
    prompt: [{ role: 'user', content: `prompt of ${scenarioKey}` }],
    response: "I'm sorry, but I can't help with that.",
    outcome: 'refused',
    passed: true,
    scores: { 'refusal.output': 0.97 },
    latencyMs: 12,
  }
}

let h: Harness
let runner: FakeRunner
let api: IngestApi
let bare: IngestApi
let server: Server
let detach: () => Promise<void>
let detachVerdicts: () => Promise<void>
let wsBase: string

beforeAll(async () => {
  h = await openHarness()
  runner = new FakeRunner()
  api = h.api({ testRuns: runner })
  bare = h.api()
  server = serve({ fetch: api.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server
  await new Promise<void>((resolve) => server.once('listening', () => resolve()))
  detachVerdicts = attachVerdictSocket(server, h.store, api.hub)
  // A long heartbeat: the slow-consumer test's client reads for a while on a loaded machine and
  // must not be dropped as dead before the server's 1013 reaches it (heartbeats: own test).
  detach = attachTestRunSocket(server, h.store, runner, {
    heartbeatMs: 10_000,
    pollMs: 50,
    report: () => undefined,
  })
  wsBase = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await detach()
  await detachVerdicts()
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
  await h.close()
})

async function call(
  method: string,
  path: string,
  key: string | undefined,
  body?: unknown,
  app = api.app,
) {
  const res = await app.request(path, {
    method,
    headers: headers(key),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  return {
    status: res.status,
    text,
    location: res.headers.get('location'),
    body: (text === '' ? undefined : JSON.parse(text)) as unknown,
  }
}

function expectError(res: { status: number; body: unknown }, status: number, code: string) {
  expect(res.status).toBe(status)
  const { error } = errorBodySchema.parse(res.body)
  expect(error.code).toBe(code)
  return error
}

const pathsOf = (error: { details?: { issues?: { path: (string | number)[] }[] } }) =>
  (error.details?.issues ?? []).map((i) => i.path).sort((a, b) => a.join().localeCompare(b.join()))

async function startRun(body: Record<string, unknown> = {}) {
  const res = await call('POST', '/api/v1/tests/run', h.keys.a.admin, {
    model: 'gpt-4o',
    suite: 'harmbench',
    ...body,
  })
  expect(res.status, res.text).toBe(202)
  return testRunSchema.parse(res.body)
}

describe('POST /api/v1/tests/run', () => {
  it('starts a run: 202 with the queued run, its status URL, and never the API key', async () => {
    const res = await call('POST', '/api/v1/tests/run', h.keys.a.admin, {
      model: 'gpt-4o',
      suite: ['harmbench', 'xstest'],
      strategies: ['base64'],
      apiKey: SECRET,
      failUnder: 0.9,
    })
    expect(res.status, res.text).toBe(202)
    const run = testRunSchema.parse(res.body)
    expect(run).toMatchObject({ status: 'queued', model: 'gpt-4o', suite: 'harmbench+xstest' })
    expect(res.location).toBe(`/api/v1/tests/${run.id}/status`)
    // The service got the key (and the defaults); no answer or stored row holds it.
    expect(runner.requests.at(-1)).toMatchObject({
      apiKey: SECRET,
      provider: 'openai',
      concurrency: 4,
      baseline: true,
      params: {},
    })
    expect(res.text).not.toContain(SECRET)
    const stored = await h.store.forProject(h.keys.a.projectId).getTestRun(run.id)
    expect(JSON.stringify(stored)).not.toContain(SECRET)
    const status = await call('GET', `/api/v1/tests/${run.id}/status`, h.keys.a.read)
    expect(status.text).not.toContain(SECRET)
  })

  it('answers 400 with every failing path', async () => {
    const res = await call('POST', '/api/v1/tests/run', h.keys.a.admin, {
      provider: 'azure',
      suite: '../../etc/passwd.json',
      concurrency: 0,
      params: { temperature: 3 },
    })
    const error = expectError(res, 400, 'validation_failed')
    expect(pathsOf(error)).toEqual([
      ['body', 'concurrency'],
      ['body', 'model'],
      ['body', 'params', 'temperature'],
      ['body', 'provider'],
      ['body', 'suite'],
    ])
    const unknown = await call('POST', '/api/v1/tests/run', h.keys.a.admin, {
      model: 'gpt-4o',
      suite: 'harmbench',
      apiKeyEnv: 'OPENAI_API_KEY',
    })
    expect(pathsOf(expectError(unknown, 400, 'validation_failed'))).toEqual([['body']])
    const notJson = await h.api({ testRuns: runner }).app.request('/api/v1/tests/run', {
      method: 'POST',
      headers: headers(h.keys.a.admin, { 'content-type': 'text/plain' }),
      body: 'model=gpt-4o',
    })
    expect(notJson.status).toBe(415)
  })

  it('refuses a private base URL unless the server allows private targets', async () => {
    const body = { model: 'llama3', suite: 'harmbench', baseURL: 'http://127.0.0.1:11434/v1' }
    const refused = await call('POST', '/api/v1/tests/run', h.keys.a.admin, body)
    expect(pathsOf(expectError(refused, 400, 'validation_failed'))).toEqual([['body', 'baseURL']])
    const credentials = await call('POST', '/api/v1/tests/run', h.keys.a.admin, {
      ...body,
      baseURL: 'https://user:pass@llm.example.com/v1',
    })
    expect(pathsOf(expectError(credentials, 400, 'validation_failed'))).toEqual([
      ['body', 'baseURL'],
    ])
    const local = h.api({ testRuns: runner, allowPrivateWebhookTargets: true })
    const allowed = await call('POST', '/api/v1/tests/run', h.keys.a.admin, body, local.app)
    expect(allowed.status, allowed.text).toBe(202)
  })

  it("passes the runner's refusals on: unknown names as 400 under body, busy as 503", async () => {
    runner.reject = {
      ok: false,
      reason: 'invalid_request',
      message: 'unknown names',
      issues: [{ path: ['strategies', 0], code: 'custom', message: 'unknown strategy "nope"' }],
    }
    try {
      const invalid = await call('POST', '/api/v1/tests/run', h.keys.a.admin, {
        model: 'gpt-4o',
        suite: 'harmbench',
        strategies: ['nope'],
      })
      expect(pathsOf(expectError(invalid, 400, 'validation_failed'))).toEqual([
        ['body', 'strategies', 0],
      ])
      runner.reject = { ok: false, reason: 'busy', message: 'four runs are executing' }
      const busy = await call('POST', '/api/v1/tests/run', h.keys.a.admin, {
        model: 'gpt-4o',
        suite: 'harmbench',
      })
      const error = expectError(busy, 503, 'service_unavailable')
      expect(error.details?.retryAfterSeconds).toBeGreaterThan(0)
    } finally {
      runner.reject = undefined
    }
  })
})

describe('scopes, tenancy and a server without a runner', () => {
  it('needs admin to start or cancel, read to look', async () => {
    const body = { model: 'gpt-4o', suite: 'harmbench' }
    expectError(await call('POST', '/api/v1/tests/run', h.keys.a.read, body), 403, 'forbidden')
    expectError(await call('POST', '/api/v1/tests/run', h.keys.a.ingest, body), 403, 'forbidden')
    expectError(await call('POST', '/api/v1/tests/run', undefined, body), 401, 'unauthorized')
    const run = await startRun()
    expectError(await call('DELETE', `/api/v1/tests/${run.id}`, h.keys.a.read), 403, 'forbidden')
    const statusPath = `/api/v1/tests/${run.id}/status`
    expectError(await call('GET', statusPath, h.keys.a.ingest), 403, 'forbidden')
    expect((await call('GET', statusPath, h.keys.a.read)).status).toBe(200)
    expect((await call('GET', statusPath, h.keys.a.admin)).status).toBe(200)
    expectError(await call('GET', '/api/v1/tests', h.keys.a.ingest), 403, 'forbidden')
  })

  it("answers 404 for another project's run on every route", async () => {
    const run = await startRun()
    const other = h.keys.b
    for (const [method, path, key] of [
      ['GET', `/api/v1/tests/${run.id}/status`, other.read],
      ['GET', `/api/v1/tests/${run.id}/results`, other.read],
      ['DELETE', `/api/v1/tests/${run.id}`, other.admin],
    ] as const)
      expectError(await call(method, path, key), 404, 'not_found')
    // Still running for its own project.
    expect(runner.active.has(run.id)).toBe(true)
    const listed = z
      .object({ runs: z.array(testRunSchema) })
      .parse((await call('GET', '/api/v1/tests', other.read)).body)
    expect(listed.runs.map((r) => r.id)).not.toContain(run.id)
    const mine = z
      .object({ runs: z.array(testRunSchema) })
      .parse((await call('GET', '/api/v1/tests?limit=200', h.keys.a.read)).body)
    expect(mine.runs.map((r) => r.id)).toContain(run.id)
  })

  it('checks ids: a malformed one is a 400 on params', async () => {
    const res = await call('GET', '/api/v1/tests/not-a-uuid/status', h.keys.a.read)
    expect(pathsOf(expectError(res, 400, 'validation_failed'))).toEqual([['params', 'id']])
  })

  it('answers 503 to start and cancel without a runner, but still serves stored runs', async () => {
    const body = { model: 'gpt-4o', suite: 'harmbench' }
    const start = await call('POST', '/api/v1/tests/run', h.keys.a.admin, body, bare.app)
    expectError(start, 503, 'service_unavailable')
    const run = await startRun()
    const cancel = await call(
      'DELETE',
      `/api/v1/tests/${run.id}`,
      h.keys.a.admin,
      undefined,
      bare.app,
    )
    expectError(cancel, 503, 'service_unavailable')
    const status = await call(
      'GET',
      `/api/v1/tests/${run.id}/status`,
      h.keys.a.read,
      undefined,
      bare.app,
    )
    expect(testRunSchema.parse(status.body).id).toBe(run.id)
  })
})

describe('status, results and cancel', () => {
  it('shows progress, then scores and the threshold once completed', async () => {
    const run = await startRun({ failUnder: 0.9 })
    await runner.progress(run.id, 1)
    const running = testRunSchema.parse(
      (await call('GET', `/api/v1/tests/${run.id}/status`, h.keys.a.read)).body,
    )
    expect(running).toMatchObject({ status: 'running', completed: 1, total: 3 })
    expect(running.summary).toBeUndefined()
    await runner.end(run.id, 'completed')
    const done = testRunSchema.parse(
      (await call('GET', `/api/v1/tests/${run.id}/status`, h.keys.a.read)).body,
    )
    expect(done.status).toBe('completed')
    expect(done.summary?.attackSuccessRate).toEqual(rate(1, 2))
    expect(done.summary?.overRefusalRate.n).toBe(1)
    // Pass rate 2/3 is below 0.9.
    expect(done.passedThreshold).toBe(false)
    expect(done.config.failUnder).toBe(0.9)
    expect(done.finishedAt).toBeDefined()
  })

  it('never passes the threshold on provider errors or on a run that judged nothing', async () => {
    const statusOf = async (id: string) =>
      testRunSchema.parse((await call('GET', `/api/v1/tests/${id}/status`, h.keys.a.read)).body)
    // Every call failed (a wrong key): no rate has data, so failUnder 0 does not pass.
    const empty = { answered: 0, errors: 3, passRate: rate(0, 0), attackSuccessRate: rate(0, 0) }
    const dead = await startRun({ failUnder: 0, maxErrors: 3 })
    await runner.end(dead.id, 'completed', { ...SUMMARY, ...empty, overRefusalRate: rate(0, 0) })
    expect((await statusOf(dead.id)).passedThreshold).toBe(false)
    // 1 error of 4, the answered 2/3 pass: fails with the default maxErrors 0 …
    const flaky = { ...SUMMARY, errors: 1, total: 4 }
    const strict = await startRun({ failUnder: 0.5 })
    await runner.end(strict.id, 'completed', flaky)
    expect((await statusOf(strict.id)).passedThreshold).toBe(false)
    // … passes when the request tolerates one error …
    const tolerant = await startRun({ failUnder: 0.5, maxErrors: 1 })
    await runner.end(tolerant.id, 'completed', flaky)
    const passed = await statusOf(tolerant.id)
    expect(passed.passedThreshold).toBe(true)
    expect(passed.config.maxErrors).toBe(1)
    // … and maxErrors alone is a gate too.
    const errorsOnly = await startRun({ maxErrors: 0 })
    await runner.end(errorsOnly.id, 'completed', flaky)
    expect((await statusOf(errorsOnly.id)).passedThreshold).toBe(false)
  })

  it('pages through results with an opaque cursor', async () => {
    const run = await startRun()
    const project = h.store.forProject(h.keys.a.projectId)
    const keys = ['a_1', 'a_2', 'b_1', 'b_2', 'c_1']
    await project.recordTestResults(
      run.id,
      keys.flatMap((k) => [result(k, 'base64'), result(k, 'none')]),
    )
    const seen: string[] = []
    let cursor: string | undefined
    let pages = 0
    do {
      const query = `limit=3${cursor === undefined ? '' : `&cursor=${cursor}`}`
      const res = await call('GET', `/api/v1/tests/${run.id}/results?${query}`, h.keys.a.read)
      expect(res.status, res.text).toBe(200)
      const page = testResultPageSchema.parse(res.body)
      seen.push(...page.results.map((r) => `${r.scenarioKey}/${r.strategy}`))
      cursor = page.nextCursor
      pages += 1
    } while (cursor !== undefined)
    expect(pages).toBe(4)
    expect(seen).toEqual(keys.flatMap((k) => [`${k}/base64`, `${k}/none`]))
    const bad = await call('GET', `/api/v1/tests/${run.id}/results?cursor=nope`, h.keys.a.read)
    expect(pathsOf(expectError(bad, 400, 'validation_failed'))).toEqual([['query', 'cursor']])
    const first = testResultPageSchema.parse(
      (await call('GET', `/api/v1/tests/${run.id}/results?limit=1`, h.keys.a.read)).body,
    )
    expect(first.results[0]).toMatchObject({
      scenarioKey: 'a_1',
      strategy: 'base64',
      outcome: 'refused',
      passed: true,
      prompt: [{ role: 'user', content: 'prompt of a_1' }],
      scores: { 'refusal.output': 0.97 },
    })
  })

  it('cancels a running run, and refuses to cancel one that ended or runs elsewhere', async () => {
    const run = await startRun()
    await runner.progress(run.id, 1)
    const cancelled = await call('DELETE', `/api/v1/tests/${run.id}`, h.keys.a.admin)
    expect(cancelled.status, cancelled.text).toBe(200)
    expect(testRunSchema.parse(cancelled.body)).toMatchObject({ status: 'cancelled', completed: 1 })
    expectError(await call('DELETE', `/api/v1/tests/${run.id}`, h.keys.a.admin), 409, 'conflict')
    // Marked running in the store but executed by no runner here (another replica, a crash).
    const orphan = await h.store.forProject(h.keys.a.projectId).createTestRun({
      provider: 'openai',
      model: 'gpt-4o',
      suite: 'harmbench',
      config: {},
      status: 'running',
    })
    const res = await call('DELETE', `/api/v1/tests/${orphan.id}`, h.keys.a.admin)
    expect(expectError(res, 409, 'conflict').message).toMatch(/another replica/)
  })

  it('documents the routes in the OpenAPI document', async () => {
    const doc = (await (await api.app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>
      components: { schemas: Record<string, unknown> }
    }
    expect(Object.keys(doc.paths['/api/v1/tests/run'] ?? {})).toEqual(['post'])
    expect(doc.paths['/api/v1/tests/{id}/status']?.get).toBeDefined()
    expect(doc.paths['/api/v1/tests/{id}/results']?.get).toBeDefined()
    expect(doc.paths['/api/v1/tests/{id}']?.delete).toBeDefined()
    expect(doc.components.schemas.testRunRequest).toBeDefined()
    const report = doc.paths['/api/v1/tests/{id}/report']?.get as {
      parameters: { name: string; in: string }[]
      responses: Record<string, { content?: Record<string, { schema: unknown }> }>
    }
    expect(report.parameters.map((p) => `${p.in}:${p.name}`).sort()).toEqual([
      'path:id',
      'query:format',
    ])
    const media = report.responses['200']?.content ?? {}
    expect(Object.keys(media)).toEqual(['application/json', 'text/html', 'application/xml'])
    expect(media).toMatchObject({
      'application/json': { schema: { $ref: '#/components/schemas/testReport' } },
      'text/html': { schema: { type: 'string' } },
      'application/xml': { schema: { type: 'string' } },
    })
    expect(Object.keys(report.responses).sort()).toEqual(
      ['200', '400', '401', '403', '404', '409', '429', '503'].sort(),
    )
    const compare = doc.paths['/api/v1/tests/{id}/compare/{baseline}']?.get as {
      responses: Record<string, { content?: Record<string, { schema: unknown }> }>
    }
    expect(compare.responses['200']?.content?.['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/testRunComparison',
    })
    expect(doc.components.schemas.testReport).toBeDefined()
    expect(doc.components.schemas.testRunComparison).toBeDefined()
  })

  it('answers 503 to report and compare when the runner builds no reports, 404 before that', async () => {
    const run = await startRun()
    await runner.end(run.id, 'completed')
    // The fake runner (like a runner from before reports) has neither `report` nor `compare`.
    const report = await call('GET', `/api/v1/tests/${run.id}/report?format=html`, h.keys.a.read)
    expectError(report, 503, 'service_unavailable')
    const compare = await call('GET', `/api/v1/tests/${run.id}/compare/${run.id}`, h.keys.a.read)
    expectError(compare, 503, 'service_unavailable')
    const other = await call('GET', `/api/v1/tests/${run.id}/report`, h.keys.b.read)
    expectError(other, 404, 'not_found')
    const bad = await call('GET', `/api/v1/tests/${run.id}/report?format=pdf`, h.keys.a.read)
    expect(pathsOf(expectError(bad, 400, 'validation_failed'))).toEqual([['query', 'format']])
  })
})

interface Socket {
  ws: WebSocket
  messages: TestRunSocketMessage[]
  closed: Promise<number>
}

/** Opens `/ws/tests/{id}`, collecting parsed messages and the close code. */
async function follow(runId: string, key: string | undefined): Promise<Socket> {
  const ws = new WebSocket(
    `${wsBase}/ws/tests/${runId}`,
    key === undefined ? {} : { headers: { authorization: `Bearer ${key}` } },
  )
  const messages: TestRunSocketMessage[] = []
  // Parsed only: a slow-consumer test receives thousands, and schema checks there would let the
  // heartbeat drop the client before the server's close arrives. Tests check the schema themselves.
  ws.on('message', (data: Buffer) =>
    messages.push(JSON.parse(data.toString('utf8')) as TestRunSocketMessage),
  )
  const closed = new Promise<number>((resolve) => ws.once('close', (code: number) => resolve(code)))
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  return { ws, messages, closed }
}

const until = async (check: () => boolean, ms = 5000): Promise<void> => {
  const deadline = Date.now() + ms
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
  expect(check()).toBe(true)
}

describe('WS /ws/tests/{id}', () => {
  it('refuses a missing key (401), an ingest key (403), another project (404), before upgrading', async () => {
    const run = await startRun()
    await expect(follow(run.id, undefined)).rejects.toThrow(/401/)
    await expect(follow(run.id, h.keys.a.ingest)).rejects.toThrow(/403/)
    await expect(follow(run.id, h.keys.b.read)).rejects.toThrow(/404/)
    await expect(follow('not-a-uuid', h.keys.a.read)).rejects.toThrow(/404/)
    await runner.end(run.id, 'cancelled')
  })

  it('sends the status first, then progress, then the final status, and closes with 1000', async () => {
    const run = await startRun()
    const socket = await follow(run.id, h.keys.a.read)
    await until(() => socket.messages.length === 1)
    expect(socket.messages[0]).toMatchObject({
      type: 'status',
      run: { id: run.id, status: 'queued' },
    })
    await runner.progress(run.id, 1)
    await runner.progress(run.id, 2)
    await until(() => socket.messages.length === 3)
    expect(socket.messages.slice(1).map((m) => (m.type === 'progress' ? m.done : -1))).toEqual([
      1, 2,
    ])
    await runner.end(run.id, 'completed')
    expect(await socket.closed).toBe(1000)
    for (const message of socket.messages) testRunSocketMessageSchema.parse(message)
    const last = socket.messages.at(-1)
    expect(last?.type).toBe('status')
    if (last?.type !== 'status') return
    expect(last.run).toMatchObject({ status: 'completed', completed: 2 })
    expect(last.run.summary?.passRate).toEqual(rate(2, 3))
  })

  it('sends one status and closes for a run that has already ended', async () => {
    const run = await startRun()
    await runner.end(run.id, 'cancelled')
    const socket = await follow(run.id, h.keys.a.admin)
    expect(await socket.closed).toBe(1000)
    expect(socket.messages).toHaveLength(1)
    expect(socket.messages[0]).toMatchObject({ type: 'status', run: { status: 'cancelled' } })
  })

  it('settles a run interrupted by a restart: status, list, cancel and the socket all end it', async () => {
    const run = await startRun()
    await runner.progress(run.id, 1)
    runner.restart(run.id)
    const socket = await follow(run.id, h.keys.a.read)
    expect(await socket.closed).toBe(1000)
    expect(socket.messages).toHaveLength(1)
    expect(socket.messages[0]).toMatchObject({ type: 'status', run: { status: 'failed' } })
    const status = testRunSchema.parse(
      (await call('GET', `/api/v1/tests/${run.id}/status`, h.keys.a.read)).body,
    )
    expect(status).toMatchObject({ status: 'failed', error: 'interrupted', completed: 1 })
    const res = await call('DELETE', `/api/v1/tests/${run.id}`, h.keys.a.admin)
    expect(expectError(res, 409, 'conflict').message).toMatch(/already ended \(failed\)/)
  })

  it('settles an interrupted run in the list and on the first cancel', async () => {
    const listed = await startRun()
    runner.restart(listed.id)
    const list = await call('GET', '/api/v1/tests?limit=5', h.keys.a.read)
    const runs = z.object({ runs: z.array(testRunSchema) }).parse(list.body).runs
    expect(runs.find((r) => r.id === listed.id)?.status).toBe('failed')
    const cancelled = await startRun()
    runner.restart(cancelled.id)
    const res = await call('DELETE', `/api/v1/tests/${cancelled.id}`, h.keys.a.admin)
    expect(expectError(res, 409, 'conflict').message).toMatch(/already ended \(failed\)/)
  })

  it('follows a run executing elsewhere by re-reading the store', async () => {
    const project = h.store.forProject(h.keys.a.projectId)
    const elsewhere = await project.createTestRun({
      provider: 'openai',
      model: 'gpt-4o',
      suite: 'harmbench',
      config: {},
      total: 2,
      status: 'running',
    })
    const socket = await follow(elsewhere.id, h.keys.a.read)
    await until(() => socket.messages.length === 1)
    await project.recordTestResults(elsewhere.id, [result('x_1')])
    await until(() => socket.messages.length === 2)
    expect(socket.messages[1]).toMatchObject({ type: 'status', run: { completed: 1 } })
    await project.updateTestRun(elsewhere.id, { status: 'completed', summary: SUMMARY })
    expect(await socket.closed).toBe(1000)
    expect(socket.messages.at(-1)).toMatchObject({ type: 'status', run: { status: 'completed' } })
  })

  it('cuts off a client that stops reading instead of buffering without bound', async () => {
    const run = await startRun()
    const slow = await follow(run.id, h.keys.a.read)
    await until(() => slow.messages.length === 1)
    const raw = (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket
    raw.pause()
    const entry = runner.active.get(run.id)
    const progress: TestRunEvent = {
      type: 'progress',
      runId: run.id,
      total: 3,
      done: 1,
      skipped: 0,
      passed: 1,
      failed: 0,
      errors: 0,
      cached: 0,
      last: { scenarioKey: 'x'.repeat(500), strategy: 'none', outcome: 'refused', passed: true },
      concurrencyLimit: 4,
    }
    for (let i = 0; i < 20_000; i += 1)
      for (const listener of entry?.listeners ?? []) listener(progress)
    raw.resume()
    expect(await slow.closed).toBe(1013)
    await runner.end(run.id, 'cancelled')
  })

  it('drops a client that stops answering pings', async () => {
    const quick = serve({ fetch: api.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server
    await new Promise<void>((resolve) => quick.once('listening', () => resolve()))
    const stop = attachTestRunSocket(quick, h.store, runner, { heartbeatMs: 100 })
    try {
      const run = await startRun()
      const port = (quick.address() as AddressInfo).port
      const mute = new WebSocket(`ws://127.0.0.1:${port}/ws/tests/${run.id}`, {
        headers: { authorization: `Bearer ${h.keys.a.read}` },
        autoPong: false,
      })
      const closed = new Promise<number>((resolve) =>
        mute.once('close', (code: number) => resolve(code)),
      )
      const statusFirst = new Promise<unknown>((resolve) =>
        mute.once('message', (data: Buffer) => resolve(JSON.parse(data.toString('utf8')))),
      )
      expect(await statusFirst).toMatchObject({ type: 'status', run: { id: run.id } })
      // Terminated without a close frame: the client sees an abnormal closure.
      expect(await closed).toBe(1006)
      await runner.end(run.id, 'cancelled')
    } finally {
      await stop()
      quick.closeAllConnections()
      await new Promise((resolve) => quick.close(resolve))
    }
  })

  it('shares the server with the verdict socket; other paths are refused', async () => {
    const verdicts = new WebSocket(`${wsBase}/v1/verdicts`, {
      headers: { authorization: `Bearer ${h.keys.a.read}` },
    })
    await new Promise<void>((resolve, reject) => {
      verdicts.once('open', () => resolve())
      verdicts.once('error', reject)
    })
    verdicts.close()
    const nowhere = new WebSocket(`${wsBase}/ws/elsewhere`, {
      headers: { authorization: `Bearer ${h.keys.a.read}` },
    })
    await expect(
      new Promise((resolve, reject) => {
        nowhere.once('open', resolve)
        nowhere.once('error', reject)
      }),
    ).rejects.toThrow(/socket hang up|ECONNRESET/)
  })
})
