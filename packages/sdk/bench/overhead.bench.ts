/**
 * `pnpm --filter @anansi/sdk bench`: the SDK's added cost per tracked call (observe mode) against
 * the bare OpenAI client, next to Langfuse's observeOpenAI and OpenLLMetry's OpenAI
 * instrumentation, plus the transport's sustained events/s. Servers and each contender run in
 * their own processes; prints one JSON document.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { r2 } from './measure.js'

const HERE = import.meta.dirname
// `--quick` (CI's smoke run): 3 rounds per contender instead of 7; the medians get noisier.
const ROUNDS = process.argv.includes('--quick') ? 3 : 7
const NODE_ARGS = ['--import', 'tsx', '--conditions=@anansi/source']

function start(file: string, args: string[]): ChildProcess {
  return spawn(process.execPath, [...NODE_ARGS, join(HERE, file), ...args], {
    cwd: join(HERE, '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

async function firstLine(child: ChildProcess): Promise<string> {
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const lines = createInterface({ input: child.stdout ?? process.stdin })
  for await (const line of lines) if (line.trim().startsWith('{')) return line
  await once(child, 'close')
  throw new Error(`no result from child: ${stderr.slice(-2000)}`)
}

async function run(file: string, args: string[]): Promise<unknown> {
  const child = start(file, args)
  try {
    return JSON.parse(await firstLine(child)) as unknown
  } catch (error) {
    return { error: String(error) }
  }
}

interface Times {
  cpuUs: number
  wallUs: number
}
interface ContenderResult {
  name: string
  transport: string
  bare?: Times
  instrumented?: Times
  error?: string
}

const servers = start('bench-servers.ts', [])
const { providerUrl, sinkUrl } = JSON.parse(await firstLine(servers)) as {
  providerUrl: string
  sinkUrl: string
}
const results: Record<string, unknown> = {}
try {
  for (const transport of ['http', 'memory', 'stub']) {
    const rows: Record<string, unknown> = {}
    for (const name of ['anansi-call-path', 'anansi', 'langfuse', 'openllmetry']) {
      if (transport === 'stub' && name === 'openllmetry') {
        rows[name] = {
          skipped: 'patches the openai module classes, so it cannot wrap a stub client',
        }
        continue
      }
      const result = (await run('contender.ts', [
        name,
        transport,
        providerUrl,
        sinkUrl,
        String(ROUNDS),
      ])) as ContenderResult
      if (result.error !== undefined || !result.bare || !result.instrumented) {
        rows[name] = result
        continue
      }
      rows[name] = {
        bare: result.bare,
        instrumented: result.instrumented,
        addedCpuUsPerCall: r2(result.instrumented.cpuUs - result.bare.cpuUs),
        addedWallUsPerCall: r2(result.instrumented.wallUs - result.bare.wallUs),
      }
    }
    results[transport] = rows
  }
  results.transport = await run('throughput.ts', [sinkUrl])
} finally {
  servers.kill()
}

process.stdout.write(
  `${JSON.stringify(
    {
      machine: { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model },
      method: `Median of ${ROUNDS} rounds per contender, each in its own process; bare and instrumented rounds alternate (OpenLLMetry patches openai globally, so its bare rounds run first). "http": the real openai client against the fake provider (another process) over HTTP; "memory": the same client with an in-memory fetch (no I/O, so background exports only run at the flush); "stub": an object shaped like the client whose create() resolves at once, leaving only the instrumentation to measure. Instrumented rounds include the final flush/forceFlush of their exporter, so background serialization and export are counted. "anansi-call-path": no API key, i.e. only the work on the application path.`,
      results,
    },
    null,
    2,
  )}\n`,
)
