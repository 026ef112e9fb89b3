import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

/** The repository root: CLI children run from here so `--import tsx` and the workspace resolve. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** A running `anansi` command and what it printed so far. */
export interface CliProcess {
  pid: number | undefined
  /** Every line of stdout and stderr, in arrival order. */
  output: string[]
  /** The first value `pick` found in a stdout line, by name. */
  found: Record<string, string>
  /** SIGTERM (the CLI drains and exits), SIGKILL after `graceMs`. Safe to call twice. */
  stop(graceMs?: number): Promise<void>
}

/** What to read from the CLI's stdout while it starts. */
export interface CliStart {
  args: string[]
  /** Options for Node itself (e.g. `--cpu-prof`), before the script. */
  nodeArgs?: string[]
  env: Record<string, string>
  /** Named patterns; the first capture group of the first matching line is kept. */
  pick: Record<string, RegExp>
  /** The line that says the command is ready. */
  readyLine: string
  timeoutMs?: number
}

/** Starts `anansi <args>` from source and resolves once it printed `readyLine`. */
export async function startCli(options: CliStart): Promise<CliProcess> {
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      '--import',
      'tsx',
      '--conditions=@anansi/source',
      'packages/cli/src/bin.ts',
      ...options.args,
    ],
    { cwd: REPO_ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const output: string[] = []
  const found: Record<string, string> = {}
  const exited = once(child, 'exit')
  child.stderr.on('data', (chunk: Buffer) => output.push(...chunk.toString().trimEnd().split('\n')))
  const stop = async (graceMs = 15_000): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
    await exited
    clearTimeout(timer)
  }
  const ready = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      output.push(line)
      for (const [name, pattern] of Object.entries(options.pick)) {
        const value = found[name] === undefined ? pattern.exec(line)?.[1] : undefined
        if (value !== undefined) found[name] = value
      }
      if (line === options.readyLine) resolve()
    })
    void exited.then(([code]) =>
      reject(
        new Error(
          `anansi ${options.args.join(' ')} exited with ${String(code)}:\n${output.slice(-40).join('\n')}`,
        ),
      ),
    )
  })
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`anansi ${options.args.join(' ')} was not ready in time`)),
      options.timeoutMs ?? 180_000,
    )
  })
  try {
    await Promise.race([ready, timeout])
  } catch (error) {
    await stop(1_000)
    throw error
  } finally {
    clearTimeout(timer)
  }
  return { pid: child.pid, output, found, stop }
}
