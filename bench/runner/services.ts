/**
 * Makes sure the services the benchmarks use are running, as the test command does: a service
 * whose address is already in the environment is used as it is; otherwise its infra/dev script
 * (idempotent) starts one on 127.0.0.1 and its address goes into this process's environment.
 */
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'

const SERVICES = [
  { variable: 'DATABASE_URL', script: 'infra/dev/postgres.sh' },
  { variable: 'KAFKA_BROKERS', script: 'infra/dev/kafka.sh' },
] as const

/** How each service was found: `environment`, `started` (by its script), or why it is missing. */
export type ServiceState = Record<string, string>

function startService(root: string, variable: string, script: string): string {
  const out = execFileSync('bash', [join(root, script), 'start'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const last = out.trim().split('\n').at(-1) ?? ''
  const prefix = `${variable}=`
  if (!last.startsWith(prefix)) throw new Error(`${script} did not print ${prefix}…`)
  return last.slice(prefix.length)
}

/** Ensures every service; with CI=true a service that cannot be started is an error, else a warning. */
export function ensureServices(root: string): ServiceState {
  const state: ServiceState = {}
  for (const { variable, script } of SERVICES) {
    if (process.env[variable]) {
      state[variable] = 'environment'
      continue
    }
    try {
      process.env[variable] = startService(root, variable, script)
      state[variable] = `${script} (started or already running)`
    } catch (error) {
      if (process.env.CI === 'true') throw error
      state[variable] = `unavailable: ${error instanceof Error ? error.message : String(error)}`
      process.stderr.write(
        `[bench] could not start ${script}; benches that need ${variable} skip or fail\n`,
      )
    }
  }
  return state
}
