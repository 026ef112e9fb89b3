import { spawn } from 'node:child_process'
import { once } from 'node:events'

/** How one benchmark ended. */
export type BenchOutcome =
  | { status: 'ok'; seconds: number; result: unknown }
  | {
      status: 'failed'
      seconds: number
      reason: string
      exitCode: number | null
      /** Its JSON, when it printed one before failing. */
      result?: unknown
      stderrTail: string
    }

/** The JSON document in a bench's stdout: all of it, or from the first line that starts one. */
export function parseBenchOutput(stdout: string): unknown {
  const lines = stdout.split('\n')
  for (let start = 0; start < lines.length; start += 1) {
    if (!lines[start]?.startsWith('{')) continue
    try {
      return JSON.parse(lines.slice(start).join('\n')) as unknown
    } catch {
      // Not the document (a log line that starts with a brace); try the next candidate.
    }
  }
  return undefined
}

const STDERR_TAIL = 4_000

/**
 * Runs `command args` in `cwd` (its own process group, so a timeout can end all of it), passing its
 * stderr through as progress, and reads the one JSON document it prints on stdout.
 */
export async function runBench(
  command: string,
  args: string[],
  cwd: string,
  timeoutMs: number,
): Promise<BenchOutcome> {
  const started = performance.now()
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk)
    stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL)
  })
  const killGroup = (signal: NodeJS.Signals): void => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, signal)
  }
  // Its own process group does not get the terminal's Ctrl-C: pass it on, then stop too.
  const interrupted = (): void => {
    killGroup('SIGTERM')
    process.exit(130)
  }
  process.once('SIGINT', interrupted)
  process.once('SIGTERM', interrupted)
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    killGroup('SIGKILL')
  }, timeoutMs)
  const [exitCode] = (await once(child, 'close')) as [number | null]
  clearTimeout(timer)
  process.off('SIGINT', interrupted)
  process.off('SIGTERM', interrupted)
  const seconds = Math.round((performance.now() - started) / 100) / 10
  const result = parseBenchOutput(stdout)
  if (exitCode === 0 && result !== undefined) return { status: 'ok', seconds, result }
  const reason = timedOut
    ? `timed out after ${timeoutMs / 1000} s`
    : exitCode !== 0
      ? `exited with ${String(exitCode)}`
      : 'printed no JSON document on stdout'
  return {
    status: 'failed',
    seconds,
    reason,
    exitCode,
    ...(result === undefined ? {} : { result }),
    stderrTail: stderr,
  }
}
