import type { CallError } from '@anansi/protocol'

/** Reads what a provider error says about itself (name, message, code, HTTP status) without trusting its shape. */
export function describeError(error: unknown): CallError {
  if (!(error instanceof Error)) return { type: typeof error, message: String(error) }
  const fields = error as Error & { code?: unknown; status?: unknown }
  const className = error.constructor.name
  const code = fields.code
  const status = fields.status
  return {
    type: className && className !== 'Error' ? className : error.name || 'Error',
    message: error.message,
    ...(typeof code === 'string' || typeof code === 'number' ? { code: String(code) } : {}),
    ...(typeof status === 'number' ? { httpStatus: status } : {}),
  }
}
