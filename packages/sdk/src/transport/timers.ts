/** A timer that never keeps the process alive on its own (a no-op where timers cannot be unref'd). */
export function unrefTimer(handle: ReturnType<typeof setTimeout>): void {
  if (typeof handle === 'object' && handle !== null && 'unref' in handle) handle.unref()
}

/** A cancellable sleep; cancel it once it lost a race so its timer does not hold the process open. */
export function sleep(ms: number): { promise: Promise<void>; cancel: () => void } {
  let handle: ReturnType<typeof setTimeout> | undefined
  const promise = new Promise<void>((resolve) => {
    handle = setTimeout(resolve, Math.max(0, ms))
  })
  return { promise, cancel: () => clearTimeout(handle) }
}

/** Combines an optional caller signal with a timeout, where the runtime supports `AbortSignal.any`. */
export function withTimeout(signal: AbortSignal | undefined, timeoutMs: number): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs)
  if (signal === undefined) return timeout
  return typeof AbortSignal.any === 'function' ? AbortSignal.any([signal, timeout]) : signal
}
