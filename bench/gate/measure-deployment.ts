/**
 * Runs every case against one running deployment: the bare call and an HTTP round trip (the
 * baselines), then gated calls one at a time and from several callers at once, at idle and under
 * the background load.
 */
import { Monitor, type AnansiError } from '@anansi/sdk'
import { gatedAnswer, runBare, runGated, runHttpFloor } from './gate-run.js'
import { startBackgroundLoad, type LoadReport } from './load-process.js'
import type { BenchPlatform } from './platforms.js'
import { scrapePlatform } from './platform-window.js'
import { total } from './prometheus.js'
import { runCase, type CaseContext, type CaseReport } from './run-case.js'
import { distribution, round, type Distribution } from './stats.js'

/** How much to measure. */
export interface MeasureSettings {
  /** Gated calls per case. */
  calls: number
  /** Gated calls before the first case, not counted (socket, JIT, caches). */
  warmupCalls: number
  /** Callers at once in the concurrent cases. */
  concurrency: number
  /** Background loads to measure under, events/s each. */
  loadRates: number[]
  /** The background application's SDK batch interval (ms). */
  loadBatchIntervalMs: number
  /** Wait after starting the load before measuring, so the platform is in its steady state. */
  settleMs: number
  /** Longest a case may run before it stops starting calls. */
  maxCaseSeconds: number
  gateTimeoutMs: number
  targetP99Ms: number
}

/** What the background application offered and delivered. */
export type LoadSummary = LoadReport & {
  requestedEventsPerSecond: number
  /** Events the ingest API accepted from it, per second. */
  deliveredEventsPerSecond: number | null
}

/** Everything measured on one deployment. */
export interface DeploymentReport {
  describe: Record<string, string>
  baselinesMs: { bareCall: Distribution; httpRoundTrip: Distribution }
  cases: CaseReport[]
  /** What the background application sent at each load. */
  backgroundLoads: LoadSummary[]
  meetsTarget: boolean
  sdkErrors: string[]
  platformErrors: string[]
  seconds: number | null
}

const log = (line: string): void => {
  process.stderr.write(`[gate-bench] ${line}\n`)
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** The cases at one load: starts the background application, measures, stops it and says what it sent. */
async function underLoad(
  context: CaseContext,
  settings: MeasureSettings,
  rate: number,
): Promise<{ cases: CaseReport[]; load: LoadSummary }> {
  const { platform } = context
  log(`${platform.name}: starting the background load (${rate} events/s)`)
  const load = await startBackgroundLoad({
    url: platform.url,
    apiKey: platform.apiKey,
    rate,
    batchIntervalMs: settings.loadBatchIntervalMs,
  })
  const cases: CaseReport[] = []
  let report: LoadReport
  try {
    await sleep(settings.settleMs)
    cases.push(await runCase(context, 1, { rate, pid: load.pid }))
    cases.push(await runCase(context, settings.concurrency, { rate, pid: load.pid }))
  } finally {
    report = await load.stop()
  }
  const delivered = round(report.stats.sent / report.seconds, 0)
  log(
    `${platform.name}: the background application offered ${Math.round(report.eventsPerSecond)} events/s, ` +
      `delivered ${delivered}/s (${report.stats.dropped} dropped by its SDK)`,
  )
  return {
    cases,
    load: {
      requestedEventsPerSecond: rate,
      deliveredEventsPerSecond: delivered,
      ...report,
    },
  }
}

/** Waits (up to 2 minutes) until the processor has no backlog left. */
async function drained(context: CaseContext): Promise<void> {
  const deadline = performance.now() + 120_000
  while (performance.now() < deadline) {
    const lag = total(await scrapePlatform(context.platform), 'anansi_processor_consumer_lag')
    if (lag === 0) return
    log(`${context.platform.name}: waiting for the processor to drain ${lag} events`)
    await sleep(5_000)
  }
}

/** Runs all cases on a started platform (which the caller closes). */
export async function measureDeployment(
  platform: BenchPlatform,
  settings: MeasureSettings,
): Promise<DeploymentReport> {
  const started = performance.now()
  const sdkErrors: string[] = []
  const monitor = new Monitor({
    apiKey: platform.apiKey,
    endpoint: platform.url,
    flushOnExit: false,
    opentelemetry: false,
    onError: (error: AnansiError) => {
      if (sdkErrors.length < 20) sdkErrors.push(`${error.code}: ${error.message}`)
    },
  })
  const context: CaseContext = {
    platform,
    monitor,
    call: gatedAnswer(monitor, settings.gateTimeoutMs),
    calls: settings.calls,
    maxSeconds: settings.maxCaseSeconds,
    targetP99Ms: settings.targetP99Ms,
  }
  try {
    await monitor.warmUp()
    log(`${platform.name}: warm-up (${settings.warmupCalls} gated calls)`)
    await runGated(monitor, context.call, settings.warmupCalls, 1)
    const baselinesMs = {
      bareCall: distribution(await runBare(settings.calls), 5),
      httpRoundTrip: distribution(await runHttpFloor(platform.url, Math.min(200, settings.calls))),
    }
    const cases = [await runCase(context, 1), await runCase(context, settings.concurrency)]
    const backgroundLoads: LoadSummary[] = []
    for (const rate of settings.loadRates) {
      const loaded = await underLoad(context, settings, rate)
      cases.push(...loaded.cases)
      backgroundLoads.push(loaded.load)
      // Let the platform drain the backlog, so the next load starts from an idle platform.
      if (rate !== settings.loadRates.at(-1)) await drained(context)
    }
    return {
      describe: platform.describe,
      baselinesMs,
      cases,
      backgroundLoads,
      meetsTarget: cases.every((c) => c.meetsTarget),
      sdkErrors,
      platformErrors: platform.errors().slice(0, 20),
      seconds: round((performance.now() - started) / 1000, 1),
    }
  } finally {
    await monitor.shutdown()
  }
}
