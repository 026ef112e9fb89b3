import { AUTH_ERRORS, BODY_ERRORS } from '../http/openapi-responses.js'
import { OpenAPIHono, z } from '@hono/zod-openapi'
import { componentRef } from '@anansi/protocol'
import { ApiError } from '../http/api-error.js'
import { requireScope, type AuthVariables } from '../http/auth.js'
import { readJsonBody } from '../http/json-body.js'
import { parseOr400 } from '../http/validate.js'
import type { Store } from '@anansi/store'

const createKeyBody = z.strictObject({
  name: z.string().min(1).max(128),
  scopes: z
    .array(z.enum(['ingest', 'read', 'admin']))
    .min(1)
    .max(3),
  // In the future and at most ten years out: Postgres stores dates JavaScript cannot represent.
  expiresAt: z.iso
    .datetime({ offset: true })
    .refine((value) => {
      const at = Date.parse(value)
      return at > Date.now() && at < Date.now() + 10 * 365 * 86_400_000
    }, 'must be in the future and within ten years')
    .optional(),
})
const keyIdParam = z.object({ id: z.uuid() })
const errors = { content: { 'application/json': { schema: componentRef('errorBody') } } }
const keyInfo = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
})

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString())

/** Admin-scoped API key management for the key's own project: create (secret shown once), list, revoke. */
export function keyRoutes(store: Store): OpenAPIHono<{ Variables: AuthVariables }> {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>()
  app.use('/v1/keys', requireScope('admin'))
  app.use('/v1/keys/*', requireScope('admin'))
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/v1/keys',
    summary: "List the project's API keys (never their secrets)",
    security: [{ bearer: [] }],
    responses: {
      ...AUTH_ERRORS,
      200: {
        description: 'Keys',
        content: { 'application/json': { schema: z.object({ keys: z.array(keyInfo) }) } },
      },
      403: { description: 'Not an admin key', ...errors },
    },
  })
  app.get('/v1/keys', async (c) => {
    const keys = await store.forProject(c.get('auth').projectId).listApiKeys()
    return c.json(
      {
        keys: keys.map((k) => ({
          id: k.id,
          name: k.name,
          prefix: k.prefix,
          scopes: k.scopes,
          createdAt: k.createdAt.toISOString(),
          lastUsedAt: iso(k.lastUsedAt),
          expiresAt: iso(k.expiresAt),
          revokedAt: iso(k.revokedAt),
        })),
      },
      200,
    )
  })
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/v1/keys',
    summary: 'Create a key; the secret is in this answer only',
    security: [{ bearer: [] }],
    request: {
      body: { content: { 'application/json': { schema: createKeyBody } }, required: true },
    },
    responses: {
      ...BODY_ERRORS,
      201: {
        description: 'Created',
        content: {
          'application/json': {
            schema: z.object({ key: z.string(), id: z.string(), prefix: z.string() }),
          },
        },
      },
      400: { description: 'Invalid body', ...errors },
    },
  })
  app.post('/v1/keys', async (c) => {
    const body = parseOr400(createKeyBody, await readJsonBody(c, 16 * 1024), 'body')
    const created = await store.forProject(c.get('auth').projectId).createApiKey({
      name: body.name,
      scopes: [...new Set(body.scopes)],
      ...(body.expiresAt === undefined ? {} : { expiresAt: new Date(body.expiresAt) }),
    })
    return c.json({ key: created.plaintext, id: created.key.id, prefix: created.key.prefix }, 201)
  })
  app.openAPIRegistry.registerPath({
    method: 'delete',
    path: '/v1/keys/{id}',
    summary: 'Revoke a key of this project',
    security: [{ bearer: [] }],
    request: { params: keyIdParam },
    responses: {
      ...AUTH_ERRORS,
      204: { description: 'Revoked' },
      404: { description: 'No such live key in this project', ...errors },
    },
  })
  app.delete('/v1/keys/:id', async (c) => {
    const { id } = parseOr400(keyIdParam, c.req.param(), 'params')
    if (!(await store.forProject(c.get('auth').projectId).revokeApiKey(id)))
      throw new ApiError(404, 'not_found', 'no such live key in this project')
    return c.body(null, 204)
  })
  return app
}
