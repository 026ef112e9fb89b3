/**
 * What `anansi` exits with, so scripts can branch on it. The numbers above 64 follow BSD
 * sysexits.h (EX_TEMPFAIL, EX_NOPERM, EX_CONFIG), which shells and supervisors already know.
 */
export const EXIT = {
  /** Done (for `evaluate`: the text is safe). */
  ok: 0,
  /** Failed while running (database or server unreachable, unexpected error). */
  failed: 1,
  /** Bad usage: unknown command or option, invalid argument. */
  usage: 2,
  /** `anansi evaluate`: the evaluators judged the text unsafe. */
  unsafe: 3,
  /** The project or key named does not exist (or the key is already revoked). */
  notFound: 4,
  /** The embedded database is in use by a running `anansi dev`; stop it or use the API. */
  busy: 75,
  /** The API refused the key (missing, unknown, revoked, or without the needed scope). */
  noPermission: 77,
  /** Bad configuration in the environment. */
  config: 78,
} as const

/** One of the exit codes above. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/** The exit codes as `--help` shows them, one per line. */
export const EXIT_CODES_HELP = `exit codes:
  0   done (evaluate: safe)
  1   failed (database or server unreachable, unexpected error;
      test run: scenarios ended in provider errors beyond --max-errors)
  2   bad usage (unknown command or option, invalid argument)
  3   evaluate: unsafe; test: a threshold failed (--fail-under, --max-asr, --fail-on-regression)
  4   not found (project, key)
  75  the embedded database is in use by a running anansi dev
  77  the API refused the key
  78  bad configuration in the environment
`

/** Why a command stopped; `code` is stable for scripts (it is the `error.code` of `--json`). */
export type CommandErrorCode =
  'usage' | 'not_found' | 'database_in_use' | 'unauthorized' | 'unreachable'

const EXIT_FOR: Record<CommandErrorCode, ExitCode> = {
  usage: EXIT.usage,
  not_found: EXIT.notFound,
  database_in_use: EXIT.busy,
  unauthorized: EXIT.noPermission,
  unreachable: EXIT.failed,
}

/** An expected way for a command to fail: a message for people, a code and an exit code for scripts. */
export class CommandError extends Error {
  override readonly name = 'CommandError'
  readonly exitCode: ExitCode

  constructor(
    readonly code: CommandErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.exitCode = EXIT_FOR[code]
  }
}
