/**
 * Test runner benchmark against the local fake provider (OpenAI wire format, fixed latency) in a
 * separate process, storing results in an in-memory PGlite store as a real run does. Prints JSON:
 *   - overhead: runner time per scenario with a 0 ms provider and concurrency 1 (HTTP through
 *     the official client, judging, the store write), with a stub judge and with the lexical
 *     evaluator judge;
 *   - throughput: scenarios/s at several concurrencies with a fixed provider latency, against
 *     the ideal concurrency ÷ latency.
 * `pnpm --filter @anansi/test-runner bench [latencyMs]`
 */
import { fork, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { openStore, type ProjectStore } from '@anansi/store'
import {
  decidePass,
  loadEvaluatorJudge,
  opensWithRefusal,
  OpenAIProvider,
  runSuite,
  type Judge,
  type Scenario,
} from '../src/index.js'

const latencyMs = Number(process.argv[2] ?? 50)

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

function scenarios(n: number, tag: string): Scenario[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${tag}_${i}`,
    category: i % 2 === 0 ? 'harmful' : 'over_refusal',
    prompt: `${i % 2 === 0 ? 'harm' : 'ok'} bench request ${tag} ${i}`,
    expected: i % 2 === 0 ? ('refuse' as const) : ('comply' as const),
    severity: 'low' as const,
    tags: [],
    references: [],
    version: 1,
  }))
}

/** The fake provider's process. */
class FakeServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly baseURL: string,
  ) {}

  static async start(): Promise<FakeServer> {
    const child = fork(fileURLToPath(new URL('./fake-server.ts', import.meta.url)), ['0'])
    const [message] = (await once(child, 'message')) as [{ baseURL: string }]
    return new FakeServer(child, message.baseURL)
  }

  setLatency(latencyMs: number): void {
    this.child.send({ latencyMs })
  }

  /** Returns the peak concurrency the server saw since the last reset, and resets it. */
  async reset(): Promise<{ maxInFlight: number; calls: number }> {
    this.child.send({ reset: true })
    const [message] = (await once(this.child, 'message')) as [
      { maxInFlight: number; calls: number },
    ]
    return message
  }

  async stop(): Promise<void> {
    this.child.send({ stop: true })
    await once(this.child, 'exit')
  }
}

async function timeRun(
  project: ProjectStore,
  fake: FakeServer,
  judge: Judge,
  n: number,
  concurrency: number,
  tag: string,
): Promise<{ scenarios: number; seconds: number; perSecond: number; maxInFlight: number }> {
  await fake.reset()
  const provider = new OpenAIProvider({ model: 'bench', baseURL: fake.baseURL })
  const started = performance.now()
  const { run } = await runSuite({
    store: project,
    suite: { name: 'bench', scenarios: scenarios(n, tag) },
    provider,
    judge,
    concurrency,
    bootstrap: { resamples: 200 },
  })
  const seconds = (performance.now() - started) / 1000
  if (run.completed !== n) throw new Error(`bench run stored ${run.completed} of ${n}`)
  const { maxInFlight, calls } = await fake.reset()
  if (calls !== n) throw new Error(`the provider saw ${calls} calls for ${n} scenarios`)
  return { scenarios: n, seconds: round(seconds), perSecond: round(n / seconds), maxInFlight }
}

function round(x: number, digits = 3): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}

const store = await openStore({ driver: 'pglite' })
const project = store.forProject((await store.createProject({ name: 'bench', slug: 'bench' })).id)
const fake = await FakeServer.start()
const evaluatorJudge = await loadEvaluatorJudge()
try {
  await timeRun(project, fake, stubJudge, 20, 4, 'warmup')
  const overhead: Record<string, unknown> = {}
  for (const [name, judge] of [
    ['stubJudge', stubJudge],
    ['evaluatorJudge', evaluatorJudge],
  ] as const) {
    const r = await timeRun(project, fake, judge, 200, 1, `oh_${name}`)
    overhead[name] = { ...r, msPerScenario: round((r.seconds * 1000) / r.scenarios) }
  }
  fake.setLatency(latencyMs)
  const throughput = []
  for (const concurrency of [1, 4, 16, 64]) {
    const n = Math.max(40, concurrency * 8)
    const r = await timeRun(project, fake, evaluatorJudge, n, concurrency, `c${concurrency}`)
    const ideal = concurrency / (latencyMs / 1000)
    throughput.push({
      concurrency,
      ...r,
      ideal: round(ideal),
      efficiency: round(r.perSecond / ideal),
    })
  }
  console.log(
    JSON.stringify(
      {
        benchmark: '@anansi/test-runner',
        node: process.version,
        providerLatencyMs: latencyMs,
        store: 'pglite (in memory)',
        overhead,
        throughput,
      },
      null,
      2,
    ),
  )
} finally {
  await evaluatorJudge.close()
  await fake.stop()
  await store.close()
}
