/**
 * `pnpm bench [--full] [--only a,b] [--timeout-minutes N]` at the repository root: every workspace
 * package's `bench` script (with `--quick` unless `--full`) and the platform's gate-latency bench,
 * one after another (the machine has 2 cores), then one combined JSON document on stdout and in
 * bench/results/latest.json. Progress goes to stderr. Services (PostgreSQL, Kafka) are started
 * through infra/dev when their address is not in the environment. A bench that fails (non-zero
 * exit, no JSON, timeout) is recorded as failed with the tail of its stderr, and the run exits 1.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, release, totalmem } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { findPackageBenches } from './runner/package-benches.js'
import { runBench, type BenchOutcome } from './runner/run-bench.js'
import { ensureServices } from './runner/services.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const GATE_LATENCY = 'gate-latency'
const NESTED = 'ANANSI_BENCH_RUNNER'

// The root's own `bench` script is this runner: a bench that started it again would recurse forever.
if (process.env[NESTED] !== undefined) {
  process.stderr.write('[bench] run-all was started by run-all: refusing to recurse\n')
  process.exit(2)
}
process.env[NESTED] = String(process.pid)

const { values: flags } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'timeout-minutes': { type: 'string' },
  },
})
if (flags.full && flags.quick) throw new Error('--full and --quick exclude each other')
const quick = !flags.full
const timeoutMs = 60_000 * Number(flags['timeout-minutes'] ?? (quick ? 20 : 90))
if (!(timeoutMs > 0)) throw new Error('--timeout-minutes must be a positive number')

/** A bench to run: a package's script through pnpm, or a root bench file through tsx. */
interface Job {
  name: string
  command: string
  args: string[]
  cwd: string
}

const passThrough = quick ? ['--quick'] : []
const jobs: Job[] = [
  ...findPackageBenches(ROOT).map((pkg) => ({
    name: pkg.name,
    command: 'pnpm',
    args: ['--silent', 'run', 'bench', ...passThrough],
    cwd: pkg.dir,
  })),
  {
    name: GATE_LATENCY,
    command: process.execPath,
    args: [
      '--import',
      'tsx',
      '--conditions=@anansi/source',
      'bench/gate-latency.ts',
      ...passThrough,
    ],
    cwd: ROOT,
  },
]
const wanted = flags.only?.split(',').map((name) => name.trim())
const selected = jobs.filter(
  (job) =>
    wanted === undefined ||
    wanted.some((name) => job.name === name || job.name.endsWith(`/${name}`)),
)
if (wanted !== undefined && selected.length === 0)
  throw new Error(`--only matched none of: ${jobs.map((job) => job.name).join(', ')}`)

const log = (line: string): void => {
  process.stderr.write(`[bench] ${line}\n`)
}

const startedAt = new Date()
const loadAtStart = loadavg()
const services = ensureServices(ROOT)
const benches: Record<string, BenchOutcome> = {}
for (const job of selected) {
  log(`${job.name}: ${job.command === 'pnpm' ? 'pnpm ' : ''}${job.args.join(' ')}`)
  const outcome = await runBench(job.command, job.args, job.cwd, timeoutMs)
  log(
    `${job.name}: ${outcome.status}${outcome.status === 'failed' ? ` (${outcome.reason})` : ''} in ${outcome.seconds} s`,
  )
  benches[job.name] = outcome
}
const finishedAt = new Date()
const failed = Object.entries(benches)
  .filter(([, outcome]) => outcome.status === 'failed')
  .map(([name]) => name)
const cpuList = cpus()
const report = {
  benchmark: 'anansi-watchdog',
  mode: quick ? 'quick' : 'full',
  startedAt: startedAt.toISOString(),
  finishedAt: finishedAt.toISOString(),
  totalSeconds: Math.round((finishedAt.getTime() - startedAt.getTime()) / 1000),
  machine: {
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${release()} ${process.arch}`,
    loadAverageAtStart: loadAtStart.map((l) => Math.round(l * 100) / 100),
    loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100),
  },
  services,
  failed,
  benches,
}
const json = `${JSON.stringify(report, null, 2)}\n`
const resultsDir = join(ROOT, 'bench', 'results')
mkdirSync(resultsDir, { recursive: true })
writeFileSync(join(resultsDir, 'latest.json'), json)
process.stdout.write(json)
log(
  `wrote bench/results/latest.json; ${failed.length === 0 ? 'all passed' : `failed: ${failed.join(', ')}`}`,
)
if (failed.length > 0) process.exitCode = 1
