import type { Store, VerifiedApiKey, ApiKeyScope } from '@anansi/store'
import type { MiddlewareHandler } from 'hono'
import { ApiError } from './api-error.js'

/** What every authenticated handler can read from the context. */
export interface AuthVariables {
  auth: VerifiedApiKey
}

/**
 * Resolves `Authorization: Bearer <key>` to a project and scopes. Unknown, revoked and malformed
 * keys get the same 401, so the answer reveals nothing about which keys exist.
 */
export function authenticate(store: Store): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? ''
    const match = /^Bearer\s+(\S+)$/i.exec(header)
    const key = match?.[1] === undefined ? undefined : await store.verifyApiKey(match[1])
    if (key === undefined)
      throw new ApiError(
        401,
        'unauthorized',
        'a valid API key is required (Authorization: Bearer <key>)',
      )
    c.set('auth', key)
    await next()
  }
}

/** Refuses keys without one of the given scopes (admin implies every scope). */
export function requireScope(
  ...scopes: ApiKeyScope[]
): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const granted = c.get('auth').scopes
    if (!granted.includes('admin') && !scopes.some((s) => granted.includes(s))) {
      throw new ApiError(403, 'forbidden', `this key lacks the ${scopes.join(' or ')} scope`)
    }
    await next()
  }
}
