/** Where the SDK says what it is doing; a no-op unless debugging is on. */
export type DebugLogger = (message: string, details?: unknown) => void

const noop: DebugLogger = () => undefined

/** Builds the logger from the `debug` option, or `ANANSI_DEBUG` when the option is absent. */
export function createDebugLogger(
  option: boolean | DebugLogger | undefined,
  env: (name: string) => string | undefined,
): DebugLogger {
  if (typeof option === 'function') return option
  const on = option ?? ['1', 'true', 'yes'].includes((env('ANANSI_DEBUG') ?? '').toLowerCase())
  if (!on) return noop
  return (message, details) => {
    if (details === undefined) console.debug(`[anansi] ${message}`)
    else console.debug(`[anansi] ${message}`, details)
  }
}
