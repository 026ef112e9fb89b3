import type { Issue, TestRunConfig, TestRunProvider, TestRunRequest } from '@anansi/protocol'
import { TestRunnerError } from '../errors.js'
import { AnthropicProvider } from '../providers/anthropic.js'
import { OpenAIProvider } from '../providers/openai.js'
import type { Provider } from '../providers/provider.js'
import type { SuiteToRun } from '../runner.js'
import { loadBuiltinSuite } from '../scenarios/load.js'
import type { Scenario } from '../scenarios/scenario.js'
import { buildCases } from '../strategies/cases.js'
import { BUILTIN_STRATEGIES, resolveStrategy, type Strategy } from '../strategies/strategies.js'
import { loadTemplates, templateMap } from '../strategies/templates.js'
import { guardedProvider, storableEndpoint } from './guarded-provider.js'

/** Server-side settings of one provider: the key is used only with its own endpoint. */
export interface ProviderDefaults {
  apiKey?: string
  baseURL?: string
}

/** What planning a run may use besides the request. */
export interface PlanOptions {
  providers?: Partial<Record<TestRunProvider, ProviderDefaults>>
  /** Per-attempt provider timeout. */
  timeoutMs?: number
  /** The most requests one run may send. */
  maxCases: number
  libraryDir?: string
}

/** A request resolved into what `runSuite` needs. */
export interface RunPlan {
  suite: SuiteToRun
  strategies: Strategy[]
  provider: Provider
  /** Requests the run sends (scenarios × strategies where they apply). */
  cases: number
  config: TestRunConfig
}

/** A plan, or the request's problems (paths relative to the body). */
export type PlanOutcome = { ok: true; plan: RunPlan } | { ok: false; issues: Issue[] }

function unknownName(error: unknown): string | undefined {
  return error instanceof TestRunnerError && error.code === 'unknown_name'
    ? error.message
    : undefined
}

async function loadSuites(
  names: readonly string[],
  request: TestRunRequest,
  libraryDir: string | undefined,
  issues: Issue[],
): Promise<Scenario[]> {
  const scenarios: Scenario[] = []
  const at = (i: number): (string | number)[] =>
    Array.isArray(request.suite) ? ['suite', i] : ['suite']
  for (const [i, name] of names.entries()) {
    if (names.indexOf(name) !== i) {
      issues.push({ path: at(i), code: 'custom', message: `suite ${name} is listed twice` })
      continue
    }
    try {
      const suite = await loadBuiltinSuite(name, libraryDir)
      scenarios.push(
        ...(request.limit === undefined
          ? suite.scenarios
          : suite.scenarios.slice(0, request.limit)),
      )
    } catch (error) {
      const message = unknownName(error)
      if (message === undefined) throw error
      issues.push({ path: at(i), code: 'custom', message })
    }
  }
  return scenarios
}

async function resolveStrategies(request: TestRunRequest, issues: Issue[]): Promise<Strategy[]> {
  if (request.strategies.length === 0) return []
  const templates = templateMap(await loadTemplates())
  const chosen = new Map<string, Strategy>()
  for (const [i, chain] of request.strategies.entries()) {
    // As on the command line: a bare template id (`dan`) means `template:dan`.
    const name = chain
      .split('+')
      .map((part) =>
        BUILTIN_STRATEGIES.some((s) => s.name === part) || part.startsWith('template:')
          ? part
          : `template:${part}`,
      )
      .join('+')
    try {
      const strategy = resolveStrategy(name, templates)
      chosen.set(strategy.name, strategy)
    } catch (error) {
      const message = unknownName(error)
      if (message === undefined) throw error
      issues.push({ path: ['strategies', i], code: 'custom', message })
    }
  }
  const none = BUILTIN_STRATEGIES[0]
  if (request.baseline && none !== undefined && !chosen.has(none.name))
    return [none, ...chosen.values()]
  return [...chosen.values()]
}

function buildProvider(request: TestRunRequest, options: PlanOptions): Provider {
  const defaults = options.providers?.[request.provider]
  // The server's key goes only to the server's endpoint, never to a URL the caller names.
  const sameEndpoint = request.baseURL === undefined || request.baseURL === defaults?.baseURL
  const apiKey = request.apiKey ?? (sameEndpoint ? defaults?.apiKey : undefined)
  const baseURL = request.baseURL ?? defaults?.baseURL
  const settings = {
    model: request.model,
    ...(apiKey === undefined ? {} : { apiKey }),
    ...(baseURL === undefined ? {} : { baseURL }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  }
  const provider =
    request.provider === 'anthropic'
      ? new AnthropicProvider(settings)
      : new OpenAIProvider(settings)
  return guardedProvider(provider, apiKey)
}

/**
 * Resolves a validated run request: built-in suites only (never a file path), strategies with the
 * baseline, the provider with its key. Unknown names come back as issues, not errors.
 */
export async function planRun(request: TestRunRequest, options: PlanOptions): Promise<PlanOutcome> {
  const issues: Issue[] = []
  const names = Array.isArray(request.suite) ? request.suite : [request.suite]
  const scenarios = await loadSuites(names, request, options.libraryDir, issues)
  const strategies = await resolveStrategies(request, issues)
  if (issues.length > 0) return { ok: false, issues }
  const provider = buildProvider(request, options)
  const cases = buildCases(scenarios, strategies, { model: provider.model }).length
  if (cases > options.maxCases)
    return {
      ok: false,
      issues: [
        {
          path: [],
          code: 'too_big',
          message: `the run would send ${cases} requests; this server allows ${options.maxCases} (use limit or fewer strategies)`,
        },
      ],
    }
  if (cases === 0)
    return { ok: false, issues: [{ path: ['suite'], code: 'custom', message: 'no scenarios' }] }
  const config: TestRunConfig = {
    endpoint: storableEndpoint(provider.endpoint),
    scenarios: scenarios.length,
    strategyScope: 'refuse',
    params: { ...request.params },
    suites: [...names],
    baseline: request.baseline,
    concurrency: request.concurrency,
    ...(request.limit === undefined ? {} : { limit: request.limit }),
    ...(request.failUnder === undefined ? {} : { failUnder: request.failUnder }),
    ...(request.maxErrors === undefined ? {} : { maxErrors: request.maxErrors }),
  }
  return {
    ok: true,
    plan: { suite: { name: names.join('+'), scenarios }, strategies, provider, cases, config },
  }
}
