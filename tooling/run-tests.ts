/**
 * The README's test command (`pnpm test`): makes sure every service the suite needs is running,
 * then runs vitest once over the whole workspace. A service whose address is already in the
 * environment is used as it is; otherwise its infra/dev script starts one on 127.0.0.1. With
 * CI=true a service that cannot be started fails the run; locally its tests skip with a warning.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { join } from 'node:path'

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

for (const { variable, script } of services) ensureService(variable, script)
const vitest = join(root, 'node_modules', '.bin', 'vitest')
const result = spawnSync(vitest, ['run', ...process.argv.slice(2)], { stdio: 'inherit', cwd: root })
process.exit(result.status ?? 1)
