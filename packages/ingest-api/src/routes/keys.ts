import { AUTH_ERRORS, BODY_ERRORS } from '../http/openapi-responses.js'
import { OpenAPIHono, z } from '@hono/zod-openapi'
import { componentRef } from '@anansi/protocol'
import { ApiError } from '../http/api-error.js'
import { requireScope, type AuthVariables } from '../http/auth.js'
import { readJsonBody } from '../http/json-body.js'
import { SerialByKey } from '../http/serial-by-key.js'
import { parseOr400 } from '../http/validate.js'
import type { ApiKeyInfo, ProjectStore, Store } from '@anansi/store'

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

const activeAdmin = (key: ApiKeyInfo, now: Date): boolean =>
  key.scopes.includes('admin') &&
  key.revokedAt === null &&
  (key.expiresAt === null || key.expiresAt > now)

/**
 * Whether revoking `keyId` would leave the project without an active admin key. Only an admin key
 * can ask, so that key is the caller's own: the project would be locked out of its keys, rules and
 * webhooks through the API (an operator can still mint one with `anansi keys create`).
 */
async function isLastAdmin(project: ProjectStore, keyId: string, now: Date): Promise<boolean> {
  const keys = await project.listApiKeys()
  const target = keys.find((k) => k.id === keyId)
  if (target === undefined || !activeAdmin(target, now)) return false
  return !keys.some((k) => k.id !== keyId && activeAdmin(k, now))
}

/**
 * Admin-scoped API key management for the key's own project: create (secret shown once), list,
 * revoke; the project's last active admin key cannot be revoked (409), as a group's last owner
 * cannot be removed in GitLab or GitHub.
 */
export function keyRoutes(
  store: Store,
  now: () => Date = () => new Date(),
): OpenAPIHono<{ Variables: AuthVariables }> {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>()
  // Check-then-revoke runs one at a time per project, so two admins revoking each other through
  // this replica cannot both pass the check. Across replicas the store would need to lock.
  const revocations = new SerialByKey()
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
    summary: 'Revoke a key of this project (never its last active admin key)',
    security: [{ bearer: [] }],
    request: { params: keyIdParam },
    responses: {
      ...AUTH_ERRORS,
      204: { description: 'Revoked' },
      404: { description: 'No such live key in this project', ...errors },
      409: {
        description:
          "The project's last active admin key (code `conflict`): create another admin key first",
        ...errors,
      },
    },
  })
  app.delete('/v1/keys/:id', async (c) => {
    const id = parseOr400(keyIdParam, c.req.param(), 'params').id.toLowerCase()
    const projectId = c.get('auth').projectId
    const project = store.forProject(projectId)
    await revocations.run(projectId, async () => {
      if (await isLastAdmin(project, id, now()))
        throw new ApiError(
          409,
          'conflict',
          "this is the project's last active admin key; create another admin key before revoking it",
        )
      if (!(await project.revokeApiKey(id)))
        throw new ApiError(404, 'not_found', 'no such live key in this project')
    })
    return c.body(null, 204)
  })
  return app
}
