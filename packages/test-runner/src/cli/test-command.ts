import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { testReportFormatSchema, uuidv7 } from '@anansi/protocol'
import { openStore, type Store } from '@anansi/store'
import { z } from 'zod'
import { compareReports, parseReport, type ComparableReport } from '../compare.js'
import { TestRunnerError } from '../errors.js'
import { FileCache } from '../execution/response-cache.js'
import { loadEvaluatorJudge, type Judge } from '../judging/judge.js'
import { LlmJudge } from '../judging/llm-judge.js'
import { AnthropicProvider } from '../providers/anthropic.js'
import { OpenAIProvider } from '../providers/openai.js'
import type { Provider } from '../providers/provider.js'
import { REPORT_FILES, renderReport } from '../reports/stored-report.js'
import { runSuite, type RunProgress } from '../runner.js'
import { listBuiltinSuites, loadBuiltinSuite, resolveSuite } from '../scenarios/load.js'
import type { Scenario } from '../scenarios/scenario.js'
import type { Rate } from '../scoring/bootstrap.js'
import { checkGates } from '../scoring/gates.js'
import { BUILTIN_STRATEGIES, resolveStrategy, type Strategy } from '../strategies/strategies.js'
import { loadTemplates, templateMap } from '../strategies/templates.js'

/**
 * Exit codes, as \`anansi --help\` lists them: 0 every gate held, 1 scenarios ended in provider
 * errors beyond --max-errors (or an unexpected failure), 2 bad usage, 3 a threshold failed
 * (--fail-under, --max-asr, compare --fail-on-regression: the model is judged unsafe, like
 * \`anansi evaluate\`), 130 cancelled.
 */
export const TEST_EXIT = { ok: 0, errors: 1, usage: 2, threshold: 3, cancelled: 130 } as const

/** Report formats in the order they are written. */
const REPORT_FORMATS = testReportFormatSchema.options

/** What the command may use besides its arguments (the CLI passes stderr and a SIGINT signal). */
export interface TestCommandIo {
  /**
   * Where status goes (usually stderr): the run id as the run starts, so a killed run can be
   * resumed, and the progress bar, drawn only when this is a terminal (\r redraws would litter a
   * CI log or a redirected file). Nothing when absent.
   */
  progress?: { isTTY?: boolean; write(text: string): unknown }
  /** Aborts the run (Ctrl-C); the run is stored as cancelled and can be resumed. */
  signal?: AbortSignal
  /** An open store to use instead of opening one from the flags and environment. */
  store?: Store
  /** A judge to use instead of loading the evaluators. */
  judge?: Judge
}

export const TEST_USAGE = `usage: anansi test <run|compare|list> [options]

anansi test run --provider openai|anthropic --model NAME --suite NAME[,NAME|FILE…] [options]
  --base-url URL          any OpenAI-compatible endpoint (vLLM, Ollama, LM Studio); env OPENAI_BASE_URL
  --api-key-env NAME      env var holding the key (default OPENAI_API_KEY / ANTHROPIC_API_KEY)
  --strategies LIST       e.g. base64,leetspeak,roleplay,payload_split,dan,template:<id>, chains with +
  --no-baseline           with --strategies: do not also send each behaviour as written
  --concurrency N         most calls in flight (default 4); adapts down on 429
  --limit N               first N scenarios of each suite (smoke runs)
  --run-id UUID           resume this run (or create it with this id)
  --out DIR               where reports go (default .anansi/reports/<run id>)
  --format LIST           json,html,junit (default all three)
  --fail-under RATE       exit 3 when the pass rate is below RATE (0..1) or nothing was judged
  --max-asr RATE          exit 3 when the attack success rate is above RATE (0..1) or unknown
  --max-errors N          exit 1 when more than N scenarios end in provider errors (default 0)
  --temperature T, --max-tokens N, --stream, --timeout-ms N, --max-retries N
  --max-tokens-field F    max_tokens | max_completion_tokens (default: the latter only for api.openai.com)
  --no-cache | --cache-dir DIR   response cache (default .anansi/cache)
  --data-dir DIR          PGlite data dir (default .anansi/test-runs); DATABASE_URL selects Postgres
  --project SLUG          project the run belongs to (default "default")
  --judge-model NAME      judge with this model (LLM-as-judge) instead of the Anansi evaluators;
                          --judge-provider, --judge-base-url, --judge-api-key-env default to the target's
anansi test compare A B [--fail-on-regression]
  A and B (baseline first) are JSON reports (report.json), or run ids stored by the API:
  a run id is fetched from GET /api/v1/tests/{id}/report on
  --url URL               the ingest API (default ANANSI_ENDPOINT, else http://127.0.0.1:8787)
  --key KEY               an API key with the read scope (default ANANSI_API_KEY)
anansi test list
every subcommand takes --json: one JSON document on stdout (errors as {"error": {code, message}})

exit codes: 0 passed, 1 provider errors beyond --max-errors (or an unexpected failure),
2 bad usage, 3 a threshold failed, 130 cancelled (resume with --run-id)
`

class UsageError extends TestRunnerError {
  constructor(message: string) {
    super('usage', message)
  }
}

function pct(rate: Rate): string {
  if (rate.rate === null || rate.ci95 === null) return '–'
  const f = (x: number): string => `${(x * 100).toFixed(1)}%`
  return `${f(rate.rate)} [${f(rate.ci95[0])}, ${f(rate.ci95[1])}] (n=${rate.n})`
}

function fraction(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  const x = Number(value)
  if (!Number.isFinite(x) || x < 0 || x > 1) throw new UsageError(`${flag} must be between 0 and 1`)
  return x
}

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  const x = Number(value)
  if (!Number.isInteger(x) || x < 0) throw new UsageError(`${flag} must be a non-negative integer`)
  return x
}

function progressBar(p: RunProgress): string {
  const width = 30
  const filled = p.total === 0 ? width : Math.round((p.done / p.total) * width)
  return `\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${p.done}/${p.total} pass ${p.passed} fail ${p.failed} err ${p.errors} cached ${p.cached} limit ${p.limiter.limit}  `
}

/** The target provider from `--provider`, `--model`, …, or the judge's from `--judge-…`. */
function buildProvider(
  values: Record<string, string | boolean | undefined>,
  env: Readonly<Record<string, string | undefined>>,
  prefix: '' | 'judge-' = '',
): Provider {
  const str = (k: string): string | undefined => {
    const v = values[`${prefix}${k}`] ?? (prefix === '' || k === 'model' ? undefined : values[k])
    return typeof v === 'string' ? v : undefined
  }
  const model = str('model')
  if (model === undefined) throw new UsageError(`--${prefix}model is required`)
  const name = str('provider') ?? 'openai'
  const timeoutMs = positiveInt(str('timeout-ms'), '--timeout-ms')
  const common = {
    model,
    stream: values.stream === true,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  }
  if (name === 'openai') {
    const apiKey = env[str('api-key-env') ?? 'OPENAI_API_KEY']
    const baseURL = str('base-url') ?? env.OPENAI_BASE_URL
    const field = str('max-tokens-field')
    if (field !== undefined && field !== 'max_tokens' && field !== 'max_completion_tokens')
      throw new UsageError('--max-tokens-field must be max_tokens or max_completion_tokens')
    return new OpenAIProvider({
      ...common,
      ...(field === undefined ? {} : { maxTokensField: field }),
      ...(apiKey === undefined ? {} : { apiKey }),
      ...(baseURL === undefined ? {} : { baseURL }),
    })
  }
  if (name === 'anthropic') {
    const apiKey = env[str('api-key-env') ?? 'ANTHROPIC_API_KEY']
    const baseURL = str('base-url') ?? env.ANTHROPIC_BASE_URL
    return new AnthropicProvider({
      ...common,
      ...(apiKey === undefined ? {} : { apiKey }),
      ...(baseURL === undefined ? {} : { baseURL }),
    })
  }
  throw new UsageError(
    `--${prefix}provider must be openai or anthropic, not ${JSON.stringify(name)}`,
  )
}

async function buildStrategies(list: string | undefined, baseline: boolean): Promise<Strategy[]> {
  if (list === undefined || list.trim() === '') return []
  const templates = templateMap(await loadTemplates())
  const names = list
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '')
    .map((chain) =>
      chain
        .split('+')
        .map((part) =>
          BUILTIN_STRATEGIES.some((s) => s.name === part) || part.startsWith('template:')
            ? part
            : `template:${part}`,
        )
        .join('+'),
    )
  const withBaseline = baseline && !names.includes('none') ? ['none', ...names] : names
  return withBaseline.map((n) => resolveStrategy(n, templates))
}

async function openDefaultStore(
  values: Record<string, string | boolean | undefined>,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Store> {
  const url = env.DATABASE_URL
  if (url !== undefined && url !== '') return openStore({ driver: 'postgres', url })
  const dataDir = typeof values['data-dir'] === 'string' ? values['data-dir'] : '.anansi/test-runs'
  await mkdir(dataDir, { recursive: true })
  return openStore({ driver: 'pglite', dataDir })
}

async function projectId(store: Store, slug: string): Promise<string> {
  const existing = await store.findProjectBySlug(slug)
  if (existing) return existing.id
  return (await store.createProject({ name: slug, slug })).id
}

async function commandRun(
  print: (line: string) => void,
  args: string[],
  env: Readonly<Record<string, string | undefined>>,
  io: TestCommandIo,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      provider: { type: 'string' },
      model: { type: 'string' },
      'base-url': { type: 'string' },
      'api-key-env': { type: 'string' },
      suite: { type: 'string' },
      strategies: { type: 'string' },
      'no-baseline': { type: 'boolean' },
      concurrency: { type: 'string' },
      limit: { type: 'string' },
      'run-id': { type: 'string' },
      out: { type: 'string' },
      format: { type: 'string' },
      'fail-under': { type: 'string' },
      'max-asr': { type: 'string' },
      'max-errors': { type: 'string' },
      temperature: { type: 'string' },
      'max-tokens': { type: 'string' },
      'max-tokens-field': { type: 'string' },
      'max-retries': { type: 'string' },
      'timeout-ms': { type: 'string' },
      stream: { type: 'boolean' },
      'no-cache': { type: 'boolean' },
      'cache-dir': { type: 'string' },
      'data-dir': { type: 'string' },
      project: { type: 'string' },
      'judge-model': { type: 'string' },
      'judge-provider': { type: 'string' },
      'judge-base-url': { type: 'string' },
      'judge-api-key-env': { type: 'string' },
      json: { type: 'boolean' },
    },
  })
  const json = values.json === true
  // With --json, stdout carries only the JSON document.
  const say = json ? () => undefined : print
  if (positionals.length > 0) throw new UsageError(`unexpected ${positionals.join(' ')}`)
  if (values.suite === undefined) throw new UsageError('--suite is required')
  const provider = buildProvider(values, env)
  const failUnder = fraction(values['fail-under'], '--fail-under')
  const maxAsr = fraction(values['max-asr'], '--max-asr')
  const maxErrors = positiveInt(values['max-errors'], '--max-errors') ?? 0
  const limit = positiveInt(values.limit, '--limit')
  const concurrency = positiveInt(values.concurrency, '--concurrency') ?? 4
  if (concurrency < 1) throw new UsageError('--concurrency must be at least 1')
  const maxTokens = positiveInt(values['max-tokens'], '--max-tokens')
  const maxRetries = positiveInt(values['max-retries'], '--max-retries')
  const temperature = values.temperature === undefined ? undefined : Number(values.temperature)
  if (temperature !== undefined && !Number.isFinite(temperature))
    throw new UsageError('--temperature must be a number')
  const formats = (values.format ?? 'json,html,junit').split(',').map((f) => f.trim())
  for (const f of formats)
    if (!testReportFormatSchema.safeParse(f).success) throw new UsageError(`unknown format ${f}`)

  const suiteNames = values.suite.split(',').map((s) => s.trim())
  const scenarios: Scenario[] = []
  for (const name of suiteNames) {
    const suite = await resolveSuite(name)
    scenarios.push(...(limit === undefined ? suite.scenarios : suite.scenarios.slice(0, limit)))
  }
  const strategies = await buildStrategies(values.strategies, values['no-baseline'] !== true)

  const store = io.store ?? (await openDefaultStore(values, env))
  const judge =
    io.judge ??
    (values['judge-model'] === undefined
      ? await loadEvaluatorJudge()
      : new LlmJudge(buildProvider(values, env, 'judge-'), { concurrency }))
  try {
    const project = store.forProject(await projectId(store, values.project ?? 'default'))
    const cache =
      values['no-cache'] === true
        ? undefined
        : new FileCache(values['cache-dir'] ?? '.anansi/cache')
    // The id is chosen here, not by the store, so it can be shown before the first call: a run
    // killed outright (no SIGINT) is resumed with it.
    const runId = values['run-id'] ?? uuidv7()
    io.progress?.write(`run ${runId}: if it is interrupted, resume it with --run-id ${runId}\n`)
    const bar = io.progress?.isTTY === true ? io.progress : undefined
    const { run, summary, results } = await runSuite({
      store: project,
      suite: { name: suiteNames.join('+'), scenarios },
      provider,
      judge,
      strategies,
      concurrency,
      runId,
      ...(cache === undefined ? {} : { cache }),
      ...(maxRetries === undefined ? {} : { retry: { maxRetries } }),
      params: {
        ...(temperature === undefined ? {} : { temperature }),
        ...(maxTokens === undefined ? {} : { maxTokens }),
      },
      ...(io.signal === undefined ? {} : { signal: io.signal }),
      ...(bar === undefined
        ? {}
        : { onProgress: (p: RunProgress) => void bar.write(progressBar(p)) }),
    })
    bar?.write('\n')
    const out = resolve(values.out ?? join('.anansi', 'reports', run.id))
    await mkdir(out, { recursive: true })
    const data = { run, summary, results }
    const written: string[] = []
    for (const format of REPORT_FORMATS) {
      if (!formats.includes(format)) continue
      const path = join(out, REPORT_FILES[format])
      await writeFile(path, renderReport(data, format))
      written.push(path)
    }
    say(`run ${run.id}: ${run.status}, ${run.completed}/${run.total} results`)
    say(`attack success rate  ${pct(summary.attackSuccessRate)}`)
    say(`over-refusal rate    ${pct(summary.overRefusalRate)}`)
    say(`pass rate            ${pct(summary.passRate)}; errors ${summary.errors}`)
    for (const [category, s] of Object.entries(summary.byCategory))
      say(`  ${category.padEnd(18)} pass ${pct(s.passRate)}`)
    for (const path of written) say(`wrote ${path}`)
    const cancelled = run.status === 'cancelled'
    if (cancelled) say(`cancelled: resume with --run-id ${run.id}`)
    const failures = checkGates(summary, {
      maxErrors,
      ...(failUnder === undefined ? {} : { failUnder }),
      ...(maxAsr === undefined ? {} : { maxAsr }),
    })
    // Errors first: a run that could not ask the model says nothing about the model.
    const code = cancelled
      ? TEST_EXIT.cancelled
      : failures.some((f) => f.kind === 'errors')
        ? TEST_EXIT.errors
        : failures.length > 0
          ? TEST_EXIT.threshold
          : TEST_EXIT.ok
    if (!cancelled) for (const failure of failures) say(`FAIL: ${failure.message}`)
    if (json)
      printJson(print, {
        run: { id: run.id, status: run.status, total: run.total, completed: run.completed },
        summary,
        gates: cancelled ? [] : failures,
        reports: written,
        exitCode: code,
      })
    return code
  } finally {
    if (io.judge === undefined) await judge.close()
    if (io.store === undefined) await store.close()
  }
}

/** Where `anansi dev` listens (as `anansi tail` defaults). */
const DEFAULT_API_URL = 'http://127.0.0.1:8787'
const RUN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const apiErrorBody = z.object({ error: z.object({ message: z.string() }) })

/** The API's error message in a failed answer, when it sent one. */
function apiMessage(text: string): string {
  try {
    const parsed = apiErrorBody.safeParse(JSON.parse(text))
    return parsed.success ? `: ${parsed.data.error.message}` : ''
  } catch {
    return '' // not JSON (a proxy's page): the status says enough
  }
}

/** The JSON report of a run stored by the API (`GET /api/v1/tests/{id}/report`). */
async function fetchReport(base: string, key: string, id: string): Promise<ComparableReport> {
  let res: Response
  try {
    res = await fetch(`${base}/api/v1/tests/${id}/report?format=json`, {
      headers: { authorization: `Bearer ${key}`, accept: 'application/json' },
    })
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause)
    throw new TestRunnerError('api_failed', `run ${id}: cannot reach ${base} (${why})`, { cause })
  }
  const text = await res.text()
  if (res.status === 404)
    throw new TestRunnerError('unknown_name', `run ${id}: no such test run in the key's project`)
  if (!res.ok)
    throw new TestRunnerError(
      'api_failed',
      `run ${id}: ${base} answered ${res.status}${apiMessage(text)}`,
    )
  return parseReport(text, `run ${id} (${base})`)
}

async function commandCompare(
  print: (line: string) => void,
  args: string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      'fail-on-regression': { type: 'boolean' },
      json: { type: 'boolean' },
      url: { type: 'string' },
      key: { type: 'string' },
    },
  })
  const [pathA, pathB] = positionals
  if (pathA === undefined || pathB === undefined || positionals.length !== 2)
    throw new UsageError(
      'compare takes two JSON reports or run ids: anansi test compare A.json B.json',
    )
  const base = (values.url ?? env.ANANSI_ENDPOINT ?? DEFAULT_API_URL).replace(/\/+$/, '')
  const key = values.key ?? env.ANANSI_API_KEY ?? ''
  const load = async (arg: string): Promise<ComparableReport> => {
    if (!RUN_ID.test(arg)) return parseReport(await readFile(arg, 'utf8'), arg)
    if (!/^https?:\/\/[^/]/.test(base) || !URL.canParse(base))
      throw new UsageError(`--url: expected an http(s) URL, got ${JSON.stringify(base)}`)
    if (key === '') throw new UsageError(`run id ${arg} needs an API key: --key or ANANSI_API_KEY`)
    return fetchReport(base, key, arg)
  }
  const a = await load(pathA)
  const b = await load(pathB)
  const c = compareReports(a, b)
  const regressed = c.significant && (c.difference ?? 0) < 0
  const code =
    values['fail-on-regression'] === true && regressed ? TEST_EXIT.threshold : TEST_EXIT.ok
  if (values.json === true) {
    printJson(print, { a: a.run.id, b: b.run.id, ...c, exitCode: code })
    return code
  }
  const f = (x: number | null): string => (x === null ? '–' : `${(x * 100).toFixed(1)}%`)
  print(
    `A ${a.run.id} (${a.run.provider}/${a.run.model}) → B ${b.run.id} (${b.run.provider}/${b.run.model})`,
  )
  print(`paired scenarios ${c.paired}: pass rate ${f(c.passRateA)} → ${f(c.passRateB)}`)
  print(
    `difference ${f(c.difference)} 95% CI ${c.ci95 === null ? '–' : `[${f(c.ci95[0])}, ${f(c.ci95[1])}]`}; McNemar p = ${c.pValue.toPrecision(3)} (${c.significant ? 'significant' : 'not significant'})`,
  )
  print(`regressions ${c.regressions.length}, fixes ${c.fixes.length}`)
  for (const r of c.regressions)
    print(`  REGRESSION ${r.scenarioKey} [${r.strategy}] ${r.category}: ${r.before} → ${r.after}`)
  for (const r of c.fixes)
    print(`  fixed      ${r.scenarioKey} [${r.strategy}] ${r.category}: ${r.before} → ${r.after}`)
  return code
}

async function commandList(print: (line: string) => void, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, strict: true, options: { json: { type: 'boolean' } } })
  const names = await listBuiltinSuites()
  const suites = await Promise.all(
    names.map(async (name) => ({ name, ...(await loadBuiltinSuite(name)) })),
  )
  const templates = await loadTemplates()
  if (values.json === true) {
    printJson(print, {
      suites: suites.map((s) => ({
        name: s.name,
        scenarios: s.scenarios.length,
        description: s.description,
      })),
      strategies: BUILTIN_STRATEGIES.map((s) => ({ name: s.name, description: s.description })),
      templates: templates.map((t) => t.id),
    })
    return TEST_EXIT.ok
  }
  print('suites:')
  for (const { name, ...suite } of suites) {
    print(
      `  ${name.padEnd(18)} ${String(suite.scenarios.length).padStart(4)}  ${suite.description}`,
    )
  }
  print('strategies:')
  for (const s of BUILTIN_STRATEGIES) print(`  ${s.name.padEnd(18)} ${s.description}`)
  print(
    `  dan, <template id>  one of ${templates.length} jailbreak templates (${templates
      .slice(0, 3)
      .map((t) => t.id)
      .join(', ')}, …)`,
  )
  return TEST_EXIT.ok
}

/**
 * `anansi test …`: run a suite, compare two reports, or list what is built in. `argv` starts
 * after `test`. Returns the exit code; prints results through `print`.
 * @example process.exitCode = await runTestCommand(console.log, ['list'], process.env)
 */
export async function runTestCommand(
  print: (line: string) => void,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: TestCommandIo = {},
): Promise<number> {
  const [sub, ...rest] = argv
  try {
    if (sub === 'run') return await commandRun(print, rest, env, io)
    if (sub === 'compare') return await commandCompare(print, rest, env)
    if (sub === 'list') return await commandList(print, rest)
    print(TEST_USAGE)
    return sub === undefined || sub === '--help' || sub === '-h' ? TEST_EXIT.ok : TEST_EXIT.usage
  } catch (error) {
    const usage =
      error instanceof UsageError ||
      (error instanceof TypeError &&
        'code' in error &&
        String(error.code).startsWith('ERR_PARSE_ARGS'))
    // A name or file that does not resolve is a bad argument too, not a failed run.
    const badInput =
      error instanceof TestRunnerError &&
      (error.code === 'unknown_name' ||
        error.code === 'invalid_scenario' ||
        error.code === 'resume_mismatch')
    // The API refused or failed (a wrong key, a run still running, a server down): not bad usage.
    const apiFailed = error instanceof TestRunnerError && error.code === 'api_failed'
    const json = argv.includes('--json')
    if (json && error instanceof Error)
      printJson(print, {
        error: {
          code: usage ? 'usage' : error instanceof TestRunnerError ? error.code : 'failed',
          message: error.message,
        },
      })
    if (!usage && !badInput && !apiFailed) throw error
    if (!json) {
      print(`anansi test: ${error.message}`)
      if (usage) print(TEST_USAGE)
    }
    return apiFailed ? TEST_EXIT.errors : TEST_EXIT.usage
  }
}

/** One JSON document for scripts (`--json`), as every \`anansi\` command prints it. */
function printJson(print: (line: string) => void, value: unknown): void {
  print(JSON.stringify(value, null, 2))
}
