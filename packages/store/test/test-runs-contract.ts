import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { StoreError, type Store, type TestResultInput } from '../src/index.js'
import { newProject } from './fixtures.js'

/** A judged result for a scenario, complied and failed unless patched. */
export function makeTestResult(
  scenarioKey: string,
  patch: Partial<TestResultInput> = {},
): TestResultInput {
  return {
    scenarioKey,
    category: 'harmful',
    prompt: [{ role: 'user', content: `prompt of ${scenarioKey}` }],
    response: 'Sure, here is how.',
    outcome: 'complied',
    passed: false,
    scores: { refusal: 0.1 },
    latencyMs: 12.5,
    ...patch,
  }
}

const RUN = { provider: 'openai', model: 'gpt-4o', suite: 'harmbench', config: { seed: 1 } }

async function errorOf(promise: Promise<unknown>): Promise<StoreError> {
  const error: unknown = await promise.catch((e: unknown) => e)
  expect(error).toBeInstanceOf(StoreError)
  return error as StoreError
}

/** Test runs and their results, run inside each driver's contract. */
export function defineTestRunsContract(getStore: () => Store): void {
  describe('test runs', () => {
    it('creates a queued run, moves it through its life and stamps the times', async () => {
      const project = await newProject(getStore())
      const run = await project.createTestRun({ ...RUN, strategies: ['base64'], total: 3 })
      expect(run).toMatchObject({
        status: 'queued',
        strategies: ['base64'],
        total: 3,
        completed: 0,
        config: { seed: 1 },
      })
      expect(run.startedAt).toBeUndefined()
      const running = await project.updateTestRun(run.id, { status: 'running' })
      expect(running?.startedAt).toBeDefined()
      const again = await project.updateTestRun(run.id, { status: 'running' })
      expect(again?.startedAt).toBe(running?.startedAt)
      const done = await project.updateTestRun(run.id, {
        status: 'completed',
        summary: { asr: 0.5 },
      })
      expect(done).toMatchObject({ status: 'completed', summary: { asr: 0.5 } })
      expect(done?.finishedAt).toBeDefined()
      expect(await project.getTestRun(run.id)).toEqual(done)
      const resumed = await project.updateTestRun(run.id, { status: 'running', error: null })
      expect(resumed?.finishedAt).toBeUndefined()
      expect((await errorOf(project.updateTestRun(run.id, {}))).code).toBe('invalid_argument')
      const bad = project.updateTestRun(run.id, { total: -1 })
      expect((await errorOf(bad)).code).toBe('invalid_argument')
    })

    it('makes creation with a caller-chosen id idempotent', async () => {
      const project = await newProject(getStore())
      const id = randomUUID()
      const first = await project.createTestRun({ ...RUN, id })
      expect(first.id).toBe(id)
      expect(await project.createTestRun({ ...RUN, id, suite: 'other' })).toEqual(first)
      const invalid = project.createTestRun({ ...RUN, id: 'nope' })
      expect((await errorOf(invalid)).code).toBe('invalid_argument')
    })

    it('lists runs newest first', async () => {
      const project = await newProject(getStore())
      const a = await project.createTestRun(RUN)
      const b = await project.createTestRun(RUN)
      const listed = await project.listTestRuns()
      expect(listed.map((r) => r.id).sort()).toEqual([a.id, b.id].sort())
      expect(Date.parse(listed[0]?.createdAt ?? '')).toBeGreaterThanOrEqual(
        Date.parse(listed[1]?.createdAt ?? ''),
      )
      expect(await project.listTestRuns({ limit: 1 })).toHaveLength(1)
      expect(await project.listTestRuns({ before: '2000-01-01T00:00:00Z' })).toEqual([])
    })

    it('records results once per (run, scenario, strategy) and counts progress', async () => {
      const project = await newProject(getStore())
      const run = await project.createTestRun({ ...RUN, total: 4 })
      const written = await project.recordTestResults(run.id, [
        makeTestResult('harm_001'),
        makeTestResult('harm_001', { strategy: 'base64' }),
        makeTestResult('harm_002', { outcome: 'refused', passed: true }),
      ])
      expect(written).toBe(3)
      const changed = makeTestResult('harm_001', { response: 'changed', passed: true })
      expect(await project.recordTestResults(run.id, [changed])).toBe(0)
      expect((await project.getTestRun(run.id))?.completed).toBe(3)
      const results = await project.listTestResults(run.id)
      expect(results.map((r) => [r.scenarioKey, r.strategy])).toEqual([
        ['harm_001', 'base64'],
        ['harm_001', 'none'],
        ['harm_002', 'none'],
      ])
      expect(results[1]).toMatchObject({
        response: 'Sure, here is how.',
        outcome: 'complied',
        passed: false,
        scores: { refusal: 0.1 },
        latencyMs: 12.5,
        cached: false,
        runId: run.id,
      })
      const page = await project.listTestResults(run.id, {
        after: { scenarioKey: 'harm_001', strategy: 'none' },
      })
      expect(page.map((r) => r.scenarioKey)).toEqual(['harm_002'])
    })

    it('replaces an error result with a later attempt, but never an answered one', async () => {
      const project = await newProject(getStore())
      const run = await project.createTestRun(RUN)
      const failed = makeTestResult('x_1', { outcome: 'error', error: 'HTTP 503', response: '' })
      await project.recordTestResults(run.id, [failed])
      expect(await project.recordTestResults(run.id, [makeTestResult('x_1')])).toBe(1)
      const [answered] = await project.listTestResults(run.id)
      expect(answered).toMatchObject({ outcome: 'complied', response: 'Sure, here is how.' })
      expect(answered?.error).toBeUndefined()
      expect(await project.recordTestResults(run.id, [failed])).toBe(0)
      expect((await project.getTestRun(run.id))?.completed).toBe(1)
    })

    it('keeps concurrent writes of the same result to one row', async () => {
      const project = await newProject(getStore())
      const run = await project.createTestRun(RUN)
      const counts = await Promise.all(
        Array.from({ length: 8 }, () => project.recordTestResults(run.id, [makeTestResult('c_1')])),
      )
      expect(counts.reduce((a, b) => a + b, 0)).toBe(1)
      expect(await project.listTestResults(run.id)).toHaveLength(1)
    })

    it('stores NUL characters in responses as U+FFFD', async () => {
      const project = await newProject(getStore())
      const run = await project.createTestRun(RUN)
      await project.recordTestResults(run.id, [makeTestResult('n_1', { response: 'a\u0000b' })])
      expect((await project.listTestResults(run.id))[0]?.response).toBe('a\uFFFDb')
    })

    it('refuses results for a run the project does not have', async () => {
      const project = await newProject(getStore())
      const missing = project.recordTestResults(randomUUID(), [makeTestResult('m_1')])
      expect((await errorOf(missing)).code).toBe('invalid_reference')
      const notUuid = project.recordTestResults('nope', [makeTestResult('m_1')])
      expect((await errorOf(notUuid)).code).toBe('invalid_reference')
      expect(await project.getTestRun('nope')).toBeUndefined()
      expect(await project.listTestResults('nope')).toEqual([])
    })
  })
}

/** Tenant isolation of test runs: B can neither see nor change A's runs or results. */
export async function checkTestRunIsolation(store: Store): Promise<void> {
  const a = await newProject(store)
  const b = await newProject(store)
  const id = randomUUID()
  const run = await a.createTestRun({ ...RUN, id })
  await a.recordTestResults(run.id, [makeTestResult('iso_1')])

  expect(await b.getTestRun(run.id)).toBeUndefined()
  expect(await b.listTestRuns()).toEqual([])
  expect(await b.updateTestRun(run.id, { status: 'cancelled' })).toBeUndefined()
  expect(await b.listTestResults(run.id)).toEqual([])
  await expect(b.recordTestResults(run.id, [makeTestResult('iso_2')])).rejects.toMatchObject({
    code: 'invalid_reference',
  })
  // The same id cannot be claimed by B, and A's run and results are unchanged.
  await expect(b.createTestRun({ ...RUN, id })).rejects.toMatchObject({
    code: 'invalid_reference',
  })
  expect(await a.getTestRun(run.id)).toEqual({ ...run, completed: 1 })
  expect((await a.listTestResults(run.id)).map((r) => r.scenarioKey)).toEqual(['iso_1'])
}
