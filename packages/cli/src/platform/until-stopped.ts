/** An abort signal that fires on the first SIGINT or SIGTERM (Ctrl-C, or a supervisor stopping us). */
export function untilStopped(): AbortSignal {
  const controller = new AbortController()
  const abort = (): void => controller.abort()
  process.once('SIGINT', abort)
  process.once('SIGTERM', abort)
  return controller.signal
}
