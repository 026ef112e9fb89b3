import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { z } from 'zod'
import { REPO_ROOT } from './cli-process.js'

const reportSchema = z.object({
  calls: z.number(),
  seconds: z.number(),
  eventsPerSecond: z.number(),
  flushed: z.boolean(),
  stats: z.object({ sent: z.number(), rejected: z.number(), dropped: z.number() }).loose(),
  errors: z.array(z.string()),
})

/** What the background application sent. */
export type LoadReport = z.infer<typeof reportSchema>

/** A running background load; `stop` ends it and answers what it sent. */
export interface BackgroundLoad {
  pid: number | undefined
  stop(): Promise<LoadReport>
}

/** Starts `background-load.ts` in its own process (so its work does not share the measured event loop). */
export async function startBackgroundLoad(options: {
  url: string
  apiKey: string
  rate: number
  batchIntervalMs: number
}): Promise<BackgroundLoad> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--conditions=@anansi/source',
      'bench/gate/background-load.ts',
      '--url',
      options.url,
      '--key',
      options.apiKey,
      '--rate',
      String(options.rate),
      '--batch-interval-ms',
      String(options.batchIntervalMs),
    ],
    { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] },
  )
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)))
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
  const nextJson = async (): Promise<unknown> => {
    for (;;) {
      const line = await lines.next()
      if (line.done === true)
        throw new Error(`background load exited (${String(child.exitCode)}): ${stderr}`)
      if (line.value.startsWith('{')) return JSON.parse(line.value) as unknown
    }
  }
  await nextJson()
  return {
    pid: child.pid,
    stop: async () => {
      const exited = once(child, 'exit')
      child.stdin.end()
      const report = reportSchema.parse(await nextJson())
      await exited
      return report
    },
  }
}
