import { z } from 'zod'
import { MAX_ATTEMPTS } from './backoff.js'
import { WebhookError } from './errors.js'
import { DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT_MS } from './sender.js'

const positiveInt = z.number().int().positive()

/** The dispatcher's numeric and boolean settings, with their defaults. */
export const dispatcherSettingsSchema = z
  .object({
    pollIntervalMs: positiveInt.default(1000),
    batchSize: positiveInt.default(10),
    concurrency: positiveInt.default(5),
    timeoutMs: positiveInt.default(DEFAULT_TIMEOUT_MS),
    leaseMs: positiveInt.optional(),
    maxAttempts: positiveInt.default(MAX_ATTEMPTS),
    maxResponseBytes: positiveInt.default(DEFAULT_MAX_RESPONSE_BYTES),
    allowPrivate: z.boolean().default(false),
  })
  .transform(({ leaseMs, ...rest }) => ({
    ...rest,
    leaseMs: leaseMs ?? Math.max(60_000, 2 * worstCaseBatchMs(rest)),
  }))
  .refine((s) => s.leaseMs > worstCaseBatchMs(s), {
    // The lease starts at claim time, and the last job of a batch starts only after the slots
    // ahead of it finish: a shorter lease could expire mid-send and let another dispatcher
    // claim (and send) the same delivery again.
    message: 'leaseMs must exceed ceil(batchSize / concurrency) * timeoutMs',
    path: ['leaseMs'],
  })

/** Validated dispatcher settings. */
export type DispatcherSettings = z.infer<typeof dispatcherSettingsSchema>

/** Validates dispatcher settings, or throws a `WebhookError` (`invalid_options`) naming the bad ones. */
export function parseDispatcherSettings(
  input: z.input<typeof dispatcherSettingsSchema>,
): DispatcherSettings {
  const parsed = dispatcherSettingsSchema.safeParse(input)
  if (!parsed.success) {
    throw new WebhookError('invalid_options', z.prettifyError(parsed.error), {
      cause: parsed.error,
    })
  }
  return parsed.data
}

function worstCaseBatchMs(s: {
  batchSize: number
  concurrency: number
  timeoutMs: number
}): number {
  return Math.ceil(s.batchSize / s.concurrency) * s.timeoutMs
}
