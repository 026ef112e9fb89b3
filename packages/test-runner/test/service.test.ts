import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { spawnSync } from 'node:child_process'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { getEventListeners } from 'node:events'
import type { EvaluatorSuite } from '@anansi/evaluator'
import {
  jsonValueSchema,
  testRunRequestSchema,
  type TestRunEvent,
  type TestRunRequestInput,
} from '@anansi/protocol'
import { openStore, type ProjectStore, type Store } from '@anansi/store'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  INTERRUPTED,
  ProviderError,
  createTestRunService,
  listAllResults,
  decidePass,
  judgeFromSuite,
  opensWithRefusal,
  type Judge,
  type Provider,
  type TestRunServiceHandle,
} from '../src/index.js'
import { guardedProvider, storableEndpoint } from '../src/service/guarded-provider.js'
import { COMPLIANCE, FakeProvider, REFUSAL, refuseHarmful } from './fake-provider.js'

/** A judge without models: refused iff the answer opens like a refusal. */
const stubJudge: Judge = {
  judge: ({ expected, response }) => {
    const outcome = opensWithRefusal(response) ? ('refused' as const) : ('complied' as const)
    return Promise.resolve({
      outcome,
      passed: decidePass(expected, outcome, false),
      scores: {},
      flags: [],
    })
  },
  close: () => Promise.resolve(),
}

const scenario = (id: string, prompt: string, expected: 'refuse' | 'comply') => ({
  id,
  category: expected === 'refuse' ? 'harmful' : 'over_refusal',
  prompt,
  expected,
  severity: 'high',
})

const KEY = 'sk-service-test-key-0123456789'

let store: Store
let project: ProjectStore
let libraryDir: string
const fake = new FakeProvider()

beforeAll(async () => {
  store = await openStore({ driver: 'pglite' })
  project = store.forProject((await store.createProject({ name: 'svc', slug: 'svc' })).id)
  libraryDir = await mkdtemp(join(tmpdir(), 'anansi-service-'))
  const mini = {
    suite: 'mini',
    scenarios: [
      scenario('mini_001', 'harm one', 'refuse'),
      scenario('mini_002', 'harm two', 'refuse'),
      scenario('mini_003', 'harm three', 'refuse'),
      scenario('mini_004', 'ok question', 'comply'),
    ],
  }
  await writeFile(join(libraryDir, 'mini.json'), JSON.stringify(mini))
  await writeFile(
    join(libraryDir, 'other.json'),
    JSON.stringify({ suite: 'other', scenarios: [scenario('other_001', 'ok other', 'comply')] }),
  )
  await fake.start()
})
afterAll(async () => {
  await fake.stop()
  await store.close()
  await rm(libraryDir, { recursive: true, force: true })
})
beforeEach(() => {
  fake.reset()
  fake.script = refuseHarmful()
})

const request = (input: Partial<TestRunRequestInput> = {}) =>
  testRunRequestSchema.parse({
    model: 'gpt-fake',
    baseURL: fake.openaiBaseURL,
    suite: 'mini',
    ...input,
  })

function service(options: Parameters<typeof createTestRunService>[0] = {}): TestRunServiceHandle {
  return createTestRunService({ judge: stubJudge, libraryDir, report: () => undefined, ...options })
}

/** Subscribes and resolves with every event once the run has ended. */
function collect(runner: TestRunServiceHandle, runId: string): Promise<TestRunEvent[]> {
  const events: TestRunEvent[] = []
  return new Promise((resolve, reject) => {
    const unsubscribe = runner.subscribe(project.projectId, runId, (event) => {
      events.push(event)
      if (event.type === 'ended') resolve(events)
    })
    if (unsubscribe === undefined) reject(new Error(`run ${runId} is not executing`))
  })
}

describe('createTestRunService', () => {
  it('creates the run, executes it, streams progress, and stores the scores', async () => {
    const runner = service()
    const started = await runner.start(
      project,
      request({ suite: ['mini', 'other'], strategies: ['base64'], apiKey: KEY, failUnder: 0.5 }),
    )
    if (!started.ok) throw new Error(started.message)
    // mini: 3 refuse × (none, base64) + 1 comply; other: 1 comply.
    expect(started.run).toMatchObject({ status: 'queued', total: 8, suite: 'mini+other' })
    expect(started.run.strategies).toEqual(['none', 'base64'])
    const events = await collect(runner, started.run.id)
    const progress = events.filter((e) => e.type === 'progress')
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(progress.at(-1)).toMatchObject({ total: 8, passed: 8, failed: 0, concurrencyLimit: 4 })
    expect(events.at(-1)).toEqual({ type: 'ended', status: 'completed' })
    const run = await project.getTestRun(started.run.id)
    expect(run).toMatchObject({ status: 'completed', completed: 8 })
    expect(run?.summary).toMatchObject({ attackSuccessRate: { k: 0, n: 6 } })
    expect(run?.config).toMatchObject({
      suites: ['mini', 'other'],
      baseline: true,
      concurrency: 4,
      failUnder: 0.5,
      scenarios: 5,
    })
    expect(JSON.stringify(run)).not.toContain(KEY)
    expect(runner.active()).toBe(0)
    expect(runner.subscribe(project.projectId, started.run.id, () => undefined)).toBeUndefined()
    await runner.close()
  })

  it('answers unknown or repeated names as issues with body paths, creating nothing', async () => {
    const runner = service({ maxCases: 5 })
    const before = (await project.listTestRuns({ limit: 1000 })).length
    const bad = await runner.start(
      project,
      request({ suite: ['mini', 'nosuch', 'mini'], strategies: ['base64', 'no-such-template'] }),
    )
    expect(bad).toMatchObject({ ok: false, reason: 'invalid_request' })
    if (bad.ok || bad.reason !== 'invalid_request') return
    expect(bad.issues.map((i) => i.path)).toEqual([
      ['suite', 1],
      ['suite', 2],
      ['strategies', 1],
    ])
    const big = await runner.start(project, request({ strategies: ['base64', 'leetspeak'] }))
    expect(big).toMatchObject({ ok: false, reason: 'invalid_request' })
    if (big.ok || big.reason !== 'invalid_request') return
    expect(big.issues[0]?.message).toMatch(/10 requests; this server allows 5/)
    expect((await project.listTestRuns({ limit: 1000 })).length).toBe(before)
    await runner.close()
  })

  it('cancels a run: stored as cancelled, subscribers told, nothing left executing', async () => {
    fake.script = refuseHarmful(300)
    const runner = service()
    const started = await runner.start(project, request({ concurrency: 1 }))
    if (!started.ok) throw new Error(started.message)
    const events = collect(runner, started.run.id)
    await new Promise((resolve) => setTimeout(resolve, 400))
    expect(await runner.cancel(project.projectId, started.run.id)).toBe(true)
    expect((await events).at(-1)).toEqual({ type: 'ended', status: 'cancelled' })
    const run = await project.getTestRun(started.run.id)
    expect(run?.status).toBe('cancelled')
    expect(run?.completed).toBeLessThan(4)
    expect(await runner.cancel(project.projectId, started.run.id)).toBe(false)
    expect(await runner.cancel('00000000-0000-4000-8000-000000000000', started.run.id)).toBe(false)
    await runner.close()
  })

  it('runs a suite against Anthropic (its Messages wire format) and never stores the key', async () => {
    // mini_002 meets a server that echoes the key in its 401, as some gateways do.
    fake.script = (call) =>
      call.prompt === 'harm two'
        ? { type: 'status', status: 401, message: `invalid x-api-key ${KEY}` }
        : { type: 'text', text: call.prompt.startsWith('harm') ? REFUSAL : COMPLIANCE }
    fake.reset()
    const runner = service()
    const started = await runner.start(
      project,
      request({
        provider: 'anthropic',
        model: 'claude-fake',
        baseURL: fake.anthropicBaseURL,
        apiKey: KEY,
      }),
    )
    if (!started.ok) throw new Error(started.message)
    expect((await collect(runner, started.run.id)).at(-1)).toEqual({
      type: 'ended',
      status: 'completed',
    })
    // Every call went out in the Messages format, with the request's key.
    expect(fake.calls).toHaveLength(4)
    expect(fake.calls.every((c) => c.api === 'anthropic' && c.model === 'claude-fake')).toBe(true)
    expect(fake.calls.every((c) => c.apiKey === KEY)).toBe(true)
    const run = await project.getTestRun(started.run.id)
    expect(run).toMatchObject({ provider: 'anthropic', model: 'claude-fake', completed: 4 })
    expect(run?.summary).toMatchObject({ errors: 1, attackSuccessRate: { k: 0, n: 2 } })
    const results = await listAllResults(project, started.run.id)
    const byKey = new Map(results.map((r) => [r.scenarioKey, r]))
    expect(byKey.get('mini_001')).toMatchObject({ outcome: 'refused', passed: true })
    expect(byKey.get('mini_004')).toMatchObject({ outcome: 'complied', passed: true })
    const failed = byKey.get('mini_002')
    expect(failed).toMatchObject({ outcome: 'error', passed: false })
    expect(failed?.error).toMatch(/^client 401: .*\[redacted\]/)
    // Nowhere in what was stored: not the error, not the config, not the results.
    expect(JSON.stringify([run, results])).not.toContain(KEY)
    await runner.close()
  })

  it('settles a run whose process is gone as failed, and leaves runs that may be alive alone', async () => {
    fake.script = () => ({ type: 'hang' })
    const runner = service()
    const sibling = service()
    const started = await sibling.start(project, request({ concurrency: 1 }))
    if (!started.ok) throw new Error(started.message)
    // The owner is stored with the run (never shown by the API: its config schema drops it).
    expect(started.run.config).toMatchObject({
      runner: { host: hostname(), pid: process.pid },
    })
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid
    const stranded = async (runner?: unknown) =>
      project.createTestRun({
        provider: 'openai',
        model: 'gpt-fake',
        suite: 'mini',
        config: runner === undefined ? {} : { runner: jsonValueSchema.parse(runner) },
        total: 4,
        status: 'running',
      })
    const me = { host: hostname(), pid: process.pid }
    const crashed = await stranded({ ...me, pid: deadPid, instance: 'x' })
    const closed = await stranded({ ...me, instance: 'a-service-closed-in-this-process' })
    const remote = await stranded({ host: 'another-replica', pid: deadPid, instance: 'x' })
    const ownerless = await stranded()
    for (const run of [crashed, closed]) {
      const settled = await runner.settle(project, run)
      expect(settled).toMatchObject({ status: 'failed', error: INTERRUPTED })
      expect((await project.getTestRun(run.id))?.status).toBe('failed')
    }
    // Another host may still run it; a run without an owner is the CLI's to resume.
    for (const run of [remote, ownerless])
      expect((await runner.settle(project, run)).status).toBe('running')
    // A live service of this process is executing it.
    const live = await project.getTestRun(started.run.id)
    if (live === undefined) throw new Error('the run is gone')
    expect((await runner.settle(project, live)).status).toBe(live.status)
    await sibling.close()
    expect((await project.getTestRun(started.run.id))?.status).toBe('cancelled')
    await runner.close()
  })

  it('refuses more runs than it may execute at once, and cancels what runs when closed', async () => {
    fake.script = refuseHarmful(200)
    const runner = service({ maxActiveRuns: 1 })
    const first = await runner.start(project, request({ concurrency: 1 }))
    if (!first.ok) throw new Error(first.message)
    const second = await runner.start(project, request())
    expect(second).toMatchObject({ ok: false, reason: 'busy', retryAfterSeconds: 30 })
    await runner.close()
    expect((await project.getTestRun(first.run.id))?.status).toBe('cancelled')
    expect(await runner.start(project, request())).toMatchObject({ ok: false, reason: 'busy' })
  })

  it('marks a run failed when the judge fails, and says so to subscribers', async () => {
    const broken: Judge = {
      judge: () => Promise.reject(new Error('judge exploded')),
      close: () => Promise.resolve(),
    }
    const reported: unknown[] = []
    const runner = service({ judge: broken, report: (e) => reported.push(e) })
    const started = await runner.start(project, request())
    if (!started.ok) throw new Error(started.message)
    const events = await collect(runner, started.run.id)
    expect(events.at(-1)).toEqual({ type: 'ended', status: 'failed' })
    expect(await project.getTestRun(started.run.id)).toMatchObject({
      status: 'failed',
      error: 'judge exploded',
    })
    expect(reported).toHaveLength(1)
    await runner.close()
  })
})

describe('server-side provider keys', () => {
  let server: Server
  let url: string
  const seen: (string | undefined)[] = []

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers.authorization)
      req.resume()
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(
          JSON.stringify({
            id: 'x',
            object: 'chat.completion',
            created: 1,
            model: 'gpt-fake',
            choices: [
              {
                index: 0,
                finish_reason: 'stop',
                message: { role: 'assistant', content: "I'm sorry, I can't help with that." },
              },
            ],
          }),
        )
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  it('uses the configured key only with the configured endpoint', async () => {
    const runner = service({ providers: { openai: { apiKey: 'server-key-123456', baseURL: url } } })
    const run = async (input: Partial<TestRunRequestInput>) => {
      seen.length = 0
      const started = await runner.start(project, request({ suite: 'other', ...input }))
      if (!started.ok) throw new Error(started.message)
      await collect(runner, started.run.id)
      return [...seen]
    }
    // No base URL: the configured endpoint, with its key.
    expect(await run({ baseURL: undefined })).toEqual(['Bearer server-key-123456'])
    // The caller's own key wins.
    expect(await run({ baseURL: undefined, apiKey: KEY })).toEqual([`Bearer ${KEY}`])
    // Another URL (here the same server under another path) never gets the server's key.
    expect(await run({ baseURL: url.replace('/v1', '/v1/') })).toEqual(['Bearer not-needed'])
    await runner.close()
  })
})

describe('guardedProvider', () => {
  const failing = (message: string): Provider => ({
    name: 'openai',
    model: 'm',
    endpoint: 'https://x/v1',
    complete: () => Promise.reject(new ProviderError('client', message, 401)),
  })

  it('removes the key from error messages (and drops the cause that repeats it)', async () => {
    const guarded = guardedProvider(failing(`Incorrect API key provided: ${KEY}.`), KEY)
    const error = await guarded.complete({ messages: [] }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ProviderError)
    expect((error as ProviderError).message).toBe('Incorrect API key provided: [redacted].')
    expect((error as ProviderError).status).toBe(401)
    expect((error as ProviderError).cause).toBeUndefined()
  })

  it('gives each call its own signal and leaves no listener on the run signal', async () => {
    let inner: AbortSignal | undefined
    const hanging: Provider = {
      name: 'openai',
      model: 'm',
      endpoint: 'https://x/v1',
      complete: (_request, options) =>
        new Promise((resolve, reject) => {
          inner = options?.signal
          if (inner?.aborted === true) reject(new Error('aborted'))
          inner?.addEventListener('abort', () => reject(new Error('aborted')))
          setTimeout(() => resolve({ text: 'done' }), 20)
        }),
    }
    const guarded = guardedProvider(hanging, undefined)
    const run = new AbortController()
    for (let i = 0; i < 20; i += 1) await guarded.complete({ messages: [] }, { signal: run.signal })
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(0)
    const pending = guarded.complete({ messages: [] }, { signal: run.signal })
    run.abort()
    await expect(pending).rejects.toThrow('aborted')
    expect(inner?.aborted).toBe(true)
    expect(inner).not.toBe(run.signal)
  })

  it('stores endpoints without credentials, query or fragment', () => {
    expect(storableEndpoint('https://u:p@llm.example.com/v1?api-key=s#x')).toBe(
      'https://llm.example.com/v1',
    )
  })
})

describe('judgeFromSuite', () => {
  it('runs only the judge evaluators of a borrowed suite and never closes it', async () => {
    const calls: (readonly string[] | undefined)[] = []
    let closed = false
    const suite = {
      evaluators: [{ name: 'refusal' }, { name: 'toxicity' }, { name: 'pii' }],
      comprehensive: (_call: unknown, _policy: unknown, names?: readonly string[]) => {
        calls.push(names)
        return Promise.resolve({ evaluations: [], decision: {} })
      },
      close: () => {
        closed = true
        return Promise.resolve()
      },
    } as unknown as EvaluatorSuite
    const judge = judgeFromSuite(suite)
    if (judge === undefined) throw new Error('expected a judge')
    const verdict = await judge.judge({
      expected: 'refuse',
      prompt: 'p',
      response: "I can't help with that.",
    })
    expect(verdict.outcome).toBe('refused')
    expect(calls).toEqual([['refusal', 'toxicity']])
    await judge.close()
    expect(closed).toBe(false)
    const without = { ...suite, evaluators: [{ name: 'toxicity' }] } as unknown as EvaluatorSuite
    expect(judgeFromSuite(without)).toBeUndefined()
  })
})
