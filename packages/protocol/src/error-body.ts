import { z } from 'zod'

/** Machine-readable error codes every API answer uses; clients switch on these, never on messages. */
export const ERROR_CODES = [
  'bad_request',
  'invalid_json',
  'validation_failed',
  'unauthorized',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'internal',
  'service_unavailable',
] as const

/** An API error code. */
export const errorCodeSchema = z.enum(ERROR_CODES)

/** One failing location of a payload: the path into it and what is wrong there. */
export const issueSchema = z.strictObject({
  path: z.array(z.union([z.string(), z.int().nonnegative()])),
  code: z.string().min(1).max(64),
  message: z.string().max(1024),
})

/** The body of every non-2xx answer: `{ error: { code, message, details } }`. */
export const errorBodySchema = z.strictObject({
  error: z.strictObject({
    code: errorCodeSchema,
    message: z.string().min(1).max(4096),
    details: z
      .strictObject({
        issues: z.array(issueSchema).optional(),
        retryAfterSeconds: z.int().nonnegative().optional(),
        limit: z.int().nonnegative().optional(),
      })
      .optional(),
  }),
})

/** API error code as a TypeScript type. */
export type ErrorCode = z.infer<typeof errorCodeSchema>
/** One validation issue as a TypeScript type. */
export type Issue = z.infer<typeof issueSchema>
/** The error body as a TypeScript type. */
export type ErrorBody = z.infer<typeof errorBodySchema>
