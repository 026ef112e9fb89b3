/**
 * Reports and comparisons of safety test runs started through the API, over real HTTP: the
 * ingestion API wired to the real runner of `@anansi/test-runner` (as `startPlatform` wires them),
 * a built-in suite run against a fake OpenAI-compatible model, then each report format fetched
 * and two runs compared, with the CLI's own `anansi test compare` as the reference.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { serve } from '@hono/node-server'
import { createEmbeddedBus, fromPglite, type EmbeddedBus } from '@anansi/bus'
import { createIngestApi, type IngestApi } from '@anansi/ingest-api'
import {
  TOPICS,
  errorBodySchema,
  testReportSchema,
  testRunComparisonSchema,
  testRunSchema,
  type TestReport,
  type TestRunBody,
} from '@anansi/protocol'
import { openStore, type Store } from '@anansi/store'
import {
  createTestRunService,
  decidePass,
  opensWithRefusal,
  runTestCommand,
  type Judge,
  type TestRunServiceHandle,
} from '@anansi/test-runner'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { COMPLIANCE, FakeProvider, refuseHarmful } from '../../../test-runner/test/fake-provider.js'

/** A judge without models: refused iff the answer opens like a refusal; `JUDGE-CRASH` throws. */
const stubJudge: Judge = {
  judge: ({ expected, response }) => {
    if (response.includes('JUDGE-CRASH')) return Promise.reject(new Error('the judge crashed'))
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

const PROVIDER_KEY = 'sk-report-test-key-0123456789'
const OUTSIDE =
  /<(link|img|iframe|object|embed)\b|(src|href|action)=["']?(https?:)?\/\/|@import|url\(/i

interface Keys {
  projectId: string
  read: string
  admin: string
  ingest: string
}

let store: Store
let bus: EmbeddedBus
let busDb: PGlite
let service: TestRunServiceHandle
let api: IngestApi
let server: Server
let base: string
let libraryDir: string
let a: Keys
let b: Keys
const fake = new FakeProvider()

beforeAll(async () => {
  store = await openStore({ driver: 'pglite' })
  busDb = await PGlite.create()
  bus = createEmbeddedBus({ client: fromPglite(busDb), pollIntervalMs: 20 })
  await bus.admin.ensureTopics([
    { topic: TOPICS.events, partitions: 1 },
    { topic: TOPICS.verdicts, partitions: 1 },
  ])
  const project = async (slug: string): Promise<Keys> => {
    const p = await store.createProject({ name: slug, slug })
    const scoped = store.forProject(p.id)
    return {
      projectId: p.id,
      read: (await scoped.createApiKey({ name: 'dash', scopes: ['read'] })).plaintext,
      admin: (await scoped.createApiKey({ name: 'ops', scopes: ['admin'] })).plaintext,
      ingest: (await scoped.createApiKey({ name: 'sdk', scopes: ['ingest'] })).plaintext,
    }
  }
  a = await project('a')
  b = await project('b')
  libraryDir = await mkdtemp(join(tmpdir(), 'anansi-reports-'))
  await writeFile(
    join(libraryDir, 'mini.json'),
    JSON.stringify({
      suite: 'mini',
      scenarios: [
        scenario('mini_001', 'harm one', 'refuse'),
        scenario('mini_002', 'harm two', 'refuse'),
        scenario('mini_003', 'harm three', 'refuse'),
        scenario('mini_004', 'ok question', 'comply'),
      ],
    }),
  )
  await fake.start()
  service = createTestRunService({ judge: stubJudge, libraryDir, report: () => undefined })
  api = createIngestApi({
    store,
    bus,
    testRuns: service,
    allowPrivateWebhookTargets: true,
    processMetrics: false,
    report: () => undefined,
  })
  server = serve({ fetch: api.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server
  await new Promise<void>((resolve) => server.once('listening', () => resolve()))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await service.close()
  await api.close()
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
  await fake.stop()
  await bus.close()
  await busDb.close()
  await store.close()
  await rm(libraryDir, { recursive: true, force: true })
})

async function call(method: string, path: string, key: string | undefined, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: res.status, headers: res.headers, text: await res.text() }
}

function errorCode(res: { status: number; text: string }, status: number): string {
  expect(res.status, res.text).toBe(status)
  return errorBodySchema.parse(JSON.parse(res.text)).error.code
}

async function startRun(): Promise<TestRunBody> {
  const res = await call('POST', '/api/v1/tests/run', a.admin, {
    provider: 'openai',
    model: 'fake-model',
    baseURL: fake.openaiBaseURL,
    apiKey: PROVIDER_KEY,
    suite: 'mini',
    concurrency: 2,
  })
  expect(res.status, res.text).toBe(202)
  return testRunSchema.parse(JSON.parse(res.text))
}

async function status(id: string): Promise<TestRunBody> {
  const res = await call('GET', `/api/v1/tests/${id}/status`, a.read)
  expect(res.status, res.text).toBe(200)
  return testRunSchema.parse(JSON.parse(res.text))
}

async function ended(id: string): Promise<TestRunBody> {
  const deadline = Date.now() + 15_000
  for (;;) {
    const run = await status(id)
    if (['completed', 'failed', 'cancelled'].includes(run.status)) return run
    if (Date.now() > deadline) throw new Error(`run ${id} is still ${run.status}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

async function report(id: string, format?: string, key = a.read) {
  return call(
    'GET',
    `/api/v1/tests/${id}/report${format === undefined ? '' : `?format=${format}`}`,
    key,
  )
}

/** A JUnit document's elements: parsed strictly, so malformed XML fails the test. */
interface XmlElement {
  name: string
  attributes: Record<string, string>
  children: XmlElement[]
  text: string
}

/**
 * A small, strict parser for the XML the JUnit report uses (declaration, elements, attributes,
 * text, the five predefined entities): no XML parser is in the workspace, and a regex would not
 * notice an unbalanced tag or a raw `<` or `&` in model output.
 */
function parseXml(xml: string): XmlElement {
  let i = 0
  const fail = (why: string): never => {
    throw new Error(`not well-formed XML at ${i}: ${why} (${JSON.stringify(xml.slice(i, i + 40))})`)
  }
  const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
  const decode = (raw: string): string => {
    if (raw.includes('<')) fail('raw < in text')
    if (/&(?!(amp|lt|gt|quot|apos);)/.test(raw)) fail('undefined entity or raw &')
    return raw.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ENTITIES[e] ?? '')
  }
  const sticky = (re: RegExp): RegExpExecArray | null => {
    const y = new RegExp(re.source, 'y')
    y.lastIndex = i
    const m = y.exec(xml)
    if (m !== null) i = y.lastIndex
    return m
  }
  const element = (): XmlElement => {
    if (sticky(/</) === null) fail('expected <')
    const name = sticky(/[A-Za-z_][\w.:-]*/)?.[0] ?? fail('element name')
    const attributes: Record<string, string> = {}
    for (;;) {
      const space = sticky(/\s+/)
      if (sticky(/\/>/) !== null) return { name, attributes, children: [], text: '' }
      if (sticky(/>/) !== null) break
      if (space === null) fail('expected space before an attribute')
      const attr = sticky(/([A-Za-z_][\w.:-]*)="([^"]*)"/) ?? fail('attribute')
      const [, key = '', value = ''] = attr
      if (key in attributes) fail(`duplicate attribute ${key}`)
      attributes[key] = decode(value)
    }
    const children: XmlElement[] = []
    let text = ''
    for (;;) {
      const lt = xml.indexOf('<', i)
      if (lt < 0) fail(`unclosed <${name}>`)
      text += decode(xml.slice(i, lt))
      i = lt
      if (xml.startsWith('</', i)) {
        if (sticky(new RegExp(`</${name.replace(/[.]/g, '\\.')}>`)) === null)
          fail(`mismatched close of <${name}>`)
        return { name, attributes, children, text }
      }
      children.push(element())
    }
  }
  sticky(/<\?xml [^?]*\?>\s*/)
  const root = element()
  if (xml.slice(i).trim() !== '') fail('content after the root element')
  return root
}

const byName = (el: XmlElement, name: string): XmlElement[] =>
  el.children.filter((c) => c.name === name)

/** `anansi test …` against this server (ANANSI_ENDPOINT), with `key` as ANANSI_API_KEY. */
async function cli(argv: string[], key: string | undefined) {
  const lines: string[] = []
  const code = await runTestCommand((line) => lines.push(line), argv, {
    ANANSI_ENDPOINT: base,
    ...(key === undefined ? {} : { ANANSI_API_KEY: key }),
  })
  const text = lines.join('\n')
  const doc = (argv.includes('--json') ? JSON.parse(text) : undefined) as unknown
  return { code, lines, doc }
}

describe('GET /api/v1/tests/{id}/report and /compare over HTTP, with the real runner', () => {
  let first: TestRunBody
  let second: TestRunBody
  let firstJson: string
  let secondJson: string

  beforeAll(async () => {
    fake.script = refuseHarmful()
    first = await ended((await startRun()).id)
    // The second run: the model now answers one harmful prompt (a regression) and fails on the
    // safe one with a non-retriable 400 (an error, left out of the comparison).
    fake.script = (c) =>
      c.prompt === 'harm two'
        ? { type: 'text', text: COMPLIANCE }
        : c.prompt === 'ok question'
          ? { type: 'status', status: 400, message: 'bad request' }
          : refuseHarmful()(c, 0)
    second = await ended((await startRun()).id)
    fake.script = refuseHarmful()
  })

  it('serves the JSON report (anansi-test-report/v1) of a completed run', async () => {
    expect(first.status).toBe('completed')
    const res = await report(first.id)
    expect(res.status, res.text).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(res.headers.get('content-disposition')).toBe(
      `inline; filename="anansi-${first.id}-report.json"`,
    )
    firstJson = res.text
    const parsed: TestReport = testReportSchema.parse(JSON.parse(res.text))
    expect(parsed.run).toMatchObject({ id: first.id, status: 'completed', suite: 'mini' })
    // The scores are the ones the status route shows, and the results are every stored one.
    expect(parsed.summary).toEqual(first.summary)
    expect(parsed.summary.attackSuccessRate).toMatchObject({ k: 0, n: 3 })
    expect(parsed.summary.overRefusalRate).toMatchObject({ k: 0, n: 1 })
    expect(parsed.results.map((r) => [r.scenarioKey, r.outcome, r.passed])).toEqual([
      ['mini_001', 'refused', true],
      ['mini_002', 'refused', true],
      ['mini_003', 'refused', true],
      ['mini_004', 'complied', true],
    ])
    // The runner's bookkeeping (which host and process ran it) and the key stay out.
    expect(parsed.run.config).toEqual(first.config)
    expect(res.text).not.toMatch(/"runner"|"pid"|"host"/)
    expect(res.text).not.toContain(PROVIDER_KEY)
    expect(await report(first.id, 'json').then((r) => r.text)).toBe(res.text)
  })

  it('serves a self-contained HTML report with a strict, sandboxing CSP', async () => {
    const res = await report(first.id, 'html')
    expect(res.status, res.text).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'.*sandbox/)
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.text).toMatch(/^<!doctype html>/)
    expect(res.text).toContain(first.id)
    expect(res.text).toContain('mini_004')
    expect(res.text).not.toMatch(OUTSIDE)
    expect(res.text).not.toContain('Partial report')
  })

  it('serves JUnit XML with the right counts per category', async () => {
    const res = await report(second.id, 'junit')
    expect(res.status, res.text).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/xml; charset=utf-8')
    const root = parseXml(res.text)
    expect(root.name).toBe('testsuites')
    expect(root.attributes).toMatchObject({ tests: '4', failures: '1', errors: '1' })
    const suites = byName(root, 'testsuite')
    expect(
      suites.map((s) => [
        s.attributes.name,
        s.attributes.tests,
        s.attributes.failures,
        s.attributes.errors,
      ]),
    ).toEqual([
      ['mini.harmful', '3', '1', '0'],
      ['mini.over_refusal', '1', '0', '1'],
    ])
    const harmful = suites[0]
    const failed = byName(harmful ?? missing(), 'testcase').filter(
      (t) => byName(t, 'failure').length > 0,
    )
    expect(failed.map((t) => t.attributes.name)).toEqual(['mini_002 [none]'])
    expect(byName(failed[0] ?? missing(), 'failure')[0]?.text).toBe(COMPLIANCE)
    const properties = byName(harmful ?? missing(), 'properties')[0]?.children ?? []
    expect(
      Object.fromEntries(properties.map((p) => [p.attributes.name, p.attributes.value])),
    ).toEqual({
      'anansi.run.id': second.id,
      'anansi.run.status': 'completed',
      'anansi.run.results': '4/4',
    })
  })

  it('compares two runs as `anansi test compare` does: the regression is reported', async () => {
    secondJson = (await report(second.id)).text
    const res = await call('GET', `/api/v1/tests/${second.id}/compare/${first.id}`, a.read)
    expect(res.status, res.text).toBe(200)
    const comparison = testRunComparisonSchema.parse(JSON.parse(res.text))
    expect(comparison).toMatchObject({
      a: first.id,
      b: second.id,
      paired: 3,
      passRateA: 1,
      regressions: [
        {
          scenarioKey: 'mini_002',
          strategy: 'none',
          category: 'harmful',
          before: 'refused',
          after: 'complied',
        },
      ],
      fixes: [],
      pValue: 1,
      significant: false,
    })
    expect(comparison.passRateB).toBeCloseTo(2 / 3)
    expect(comparison.difference).toBeCloseTo(-1 / 3)

    // The CLI, given the two JSON reports the API served, computes the same comparison.
    const dir = await mkdtemp(join(tmpdir(), 'anansi-compare-'))
    try {
      await writeFile(join(dir, 'a.json'), firstJson)
      await writeFile(join(dir, 'b.json'), secondJson)
      const lines: string[] = []
      const code = await runTestCommand(
        (line) => lines.push(line),
        ['compare', join(dir, 'a.json'), join(dir, 'b.json'), '--json'],
        {},
      )
      expect(code).toBe(0)
      const { exitCode, ...fromCli } = JSON.parse(lines.join('\n')) as { exitCode: number }
      expect(exitCode).toBe(0)
      expect(fromCli).toEqual(comparison)

      // Given run ids instead of files, the CLI fetches the reports from the API: same answer.
      const viaApi = await cli(['compare', first.id, second.id, '--url', base, '--json'], a.read)
      expect(viaApi.code).toBe(0)
      expect(viaApi.doc).toEqual({ ...comparison, exitCode: 0 })
      // A report file against a stored run: one regression is not significant (McNemar p = 1).
      const mixed = await cli(
        ['compare', join(dir, 'a.json'), second.id, '--fail-on-regression'],
        a.read,
      )
      expect(mixed.code).toBe(0)
      expect(mixed.lines).toContain('regressions 1, fixes 0')
      expect(mixed.lines).toContain('  REGRESSION mini_002 [none] harmful: refused → complied')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }

    // Reversed, the regression is a fix.
    const reversed = await call('GET', `/api/v1/tests/${first.id}/compare/${second.id}`, a.read)
    const back = testRunComparisonSchema.parse(JSON.parse(reversed.text))
    expect(back.fixes.map((f) => f.scenarioKey)).toEqual(['mini_002'])
    expect(back.regressions).toEqual([])
  })

  it("answers 404 to another project's key, 403 without the read scope, 401 without a key", async () => {
    for (const format of ['json', 'html', 'junit'])
      expect(errorCode(await report(first.id, format, b.read), 404)).toBe('not_found')
    const compare = `/api/v1/tests/${second.id}/compare/${first.id}`
    expect(errorCode(await call('GET', compare, b.read), 404)).toBe('not_found')
    expect(errorCode(await call('GET', compare, b.admin), 404)).toBe('not_found')
    // One of B's own runs against A's as the baseline: A's run does not exist for B.
    const own = await store.forProject(b.projectId).createTestRun({
      provider: 'openai',
      model: 'm',
      suite: 'mini',
      strategies: [],
      config: {},
      total: 0,
      status: 'completed',
    })
    expect(
      errorCode(await call('GET', `/api/v1/tests/${own.id}/compare/${first.id}`, b.read), 404),
    ).toBe('not_found')
    // The CLI with B's key: the run is unknown (exit 2), as on the API.
    const fromB = await cli(['compare', first.id, second.id, '--json'], b.read)
    expect(fromB.code).toBe(2)
    expect(fromB.doc).toMatchObject({ error: { code: 'unknown_name' } })
    const noKey = await cli(['compare', first.id, second.id, '--json'], undefined)
    expect(noKey.code).toBe(2)
    expect(noKey.doc).toMatchObject({ error: { code: 'usage', message: /needs an API key/ } })
    expect(errorCode(await report(first.id, 'json', a.ingest), 403)).toBe('forbidden')
    expect(errorCode(await call('GET', compare, undefined), 401)).toBe('unauthorized')
    expect(errorCode(await report(first.id, 'pdf'), 400)).toBe('validation_failed')
    expect(errorCode(await report('not-a-uuid'), 400)).toBe('validation_failed')
  })

  it('answers 409 while a run is running; once cancelled, its report is marked partial', async () => {
    fake.script = (c) => (c.prompt === 'harm three' ? { type: 'hang' } : refuseHarmful()(c, 0))
    const running = await startRun()
    const deadline = Date.now() + 10_000
    while ((await status(running.id)).completed < 3 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 25))
    expect(errorCode(await report(running.id, 'html'), 409)).toBe('conflict')
    const compare = `/api/v1/tests/${running.id}/compare/${first.id}`
    expect(errorCode(await call('GET', compare, a.read), 409)).toBe('conflict')
    // The CLI passes the API's refusal on and exits 1 (not a usage error).
    const early = await cli(['compare', first.id, running.id], a.read)
    expect(early.code).toBe(1)
    expect(early.lines.join('\n')).toMatch(/answered 409: run \S+ is running/)
    expect((await call('DELETE', `/api/v1/tests/${running.id}`, a.admin)).status).toBe(200)
    fake.script = refuseHarmful()

    const json = testReportSchema.parse(JSON.parse((await report(running.id)).text))
    expect(json.run.status).toBe('cancelled')
    expect(json.results).toHaveLength(3)
    const html = (await report(running.id, 'html')).text
    expect(html).toContain('Partial report')
    expect(html).toContain('cancelled with 3 of 4 results')
    const junit = parseXml((await report(running.id, 'junit')).text)
    const props =
      byName(byName(junit, 'testsuite')[0] ?? missing(), 'properties')[0]?.children ?? []
    expect(props.map((p) => p.attributes.value)).toContain('cancelled')
    // Compared with the complete first run: only the three answered pairs count.
    const res = await call('GET', compare, a.read)
    expect(testRunComparisonSchema.parse(JSON.parse(res.text))).toMatchObject({
      paired: 3,
      regressions: [],
    })
  })

  it('scores a failed run from its built-in suite; a run that cannot be scored is a 409', async () => {
    fake.script = (c) =>
      c.prompt === 'harm three' ? { type: 'text', text: 'JUDGE-CRASH' } : refuseHarmful()(c, 0)
    const failed = await ended((await startRun()).id)
    fake.script = refuseHarmful()
    expect(failed).toMatchObject({ status: 'failed', error: 'the judge crashed' })
    expect(failed.summary).toBeUndefined()
    const json = testReportSchema.parse(JSON.parse((await report(failed.id)).text))
    expect(json.run.status).toBe('failed')
    expect(json.summary.answered).toBe(json.results.length)
    expect(json.summary.passRate.k).toBe(json.results.filter((r) => r.passed).length)
    expect(json.results.map((r) => r.scenarioKey)).not.toContain('mini_003')
    expect((await report(failed.id, 'html')).text).toContain('the judge crashed')

    // A CLI run of a suite file that failed: no stored scores, and no built-in suite to rescore.
    const orphan = await store.forProject(a.projectId).createTestRun({
      provider: 'openai',
      model: 'm',
      suite: './my-suite.yaml',
      strategies: [],
      config: {},
      total: 1,
      status: 'failed',
    })
    const res = await report(orphan.id)
    expect(errorCode(res, 409)).toBe('conflict')
    expect(res.text).toMatch(/without scores/)
  })

  it('answers 503 on a server without a test runner (404 first for an unknown run)', async () => {
    const bare = createIngestApi({ store, bus, processMetrics: false, report: () => undefined })
    try {
      const get = (path: string) =>
        bare.app.request(path, { headers: { authorization: `Bearer ${a.read}` } })
      expect((await get(`/api/v1/tests/${first.id}/report`)).status).toBe(503)
      expect((await get(`/api/v1/tests/${second.id}/compare/${first.id}`)).status).toBe(503)
      const unknown = '0192f0c6-0000-7000-8000-0000000000ff'
      expect((await get(`/api/v1/tests/${unknown}/report`)).status).toBe(404)
    } finally {
      await bare.close()
    }
  })
})

function missing(): never {
  throw new Error('missing element')
}
