import type { ErrorBody, ErrorCode, Issue } from '@anansi/protocol'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

/** The one error type handlers throw; `onError` turns it into the protocol's error body. */
export class ApiError extends Error {
  override readonly name = 'ApiError'

  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorBody['error']['details'],
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }

  /** The JSON body clients receive. */
  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    }
  }
}

/** 400 with the failing paths. */
export function validationError(message: string, issues: Issue[]): ApiError {
  return new ApiError(400, 'validation_failed', message, { issues: issues.slice(0, 100) })
}
