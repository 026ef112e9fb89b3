/** One measured case: gated calls at a load level and a number of callers, with the platform's view of the same window. */
import type { Monitor } from '@anansi/sdk'
import { cpuSecondsOf, cpuSecondsOfAll, machineBusySeconds } from './cpu.js'
import { runGated, type CallSample } from './gate-run.js'
import { platformWindow, scrapePlatform, type PlatformWindow } from './platform-window.js'
import type { BenchPlatform } from './platforms.js'
import { distribution, round, type Distribution } from './stats.js'

/** What a case runs against. */
export interface CaseContext {
  platform: BenchPlatform
  monitor: Monitor
  call: (question: string, index: number) => Promise<string>
  calls: number
  /** A case stops starting calls after this long (a saturated platform would otherwise take hours). */
  maxSeconds: number
  targetP99Ms: number
}

/** One measured case. */
export interface CaseReport {
  name: string
  /** Background events/s offered during the case (0: idle). */
  backgroundEventsPerSecond: number
  callers: number
  latencyMs: Distribution
  callsPerSecond: number | null
  /** `verdict`: the platform answered in time; `timeout`/`unavailable`: it did not. */
  outcomes: Record<string, number>
  /** Per-call marks from the verdict's clocks (1 ms resolution): p50/p90/p99 of each segment. */
  breakdownMs: Record<'sdkToIngest' | 'ingestToDecided' | 'decidedToApp', Distribution>
  platform: PlatformWindow
  /**
   * CPU used during the case, in % of one core: the platform's processes, this process (the
   * application), the background application, the services' processes on this host, and the
   * whole machine (at most 100 × cores; the rest of it is other work).
   */
  cpuPercent: Record<string, number | null>
  stoppedEarly: boolean
  targetP99Ms: number
  meetsTarget: boolean
}

const log = (line: string): void => {
  process.stderr.write(`[gate-bench] ${line}\n`)
}

function breakdown(samples: readonly CallSample[]): CaseReport['breakdownMs'] {
  const marks = samples.flatMap((s) => (s.marks === undefined ? [] : [s.marks]))
  return {
    sdkToIngest: distribution(
      marks.map((m) => m.sdkToIngestMs),
      1,
    ),
    ingestToDecided: distribution(
      marks.map((m) => m.ingestToDecidedMs),
      1,
    ),
    decidedToApp: distribution(
      marks.map((m) => m.decidedToAppMs),
      1,
    ),
  }
}

function countOutcomes(samples: readonly CallSample[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const s of samples) counts[s.outcome] = (counts[s.outcome] ?? 0) + 1
  return counts
}

/** CPU seconds so far of each process group (undefined where it cannot be read). */
function cpuNow(
  platform: BenchPlatform,
  loadPid: number | undefined,
  services: Record<string, number[]>,
): Record<string, number | undefined> {
  const app = process.cpuUsage()
  const seconds: Record<string, number | undefined> = {
    platform: cpuSecondsOfAll(platform.pids),
    app: (app.user + app.system) / 1e6,
    backgroundApp: cpuSecondsOf(loadPid),
    // Everything on the machine, ours and other work: how busy the 2 cores were.
    machine: machineBusySeconds(),
  }
  for (const [service, pids] of Object.entries(services))
    seconds[service] = pids.length === 0 ? undefined : cpuSecondsOfAll(pids)
  return seconds
}

/** CPU between two readings, in % of one core over `seconds`. */
function cpuPercent(
  before: Record<string, number | undefined>,
  after: Record<string, number | undefined>,
  seconds: number,
): Record<string, number | null> {
  const percent: Record<string, number | null> = {}
  for (const [key, start] of Object.entries(before)) {
    const end = after[key]
    percent[key] =
      start === undefined || end === undefined ? null : round((100 * (end - start)) / seconds, 0)
  }
  return percent
}

/** Runs one case; `load` says the background rate and process, when there is load. */
export async function runCase(
  context: CaseContext,
  callers: number,
  load?: { rate: number; pid: number | undefined },
): Promise<CaseReport> {
  const { platform, monitor, call } = context
  const loadPid = load?.pid
  const level = load === undefined ? 'idle' : `${load.rate} events/s`
  const name = `${level}, ${callers === 1 ? 'sequential' : `${callers} callers`}`
  log(`${platform.name}: ${name}: ${context.calls} gated calls`)
  const before = await scrapePlatform(platform)
  const services = await platform.servicePids()
  const cpuBefore = cpuNow(platform, loadPid, services)
  const deadline = performance.now() + context.maxSeconds * 1000
  const { samples, seconds } = await runGated(monitor, call, context.calls, callers, deadline)
  const cpuAfter = cpuNow(platform, loadPid, services)
  const after = await scrapePlatform(platform)
  const latencyMs = distribution(samples.map((s) => s.totalMs))
  const report: CaseReport = {
    name,
    backgroundEventsPerSecond: load?.rate ?? 0,
    callers,
    latencyMs,
    callsPerSecond: round(samples.length / seconds, 0),
    outcomes: countOutcomes(samples),
    breakdownMs: breakdown(samples),
    platform: platformWindow(before, after, seconds),
    cpuPercent: cpuPercent(cpuBefore, cpuAfter, seconds),
    stoppedEarly: samples.length < context.calls,
    targetP99Ms: context.targetP99Ms,
    meetsTarget:
      latencyMs.p99 !== null &&
      latencyMs.p99 < context.targetP99Ms &&
      samples.every((s) => s.outcome === 'verdict'),
  }
  log(
    `${platform.name}: ${name}: ${samples.length} calls, p50 ${latencyMs.p50} ms, p99 ${latencyMs.p99} ms, ` +
      `max ${latencyMs.max} ms (target p99 < ${context.targetP99Ms} ms: ${report.meetsTarget ? 'met' : 'missed'})`,
  )
  return report
}
