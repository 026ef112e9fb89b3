import { randomUUID } from 'node:crypto'
import { openStore, type ProjectStore, type Store } from '@anansi/store'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  AdaptiveLimiter,
  AnthropicProvider,
  MemoryCache,
  OpenAIProvider,
  decidePass,
  loadBuiltinSuite,
  loadEvaluatorJudge,
  opensWithRefusal,
  resolveStrategy,
  runSuite,
  type Judge,
  type Provider,
  type RunProgress,
  type Scenario,
} from '../src/index.js'
import { COMPLIANCE, FakeProvider, REFUSAL, refuseHarmful } from './fake-provider.js'

/** A judge without models, for tests about execution: refused iff the answer opens like a refusal. */
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

/**
 * Records when the runner invokes the provider (client side). The fake server shares this
 * process's event loop, so its own timestamps say when it read a request, not when it was sent.
 */
function timed(provider: Provider): { provider: Provider; starts: number[] } {
  const starts: number[] = []
  return {
    starts,
    provider: {
      name: provider.name,
      model: provider.model,
      endpoint: provider.endpoint,
      complete: (request, options) => {
        starts.push(Date.now())
        return provider.complete(request, options)
      },
    },
  }
}

function scenarios(
  n: number,
  prefix = 'harm',
  expected: Scenario['expected'] = 'refuse',
): Scenario[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}_${String(i + 1).padStart(3, '0')}`,
    category: expected === 'refuse' ? 'harmful' : 'over_refusal',
    prompt: `${prefix} request number ${i + 1}`,
    expected,
    severity: 'high' as const,
    tags: [],
    references: [],
    version: 1,
  }))
}

/** The fake provider's call count once it has not changed for 250 ms (at most 3 s). */
async function settledCallCount(provider: { calls: readonly unknown[] }): Promise<number> {
  const deadline = Date.now() + 3_000
  let count = provider.calls.length
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 250))
    if (provider.calls.length === count || Date.now() > deadline) return provider.calls.length
    count = provider.calls.length
  }
}

describe('runner against the fake provider', () => {
  let store: Store
  let project: ProjectStore
  const fake = new FakeProvider()
  const openai = (options: { timeoutMs?: number; stream?: boolean } = {}) =>
    new OpenAIProvider({ model: 'gpt-fake', baseURL: fake.openaiBaseURL, ...options })

  beforeAll(async () => {
    store = await openStore({ driver: 'pglite' })
    const created = await store.createProject({ name: 'runner', slug: 'runner-tests' })
    project = store.forProject(created.id)
    await fake.start()
  })
  afterAll(async () => {
    await fake.stop()
    await store.close()
  })
  beforeEach(() => {
    fake.reset()
    fake.script = refuseHarmful()
  })

  it('runs a suite, stores judged results and scores the run', async () => {
    const suite = { name: 'mixed', scenarios: [...scenarios(6), ...scenarios(4, 'ok', 'comply')] }
    const { run, summary, results, stats } = await runSuite({
      store: project,
      suite,
      provider: openai(),
      judge: stubJudge,
      concurrency: 3,
    })
    expect(run).toMatchObject({ status: 'completed', total: 10, completed: 10 })
    expect(results).toHaveLength(10)
    expect(summary.attackSuccessRate).toMatchObject({ k: 0, n: 6, rate: 0 })
    expect(summary.overRefusalRate).toMatchObject({ k: 0, n: 4, rate: 0 })
    expect(stats).toMatchObject({ asked: 10, cached: 0, skipped: 0, errors: 0 })
    expect(fake.maxInFlight).toBeLessThanOrEqual(3)
    expect((await project.getTestRun(run.id))?.summary).toMatchObject({ total: 10 })
  })

  it('backs off on 429, waits for retry-after, then recovers gradually', async () => {
    let served = 0
    fake.script = () => {
      served += 1
      if (served === 12) return { type: 'status', status: 429, retryAfter: '0.3' }
      return { type: 'text', text: REFUSAL, delayMs: 15 }
    }
    const limiter = new AdaptiveLimiter({ maxConcurrency: 8 })
    let observedAt = 0
    const onRateLimited = limiter.onRateLimited.bind(limiter)
    limiter.onRateLimited = (ms) => {
      observedAt = Date.now()
      onRateLimited(ms)
    }
    const { provider, starts } = timed(openai())
    const { run, stats } = await runSuite({
      store: project,
      suite: { name: 'rl', scenarios: scenarios(80) },
      provider,
      judge: stubJudge,
      limiter,
    })
    expect(run.status).toBe('completed')
    expect(stats).toMatchObject({ asked: 80, errors: 0, retries: 1 })
    const snap = limiter.snapshot()
    expect(snap.rateLimited).toBe(1)
    expect(snap.lowestLimit).toBe(4)
    expect(snap.limit).toBeGreaterThan(4) // recovering, one slot per window of successes
    // Once the client saw the 429, no call started for the retry-after (300 ms).
    expect(starts.filter((t) => t > observedAt && t < observedAt + 290)).toEqual([])
    expect(starts.filter((t) => t >= observedAt + 290).length).toBeGreaterThan(0)
  })

  it('retries 5xx and timeouts up to the cap, then stores an error result', async () => {
    fake.script = (call, n) => {
      if (call.prompt.includes('number 1')) return { type: 'status', status: 503 } // always
      if (call.prompt.includes('number 2') && n === 0) return { type: 'status', status: 500 }
      if (call.prompt.includes('number 3') && n === 0) return { type: 'hang' }
      return { type: 'text', text: REFUSAL }
    }
    const { results, stats, summary } = await runSuite({
      store: project,
      suite: { name: 'retry', scenarios: scenarios(3) },
      provider: openai({ timeoutMs: 150 }),
      judge: stubJudge,
      retry: { maxRetries: 2, baseDelayMs: 5 },
    })
    const counts = fake.countsByPrompt()
    expect(counts.get('harm request number 1')).toBe(3) // 1 attempt + 2 retries
    expect(counts.get('harm request number 2')).toBe(2)
    expect(counts.get('harm request number 3')).toBe(2)
    expect(results.find((r) => r.scenarioKey === 'harm_001')).toMatchObject({
      outcome: 'error',
      passed: false,
    })
    expect(results.find((r) => r.scenarioKey === 'harm_001')?.error).toMatch(/^server 503/)
    expect(stats).toMatchObject({ errors: 1, asked: 2, retries: 2 })
    expect(summary).toMatchObject({ errors: 1, answered: 2 })
  })

  it('answers a repeated request from the cache without calling the provider', async () => {
    const cache = new MemoryCache()
    const suite = { name: 'cache', scenarios: scenarios(5) }
    const options = { store: project, suite, judge: stubJudge, cache }
    await runSuite({ ...options, provider: openai() })
    expect(fake.calls).toHaveLength(5)
    const second = await runSuite({ ...options, provider: openai() })
    expect(fake.calls).toHaveLength(5)
    expect(cache.hits).toBe(5)
    expect(second.stats).toMatchObject({ asked: 0, cached: 5 })
    expect(second.results.every((r) => r.cached)).toBe(true)
    // Another model, endpoint or parameter set is another key.
    await runSuite({ ...options, provider: openai(), params: { temperature: 0 } })
    expect(fake.calls).toHaveLength(10)
  })

  it('cancels: stops sending, aborts calls in flight and marks the run cancelled', async () => {
    fake.script = refuseHarmful(40)
    const controller = new AbortController()
    let abortedAt = 0
    const { provider, starts } = timed(openai())
    const { run, results } = await runSuite({
      store: project,
      suite: { name: 'cancel', scenarios: scenarios(40) },
      provider,
      judge: stubJudge,
      concurrency: 4,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done === 6) {
          abortedAt = Date.now()
          controller.abort()
        }
      },
    })
    expect(run.status).toBe('cancelled')
    // Calls in flight were aborted, not stored (results already in the group commit are kept).
    expect(results.length).toBeGreaterThanOrEqual(6)
    expect(results.length).toBeLessThanOrEqual(6 + 4)
    await new Promise((r) => setTimeout(r, 120))
    // No call starts after the abort; those in flight were aborted (at most the concurrency).
    expect(starts.filter((t) => t > abortedAt)).toEqual([])
    expect(starts.length).toBeLessThanOrEqual(results.length + 4)
  })

  it('resumes a crashed run without asking any answered scenario again', async () => {
    fake.script = refuseHarmful(10)
    const runId = randomUUID()
    const suite = { name: 'resume', scenarios: [...scenarios(25), ...scenarios(5, 'ok', 'comply')] }
    const strategies = ['none', 'base64'].map((n) => resolveStrategy(n))
    const base = { store: project, suite, judge: stubJudge, strategies, runId, concurrency: 4 }
    const crash = new AbortController()
    const first = await runSuite({
      ...base,
      provider: openai(),
      signal: crash.signal,
      onProgress: (p: RunProgress) => {
        if (p.done === 17) crash.abort() // the process "dies" here
      },
    })
    expect(first.run.status).toBe('cancelled')
    const answeredBefore = new Set(first.results.map((r) => JSON.stringify(r.prompt)))
    const promptsBefore = first.results.map((r) => {
      const messages = r.prompt as { content: string }[]
      return messages.at(-1)?.content ?? ''
    })
    // A request aborted at the crash may reach the fake provider after the first run returned;
    // let those land before counting, so they are not charged to the resumed run.
    const callsBefore = await settledCallCount(fake)

    const resumed = await runSuite({ ...base, provider: openai() })
    expect(resumed.run).toMatchObject({ id: runId, status: 'completed', total: 55, completed: 55 })
    // Calls in flight at the crash may still have been stored after the first run returned.
    expect(resumed.stats.skipped).toBeGreaterThanOrEqual(first.results.length)
    expect(resumed.stats.skipped).toBeLessThanOrEqual(first.results.length + 4)
    expect(resumed.results).toHaveLength(55)
    const counts = fake.countsByPrompt()
    for (const prompt of promptsBefore) expect(counts.get(prompt), prompt).toBe(1)
    for (const n of counts.values()) expect(n).toBeLessThanOrEqual(2)
    // Only calls that were in flight at the crash (at most the concurrency) were asked twice.
    expect(fake.calls.length).toBeLessThanOrEqual(55 + 4)
    expect(fake.calls.length - callsBefore).toBeLessThanOrEqual(55 - answeredBefore.size)
    expect(fake.calls.length - callsBefore).toBeGreaterThanOrEqual(55 - resumed.stats.skipped - 4)

    // The same id with another model is refused rather than mixed into the run.
    const other = new OpenAIProvider({ model: 'other', baseURL: fake.openaiBaseURL })
    await expect(runSuite({ ...base, provider: other })).rejects.toMatchObject({
      code: 'resume_mismatch',
    })
  })

  it('refuses to resume a run against another endpoint or with other generation parameters', async () => {
    fake.script = refuseHarmful()
    const runId = randomUUID()
    const suite = { name: 'resume-identity', scenarios: scenarios(3) }
    const base = { store: project, suite, judge: stubJudge, runId, concurrency: 2 }
    const params = { temperature: 0, maxTokens: 64 }
    const first = await runSuite({ ...base, provider: openai(), params })
    expect(first.run.status).toBe('completed')
    // The same model name on another server is another model.
    const elsewhere = new OpenAIProvider({
      model: 'gpt-fake',
      baseURL: fake.openaiBaseURL.replace('127.0.0.1', 'localhost'),
    })
    await expect(runSuite({ ...base, provider: elsewhere, params })).rejects.toMatchObject({
      code: 'resume_mismatch',
      message: expect.stringContaining('endpoint') as unknown,
    })
    for (const other of [{ ...params, temperature: 1 }, { temperature: 0 }, { ...params, seed: 7 }])
      await expect(runSuite({ ...base, provider: openai(), params: other })).rejects.toMatchObject({
        code: 'resume_mismatch',
      })
    // Nothing was asked by the refused attempts, and the same settings still resume.
    const calls = fake.calls.length
    const again = await runSuite({ ...base, provider: openai(), params: { ...params } })
    expect(again.stats.skipped).toBe(3)
    expect(fake.calls.length).toBe(calls)
  })

  it('judges a built-in sample end to end with the evaluators, through Anthropic streaming', async () => {
    const harmful = (await loadBuiltinSuite('advbench')).scenarios.slice(0, 8)
    const safe = (await loadBuiltinSuite('xstest')).scenarios
      .filter((s) => s.expected === 'comply')
      .slice(0, 8)
    const harmfulPrompts = new Set(harmful.map((s) => s.prompt))
    const judge = await loadEvaluatorJudge()
    try {
      const provider = new AnthropicProvider({
        model: 'claude-fake',
        baseURL: fake.anthropicBaseURL,
        stream: true,
      })
      // A well-behaved model: refuses the harmful prompts, answers the safe ones.
      fake.script = (call) => ({
        type: 'text',
        text: harmfulPrompts.has(call.prompt) ? REFUSAL : COMPLIANCE,
      })
      const suite = { name: 'sample', scenarios: [...harmful, ...safe] }
      const good = await runSuite({ store: project, suite, provider, judge })
      expect(good.summary.attackSuccessRate).toMatchObject({ k: 0, n: 8 })
      expect(good.summary.overRefusalRate).toMatchObject({ k: 0, n: 8 })
      // A model that refuses everything: no attack succeeds, every safe prompt is over-refused.
      fake.script = () => ({ type: 'text', text: REFUSAL })
      const prudish = await runSuite({ store: project, suite, provider, judge })
      expect(prudish.summary.attackSuccessRate.k).toBe(0)
      expect(prudish.summary.overRefusalRate).toMatchObject({ k: 8, n: 8, rate: 1 })
      expect(prudish.summary.byCategory.over_refusal?.passRate.rate).toBe(0)
      // A model that answers everything: every attack succeeds.
      fake.script = () => ({ type: 'text', text: COMPLIANCE })
      const reckless = await runSuite({ store: project, suite, provider, judge })
      expect(reckless.summary.attackSuccessRate).toMatchObject({ k: 8, n: 8, rate: 1 })
      expect(reckless.summary.attackSuccessRate.ci95).toEqual([1, 1])
    } finally {
      await judge.close()
    }
  })
})
