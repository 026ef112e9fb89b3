const flushers = new Set<() => Promise<unknown>>()
let installed = false

function onBeforeExit(): void {
  // beforeExit fires again once these flushes settle; with nothing left queued it does not loop.
  for (const flush of flushers) void flush()
}

/**
 * Flushes monitors when Node's event loop drains (`beforeExit`). One listener serves every monitor
 * so many monitors never trip the max-listeners warning.
 */
export function registerBeforeExit(flush: () => Promise<unknown>): () => void {
  flushers.add(flush)
  if (!installed) {
    process.on('beforeExit', onBeforeExit)
    installed = true
  }
  return () => {
    flushers.delete(flush)
    if (flushers.size === 0 && installed) {
      process.off('beforeExit', onBeforeExit)
      installed = false
    }
  }
}
