/**
 * The README's test command (`pnpm test`): makes sure every service the suite needs is running,
 * then runs vitest once over the whole workspace. A service whose address is already in the
 * environment is used as it is; otherwise its infra/dev script starts one on 127.0.0.1. With
 * CI=true a service that cannot be started fails the run; locally its tests skip with a warning.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { z } from 'zod'

const root = join(import.meta.dirname, '..')
const services = [
  { variable: 'DATABASE_URL', script: 'infra/dev/postgres.sh' },
  { variable: 'KAFKA_BROKERS', script: 'infra/dev/kafka.sh' },
] as const

function ensureService(variable: string, script: string): void {
  if (process.env[variable]) return
  try {
    const out = execFileSync('bash', [join(root, script), 'start'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const last = out.trim().split('\n').at(-1) ?? ''
    const prefix = `${variable}=`
    if (!last.startsWith(prefix)) throw new Error(`${script} did not print ${prefix}...`)
    process.env[variable] = last.slice(prefix.length)
    console.log(`[test] ${variable}=${process.env[variable]}`)
  } catch (error) {
    if (process.env.CI === 'true') throw error
    console.warn(
      `[test] could not start ${script} (${String(error)}); tests that need ${variable} will skip`,
    )
  }
}

/** The counts of vitest's JSON report that the closing line needs. */
const report = z.object({
  numPassedTests: z.number(),
  numFailedTests: z.number(),
  numPendingTests: z.number(),
  numTodoTests: z.number(),
})

/**
 * Reads vitest's JSON report into the plain `N passed, N failed` closing line: vitest's own
 * summary is coloured and laid out for people, and CI systems that count tests read that plain
 * line (a run that executed nothing must not look like a pass).
 */
function closingLine(reportFile: string): string {
  if (!existsSync(reportFile)) return 'tests: no report written (vitest did not finish)'
  const counts = report.parse(JSON.parse(readFileSync(reportFile, 'utf8')))
  const skipped = counts.numPendingTests + counts.numTodoTests
  return `tests: ${counts.numPassedTests} passed, ${counts.numFailedTests} failed, ${skipped} skipped`
}

for (const { variable, script } of services) ensureService(variable, script)
const vitest = join(root, 'node_modules', '.bin', 'vitest')
const reportDir = mkdtempSync(join(tmpdir(), 'anansi-vitest-'))
const reportFile = join(reportDir, 'report.json')
const result = spawnSync(
  vitest,
  [
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${reportFile}`,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit', cwd: root },
)
console.log(closingLine(reportFile))
rmSync(reportDir, { recursive: true, force: true })
process.exit(result.status ?? 1)
