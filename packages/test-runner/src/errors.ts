/** Machine-readable test runner error codes. */
export type TestRunnerErrorCode =
  /** A scenario or suite file failed validation. */
  | 'invalid_scenario'
  /** An unknown suite, strategy or provider name. */
  | 'unknown_name'
  /** A provider call failed for good (after retries, or with a non-retriable status). */
  | 'provider_failed'
  /** The run was cancelled through its AbortSignal. */
  | 'cancelled'
  /** A run id names a run that cannot be resumed (another suite, model or strategies). */
  | 'resume_mismatch'
  /** Bad command-line usage. */
  | 'usage'
  /** The Anansi API could not be reached, or refused a request (compare with run ids). */
  | 'api_failed'

/** Every failure the test runner raises, with a code to switch on. */
export class TestRunnerError extends Error {
  override readonly name = 'TestRunnerError'

  constructor(
    readonly code: TestRunnerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}
