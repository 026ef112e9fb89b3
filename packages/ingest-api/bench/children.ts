import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

/** The package folder: children run from here so `--import tsx` and the workspace resolve. */
export const PACKAGE_DIR = join(import.meta.dirname, '..')

const NODE_ARGS = ['--import', 'tsx', '--conditions=@anansi/source']

/** A child process and the first JSON line it printed. */
export interface Started<T> {
  child: ChildProcess
  ready: T
}

/**
 * Runs a TypeScript file of this package in a new Node process and waits for the first JSON line on
 * its stdout. Its stderr is passed through (progress) and the tail is kept for the error message.
 */
export async function startChild<T>(
  file: string,
  args: string[],
  timeoutMs = 180_000,
): Promise<Started<T>> {
  const child = spawn(process.execPath, [...NODE_ARGS, join(PACKAGE_DIR, file), ...args], {
    cwd: PACKAGE_DIR,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk)
    stderr = (stderr + chunk.toString()).slice(-4000)
  })
  const lines = createInterface({ input: child.stdout ?? process.stdin })
  const first = (async (): Promise<string> => {
    for await (const line of lines) if (line.trim().startsWith('{')) return line
    throw new Error(`${file} exited without a result (code ${String(child.exitCode)}): ${stderr}`)
  })()
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${file} printed nothing in ${timeoutMs} ms: ${stderr}`)),
      timeoutMs,
    )
  })
  try {
    const line = await Promise.race([first, timeout])
    child.stdout?.resume() // anything printed later is drained, never left to fill the pipe
    return { child, ready: JSON.parse(line) as T }
  } catch (error) {
    child.kill('SIGKILL')
    throw error
  } finally {
    clearTimeout(timer)
  }
}

/** Asks a child to stop (SIGTERM, and closes its stdin), then kills it if it has not exited in time. */
export async function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.stdin?.end()
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
  await exited
  clearTimeout(timer)
}

// Linux reports process times in USER_HZ ticks, 100 per second on every mainstream kernel.
const TICKS_PER_SECOND = 100

/** CPU seconds (user + system) a process has used so far, from /proc; undefined off Linux. */
export function cpuSecondsOf(pid: number | undefined): number | undefined {
  if (pid === undefined || process.platform !== 'linux') return undefined
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th fields.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
  } catch (error) {
    process.stderr.write(`[bench] cannot read the CPU time of ${pid}: ${String(error)}\n`)
    return undefined
  }
}

/** Waits for a child that finishes on its own (it cleans up after printing), killing it after `timeoutMs`. */
export async function waitChild(child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  await exited
  clearTimeout(timer)
}
