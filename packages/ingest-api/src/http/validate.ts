import { toIssues } from '@anansi/protocol'
import type { z } from 'zod'
import { validationError } from './api-error.js'

/** Parses with a zod schema or throws the protocol's 400 with every failing path under `where`. */
export function parseOr400<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: 'body' | 'query' | 'params',
): z.infer<S> {
  const parsed = schema.safeParse(value)
  if (!parsed.success) throw validationError(`invalid ${where}`, toIssues(parsed.error, [where]))
  return parsed.data
}
