/** Structured fields attached to a log line. */
export type LogFields = Record<string, unknown>

/** Where the bus (and the Kafka client under it) writes its diagnostics. */
export interface BusLogger {
  debug(message: string, fields?: LogFields): void
  info(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  error(message: string, fields?: LogFields): void
}

function line(level: string, message: string, fields?: LogFields): string {
  const extra = fields === undefined ? '' : ` ${JSON.stringify(fields, jsonSafe)}`
  return `[anansi-bus] ${level} ${message}${extra}`
}

// Errors serialise as {} by default; keep their name and message in log lines.
function jsonSafe(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message }
  if (typeof value === 'bigint') return value.toString()
  return value
}

/** The default logger: warnings and errors as one line each on stderr, debug and info dropped. */
export const stderrLogger: BusLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (message, fields) => console.warn(line('WARN', message, fields)),
  error: (message, fields) => console.error(line('ERROR', message, fields)),
}
