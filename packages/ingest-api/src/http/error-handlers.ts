import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { ApiError } from './api-error.js'

/** Logs failures the client cannot see; set by the host (the CLI passes its logger). */
export type ErrorReporter = (error: unknown, context: { method: string; path: string }) => void

/**
 * Turns anything thrown into the protocol's error body. Unknown errors become a 500 with no stack
 * trace or message from the inside; they go to `report` instead.
 */
export function errorHandler(report: ErrorReporter) {
  return (error: unknown, c: Context): Response => {
    if (error instanceof ApiError) return c.json(error.toBody(), error.status)
    if (error instanceof HTTPException && error.status < 500) {
      const code =
        error.status === 413
          ? 'payload_too_large'
          : error.status === 401
            ? 'unauthorized'
            : 'bad_request'
      return c.json(
        new ApiError(error.status, code, error.message || 'bad request').toBody(),
        error.status,
      )
    }
    report(error, { method: c.req.method, path: c.req.path })
    return c.json(new ApiError(500, 'internal', 'internal error').toBody(), 500)
  }
}

/** 404 for unknown routes, in the same body as every other error. */
export function notFoundHandler(c: Context): Response {
  return c.json(
    new ApiError(404, 'not_found', `no route for ${c.req.method} ${c.req.path}`).toBody(),
    404,
  )
}
