import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'

/** A processor running in a child process, and what it last printed. */
export interface ProcessorChild {
  child: ChildProcess
  pid: number
  /** The latest `stats` line it printed. */
  stats(): { decided: number; messages: number; redelivered: number }
  /** kill -9: no shutdown code runs, nothing is flushed or committed. */
  kill9(): Promise<void>
  /** SIGTERM and wait for a clean exit. */
  stop(): Promise<void>
}

const statsSchema = z.object({ decided: z.number(), messages: z.number(), redelivered: z.number() })
const lineSchema = z.object({ ready: z.boolean().optional(), stats: statsSchema.optional() })

const FIXTURE = fileURLToPath(new URL('./fixtures/processor-process.ts', import.meta.url))

/** Starts the processor fixture with extra environment; resolves once it has joined its group. */
export async function spawnProcessor(env: Record<string, string>): Promise<ProcessorChild> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@anansi/source', FIXTURE],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let stats = { decided: 0, messages: 0, redelivered: 0 }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-8_000)
  })
  const ready = new Promise<void>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout ?? process.stdin })
    lines.on('line', (line) => {
      let raw: unknown
      try {
        raw = JSON.parse(line)
      } catch {
        return // not one of ours: a library printed to stdout
      }
      const parsed = lineSchema.safeParse(raw)
      if (!parsed.success) return
      if (parsed.data.ready === true) resolve()
      if (parsed.data.stats !== undefined) stats = parsed.data.stats
    })
    child.once('exit', (code) => reject(new Error(`processor exited with ${code}: ${stderr}`)))
  })
  await ready
  const pid = child.pid ?? -1
  return {
    child,
    pid,
    stats: () => stats,
    async kill9() {
      child.kill('SIGKILL')
      await exited
    },
    async stop() {
      child.kill('SIGTERM')
      await exited
    },
  }
}
