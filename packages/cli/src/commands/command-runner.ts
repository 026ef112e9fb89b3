import { StoreError } from '@anansi/store'
import { ConfigError } from '../config.js'
import type { CommandIo } from './command-io.js'
import type { Print } from './dev.js'
import { CommandError, EXIT } from './exit-codes.js'

/**
 * Runs a node:util `parseArgs` call, turning bad arguments (unknown options, missing values) into
 * usage errors. Takes the call rather than its options so that its precise types stay inferred.
 */
export function parsingArgs<T>(parse: () => T): T {
  try {
    return parse()
  } catch (error) {
    // node:util reports bad arguments as TypeErrors with ERR_PARSE_ARGS_* codes.
    if (
      error instanceof TypeError &&
      'code' in error &&
      String(error.code).startsWith('ERR_PARSE_ARGS')
    ) {
      throw new CommandError('usage', error.message, { cause: error })
    }
    throw error
  }
}

/** Prints one JSON document (the `--json` output of every command but `tail`). */
export function printJson(print: Print, value: unknown): void {
  print(JSON.stringify(value, null, 2))
}

/** Lays rows out in aligned columns under a header, for people to read. */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  )
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd()
  return [line(header), ...rows.map(line)]
}

function describe(error: unknown): { code: string; message: string; exitCode: number } {
  if (error instanceof CommandError)
    return { code: error.code, message: error.message, exitCode: error.exitCode }
  if (error instanceof ConfigError)
    return { code: error.code, message: error.message, exitCode: EXIT.config }
  if (error instanceof StoreError && error.code === 'connection_failed')
    return { code: 'unreachable', message: error.message, exitCode: EXIT.failed }
  const message = error instanceof Error ? error.message : String(error)
  const cause =
    error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : ''
  return { code: 'failed', message: `${message}${cause}`, exitCode: EXIT.failed }
}

/**
 * Runs a command body and turns how it failed into an exit code: the message goes to stderr and,
 * with `--json`, an `{"error": {code, message}}` document goes to stdout so scripts always get JSON.
 */
export async function runCommand(
  print: Print,
  io: CommandIo,
  args: readonly string[],
  body: () => Promise<number>,
): Promise<number> {
  try {
    return await body()
  } catch (error) {
    const failure = describe(error)
    io.warn(`anansi: ${failure.message}`)
    if (args.includes('--json'))
      printJson(print, { error: { code: failure.code, message: failure.message } })
    return failure.exitCode
  }
}
