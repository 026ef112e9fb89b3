import type { Issue } from '@anansi/protocol'

// Light structural checks of what the API answers. The SDK ships without zod (its schemas are
// for servers and tests), so these read only the fields the SDK acts on.

/** One event the API refused, with the reasons it gave. */
export interface RejectedEvent {
  index: number
  id: string | undefined
  issues: Issue[]
}

/** An API error body's code, message and hints. */
export interface ErrorBodyInfo {
  code: string
  message: string
  retryAfterSeconds: number | undefined
  issues: Issue[]
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function readIssues(value: unknown): Issue[] {
  if (!Array.isArray(value)) return []
  return value.filter(isObject).map((issue) => ({
    path: Array.isArray(issue.path)
      ? issue.path.filter(
          (p): p is string | number => typeof p === 'string' || typeof p === 'number',
        )
      : [],
    code: typeof issue.code === 'string' ? issue.code : 'unknown',
    message: typeof issue.message === 'string' ? issue.message : '',
  }))
}

/** The rejected events of a `batchResponseSchema` answer (202/207); empty when none or unreadable. */
export function readRejected(body: unknown): RejectedEvent[] {
  if (!isObject(body) || !Array.isArray(body.results)) return []
  return body.results.filter(isObject).flatMap((result) =>
    result.status === 'rejected' && typeof result.index === 'number'
      ? [
          {
            index: result.index,
            id: typeof result.id === 'string' ? result.id : undefined,
            issues: readIssues(result.errors),
          },
        ]
      : [],
  )
}

/** Reads an `errorBodySchema` answer; undefined when the body is something else. */
export function readErrorBody(body: unknown): ErrorBodyInfo | undefined {
  if (!isObject(body) || !isObject(body.error)) return undefined
  const { code, message, details } = body.error
  const extra = isObject(details) ? details : {}
  return {
    code: typeof code === 'string' ? code : 'unknown',
    message: typeof message === 'string' ? message : '',
    retryAfterSeconds:
      typeof extra.retryAfterSeconds === 'number' ? extra.retryAfterSeconds : undefined,
    issues: readIssues(extra.issues),
  }
}

/** Parses JSON text, answering undefined instead of throwing (bodies of failed answers may be HTML). */
export function parseJsonSafely(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined // the caller reports the status; an unreadable body adds nothing to that
  }
}
