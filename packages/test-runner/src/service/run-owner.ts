import { hostname } from 'node:os'
import { z } from 'zod'

/** Which process executes a run, as stored in its config (`runner`), to tell when it is gone. */
export const runOwnerSchema = z.object({
  host: z.string(),
  pid: z.int(),
  /** One test-run service instance: a process may hold several (tests, an in-process restart). */
  instance: z.string(),
})

/** A run's owner as a TypeScript type. */
export type RunOwner = z.infer<typeof runOwnerSchema>

/** Service instances alive in this process (removed on close). */
const liveInstances = new Set<string>()

/** Registers a live service instance of this process and returns its owner tag. */
export function registerOwner(instance: string): RunOwner {
  liveInstances.add(instance)
  return { host: hostname(), pid: process.pid, instance }
}

/** Forgets a closed service instance: its unfinished runs are now orphans. */
export function unregisterOwner(instance: string): void {
  liveInstances.delete(instance)
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0) // signal 0 only checks that the process exists
    return true
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return error instanceof Error && 'code' in error && error.code === 'EPERM'
  }
}

/**
 * Whether the process that executed a run is certainly gone: it ran on this host, and either its
 * process has exited or it is this process and its service instance was closed. A run owned by
 * another host is never judged (that replica may still be running it), nor is a run stored
 * without an owner (older runs, or runs of the CLI, which resumes them itself).
 */
export function ownerIsGone(config: unknown): boolean {
  const parsed = z.object({ runner: runOwnerSchema }).safeParse(config)
  if (!parsed.success) return false
  const { host, pid, instance } = parsed.data.runner
  if (host !== hostname()) return false
  if (pid === process.pid) return !liveInstances.has(instance)
  return !processAlive(pid)
}
