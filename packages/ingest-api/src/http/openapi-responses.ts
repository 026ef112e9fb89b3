import { componentRef } from '@anansi/protocol'

/** An error answer in the OpenAPI document: always the protocol's error body. */
export function errorResponse(description: string): {
  description: string
  content: { 'application/json': { schema: { $ref: string } } }
} {
  return { description, content: { 'application/json': { schema: componentRef('errorBody') } } }
}

/** What any authenticated route may answer besides its own results. */
export const AUTH_ERRORS = {
  400: errorResponse('Invalid parameters or body, with the failing paths'),
  401: errorResponse('Missing or invalid API key'),
  403: errorResponse('The key lacks the scope'),
  429: errorResponse('Rate limited; see Retry-After'),
} as const

/** What a route that reads a JSON body may also answer. */
export const BODY_ERRORS = {
  ...AUTH_ERRORS,
  413: errorResponse('Body too large'),
  415: errorResponse('Not JSON, or an unsupported Content-Encoding'),
} as const
