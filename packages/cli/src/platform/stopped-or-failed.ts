/** Why a long-running command stopped waiting. */
export type StopReason = { stopped: true } | { stopped: false; error: Error }

/**
 * Waits until `stop` aborts (SIGINT/SIGTERM) or `failed` settles (a part that cannot continue, such
 * as a processor whose Kafka consumer died for good), whichever comes first.
 */
export function stoppedOrFailed(
  stop: AbortSignal,
  failed: Promise<Error> | undefined,
): Promise<StopReason> {
  return new Promise<StopReason>((resolve) => {
    if (stop.aborted) {
      resolve({ stopped: true })
      return
    }
    stop.addEventListener('abort', () => resolve({ stopped: true }), { once: true })
    failed?.then(
      (error) => resolve({ stopped: false, error }),
      (error: unknown) =>
        resolve({
          stopped: false,
          error: error instanceof Error ? error : new Error(String(error)),
        }),
    )
  })
}
