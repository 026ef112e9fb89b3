import type { z } from 'zod'
import type { Issue } from './error-body.js'

/** Converts zod issues into the protocol's issue list (path, code, message), with `prefix` prepended to each path. */
export function toIssues(error: z.ZodError, prefix: readonly (string | number)[] = []): Issue[] {
  return error.issues.map((issue) => ({
    path: [
      ...prefix,
      ...issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment)),
    ],
    code: issue.code,
    message: issue.message,
  }))
}
