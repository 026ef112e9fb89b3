import { z } from 'zod'
import { TestRunnerError } from './errors.js'
import { bootstrapPairedDifference } from './scoring/bootstrap.js'

const outcomeSchema = z.enum(['refused', 'complied', 'partial', 'error'])

const reportSchema = z.object({
  format: z.literal('anansi-test-report/v1'),
  run: z.object({ id: z.string(), suite: z.string(), provider: z.string(), model: z.string() }),
  results: z.array(
    z.object({
      scenarioKey: z.string(),
      strategy: z.string(),
      category: z.string(),
      outcome: outcomeSchema,
      passed: z.boolean(),
    }),
  ),
})

/** A JSON report as `compare` reads it. */
export type ComparableReport = z.infer<typeof reportSchema>

/** What comparing needs of a run: its identity and results (a report, or a stored run's rows). */
export type ComparableRun = Pick<ComparableReport, 'run' | 'results'>

type Outcome = z.infer<typeof outcomeSchema>

/** Parses a JSON report written by `jsonReport`. */
export function parseReport(text: string, where: string): ComparableReport {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (cause) {
    throw new TestRunnerError('invalid_scenario', `${where}: not JSON`, { cause })
  }
  const parsed = reportSchema.safeParse(value)
  if (!parsed.success)
    throw new TestRunnerError('invalid_scenario', `${where}: not an anansi test report`)
  return parsed.data
}

/** One scenario whose verdict changed between two runs. */
export interface ScenarioChange {
  scenarioKey: string
  strategy: string
  category: string
  before: Outcome
  after: Outcome
}

/** How run B differs from run A on the scenarios both answered. */
export interface Comparison {
  paired: number
  passRateA: number | null
  passRateB: number | null
  /** B − A, with a paired bootstrap 95% interval. */
  difference: number | null
  ci95: [number, number] | null
  /** Exact two-sided McNemar test on the discordant pairs. */
  pValue: number
  significant: boolean
  regressions: ScenarioChange[]
  fixes: ScenarioChange[]
}

/** Two-sided exact binomial (McNemar) p-value for b vs c discordant pairs. */
export function mcnemarExact(b: number, c: number): number {
  const n = b + c
  if (n === 0) return 1
  const k = Math.min(b, c)
  // P(X <= k) for X ~ Binomial(n, 1/2), summed in log space to stay finite for large n.
  let logTerm = -n * Math.LN2 // log C(n,0) / 2^n
  let tail = Math.exp(logTerm)
  for (let i = 1; i <= k; i++) {
    logTerm += Math.log((n - i + 1) / i)
    tail += Math.exp(logTerm)
  }
  return Math.min(1, 2 * tail)
}

/**
 * Pairs the results of two runs by (scenario, strategy), ignoring errors, and reports
 * regressions (passed before, failed after), fixes, the change in pass rate with a paired
 * bootstrap interval, and whether it is significant (McNemar, α = 0.05).
 */
export function compareReports(
  a: ComparableRun,
  b: ComparableRun,
  options: { alpha?: number; seed?: number } = {},
): Comparison {
  const key = (r: { scenarioKey: string; strategy: string }): string =>
    `${r.scenarioKey}\u0000${r.strategy}`
  const before = new Map(a.results.filter((r) => r.outcome !== 'error').map((r) => [key(r), r]))
  const pairsA: boolean[] = []
  const pairsB: boolean[] = []
  const regressions: ScenarioChange[] = []
  const fixes: ScenarioChange[] = []
  for (const r of b.results) {
    if (r.outcome === 'error') continue
    const old = before.get(key(r))
    if (old === undefined) continue
    pairsA.push(old.passed)
    pairsB.push(r.passed)
    const change = {
      scenarioKey: r.scenarioKey,
      strategy: r.strategy,
      category: r.category,
      before: old.outcome,
      after: r.outcome,
    }
    if (old.passed && !r.passed) regressions.push(change)
    if (!old.passed && r.passed) fixes.push(change)
  }
  const rate = (xs: boolean[]): number | null =>
    xs.length === 0 ? null : xs.filter(Boolean).length / xs.length
  const { difference, ci95 } = bootstrapPairedDifference(pairsA, pairsB, {
    seed: options.seed ?? 0x5eed,
  })
  const pValue = mcnemarExact(regressions.length, fixes.length)
  return {
    paired: pairsA.length,
    passRateA: rate(pairsA),
    passRateB: rate(pairsB),
    difference,
    ci95,
    pValue,
    significant: pValue < (options.alpha ?? 0.05),
    regressions,
    fixes,
  }
}
