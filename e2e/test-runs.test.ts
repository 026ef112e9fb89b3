/**
 * Safety test runs through the API of the embedded platform (`anansi dev`): the real runner of
 * `@anansi/test-runner`, wired by the CLI's platform, against a fake OpenAI-compatible model that
 * refuses everything, judged by the platform's own evaluators.
 */
import {
  testResultPageSchema,
  testRunSchema,
  testRunSocketMessageSchema,
  type TestResultBody,
  type TestRunBody,
} from '@anansi/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmbedded, type Deployment } from './fixtures/deployments.js'
import { startFakeLlm, type FakeLlm } from './fixtures/fake-llm.js'
import { openWs } from './fixtures/ws-reader.js'

const REFUSAL = "I'm sorry, but I can't help with that."
const PROVIDER_KEY = 'sk-e2e-provider-key-0123456789abcdef'

let platform: Deployment
let llm: FakeLlm

beforeAll(async () => {
  ;[platform, llm] = await Promise.all([startEmbedded(), startFakeLlm(REFUSAL)])
})
afterAll(async () => {
  await platform.close()
  await llm.close()
})

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${platform.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${platform.adminKey}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  return { status: res.status, text, body: (text === '' ? undefined : JSON.parse(text)) as unknown }
}

async function allResults(runId: string): Promise<{ results: TestResultBody[]; text: string }> {
  const results: TestResultBody[] = []
  let text = ''
  let cursor: string | undefined
  do {
    const query = `limit=7${cursor === undefined ? '' : `&cursor=${cursor}`}`
    const res = await api('GET', `/api/v1/tests/${runId}/results?${query}`)
    expect(res.status, res.text).toBe(200)
    const page = testResultPageSchema.parse(res.body)
    results.push(...page.results)
    text += res.text
    cursor = page.nextCursor
  } while (cursor !== undefined)
  return { results, text }
}

const socketUrl = (runId: string): string =>
  `${platform.url.replace(/^http/, 'ws')}/ws/tests/${runId}`

describe('safety test runs through the API (embedded platform)', () => {
  it('runs suites live on the WebSocket, then serves the judged results and scores', async () => {
    llm.delayMs = 40
    const served = llm.served.length
    const started = await api('POST', '/api/v1/tests/run', {
      provider: 'openai',
      model: 'fake-refuser',
      baseURL: `${llm.url}/v1`,
      apiKey: PROVIDER_KEY,
      suite: ['xstest', 'harmbench'],
      strategies: ['base64'],
      limit: 5,
      concurrency: 2,
      params: { temperature: 0, maxTokens: 64 },
      failUnder: 0.5,
    })
    expect(started.status, started.text).toBe(202)
    const run = testRunSchema.parse(started.body)
    // 5 XSTest (comply, sent as written) + 5 HarmBench × (none, base64).
    expect(run).toMatchObject({ status: 'queued', total: 15, suite: 'xstest+harmbench' })
    expect(run.strategies).toEqual(['none', 'base64'])

    const ws = await openWs(socketUrl(run.id), platform.adminKey)
    expect(await ws.closed).toBe(1000)
    const messages = ws.messages.map((m) => testRunSocketMessageSchema.parse(m))
    expect(messages[0]?.type).toBe('status')
    const progress = messages.filter((m) => m.type === 'progress')
    expect(progress.length).toBeGreaterThan(0)
    expect(progress.at(-1)).toMatchObject({ done: 15, total: 15 })
    const last = messages.at(-1)
    expect(last?.type).toBe('status')

    const status = await api('GET', `/api/v1/tests/${run.id}/status`)
    expect(status.status).toBe(200)
    const done: TestRunBody = testRunSchema.parse(status.body)
    expect(last).toEqual({ type: 'status', run: done })
    expect(done).toMatchObject({ status: 'completed', completed: 15, total: 15 })
    // Every harmful request was refused (no attack succeeded); every safe one too (over-refusal).
    expect(done.summary?.attackSuccessRate).toMatchObject({ k: 0, n: 10, rate: 0 })
    expect(done.summary?.overRefusalRate).toMatchObject({ k: 5, n: 5, rate: 1 })
    expect(done.summary?.passRate).toMatchObject({ k: 10, n: 15 })
    expect(done.summary?.attackSuccessRate.ci95).not.toBeNull()
    expect(Object.keys(done.summary?.byStrategy ?? {}).sort()).toEqual(['base64', 'none'])
    expect(done.passedThreshold).toBe(true)
    expect(done.config).toMatchObject({
      endpoint: `${llm.url}/v1`,
      params: { temperature: 0, maxTokens: 64 },
      failUnder: 0.5,
    })

    const { results, text } = await allResults(run.id)
    expect(results).toHaveLength(15)
    expect(results.every((r) => r.outcome === 'refused')).toBe(true)
    expect(results.filter((r) => r.passed)).toHaveLength(10)
    const encoded = results.find((r) => r.strategy === 'base64')
    expect(encoded?.prompt.at(-1)?.content).toMatch(/base64/i)
    expect(llm.served.length - served).toBe(15)
    // The provider key was used (the fake saw calls) but is nowhere in what the API shows.
    for (const shown of [started.text, status.text, text, JSON.stringify(ws.messages)])
      expect(shown).not.toContain(PROVIDER_KEY)
  })

  it('cancels a run mid-way: stored as cancelled, with the results so far', async () => {
    llm.delayMs = 250
    const started = await api('POST', '/api/v1/tests/run', {
      model: 'fake-refuser',
      baseURL: `${llm.url}/v1`,
      suite: 'harmbench',
      limit: 40,
      concurrency: 2,
    })
    expect(started.status, started.text).toBe(202)
    const run = testRunSchema.parse(started.body)
    const ws = await openWs(socketUrl(run.id), platform.adminKey)
    await ws.waitFor((m) => (m as { type?: string }).type === 'progress', 15_000)

    const cancelled = await api('DELETE', `/api/v1/tests/${run.id}`)
    expect(cancelled.status, cancelled.text).toBe(200)
    const after = testRunSchema.parse(cancelled.body)
    expect(after.status).toBe('cancelled')
    expect(after.completed).toBeGreaterThan(0)
    expect(after.completed).toBeLessThan(40)
    expect(await ws.closed).toBe(1000)
    expect(testRunSocketMessageSchema.parse(ws.messages.at(-1))).toMatchObject({
      type: 'status',
      run: { status: 'cancelled' },
    })
    const again = await api('DELETE', `/api/v1/tests/${run.id}`)
    expect(again.status).toBe(409)
    const { results } = await allResults(run.id)
    expect(results).toHaveLength(after.completed)
    expect(platform.reported).toEqual([])
  })
})
