import { startProgress, type Progress } from './progress.js'

/** What a command tells people besides its output: diagnostics and progress (stderr). */
export interface CommandIo {
  /** A diagnostic or status line for people; never part of the output scripts parse. */
  warn(line: string): void
  /** Starts a progress indicator for a slow step (shown only when stderr is a terminal). */
  progress(label: string): Progress
}

/** The real thing: both on process.stderr. */
export function terminalIo(): CommandIo {
  return {
    warn: (line) => void process.stderr.write(`${line}\n`),
    progress: (label) => startProgress(process.stderr, label),
  }
}

/** Runs a slow step under a progress indicator that ends as done or failed with it. */
export async function withProgress<T>(
  io: CommandIo,
  label: string,
  work: () => Promise<T>,
): Promise<T> {
  const progress = io.progress(label)
  try {
    const result = await work()
    progress.done()
    return result
  } catch (error) {
    progress.fail()
    throw error
  }
}
