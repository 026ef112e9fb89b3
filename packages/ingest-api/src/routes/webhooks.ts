import {
  componentRef,
  webhookCreateSchema,
  webhookDeliveryStatusSchema,
  webhookUpdateSchema,
} from '@anansi/protocol'
import type { Store } from '@anansi/store'
import { OpenAPIHono, z } from '@hono/zod-openapi'
import { ApiError, validationError } from '../http/api-error.js'
import { requireScope, type AuthVariables } from '../http/auth.js'
import { readJsonBody } from '../http/json-body.js'
import { AUTH_ERRORS, BODY_ERRORS, errorResponse } from '../http/openapi-responses.js'
import { arrayOf, jsonContent, objectOf } from '../http/openapi-schemas.js'
import { parseOr400 } from '../http/validate.js'
import { webhookUrlProblem } from '../http/webhook-target.js'

/** What the webhook routes need besides the store. */
export interface WebhookRouteOptions {
  /** Accept literal private, loopback and link-local targets (local development and tests). */
  allowPrivateTargets: boolean
}

const BODY_LIMIT = 16 * 1024
const idParam = z.object({ id: z.uuid() })
const deliveryQuery = z.object({
  status: webhookDeliveryStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
})
const endpoint = jsonContent(componentRef('webhookEndpoint'))
const withSecret = jsonContent(componentRef('webhookCreated'))
const notFound = errorResponse('No such webhook in this project')

function noSuchWebhook(): ApiError {
  return new ApiError(404, 'not_found', 'no such webhook in this project')
}

/**
 * The project's webhook endpoints and their delivery log. Admin scope throughout: endpoints and
 * their signing secrets are configuration. Signing secrets appear only in the answers to create
 * and rotate-secret.
 */
export function webhookRoutes(
  store: Store,
  options: WebhookRouteOptions,
): OpenAPIHono<{ Variables: AuthVariables }> {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>()
  app.use('/v1/webhooks', requireScope('admin'))
  app.use('/v1/webhooks/*', requireScope('admin'))
  const project = (projectId: string) => store.forProject(projectId)
  const security = [{ bearer: [] }]
  // Names are resolved at delivery time (the dispatcher pins the checked address); only what the
  // URL says by itself is refused here.
  const checkUrl = (url: string | undefined) => {
    const problem =
      url === undefined ? undefined : webhookUrlProblem(url, options.allowPrivateTargets)
    if (problem !== undefined)
      throw validationError('invalid webhook URL', [{ path: ['body', 'url'], ...problem }])
  }

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/v1/webhooks',
    summary: "The project's webhook endpoints (never their secrets)",
    security,
    responses: {
      ...AUTH_ERRORS,
      200: {
        description: 'Endpoints',
        ...jsonContent(objectOf({ webhooks: arrayOf('webhookEndpoint') })),
      },
    },
  })
  app.get('/v1/webhooks', async (c) => {
    return c.json({ webhooks: await project(c.get('auth').projectId).listWebhooks() }, 200)
  })

  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/v1/webhooks',
    summary: 'Add a webhook endpoint; its signing secret is in this answer only',
    description:
      'http(s) only, without credentials; literal private, loopback and link-local hosts are ' +
      'refused unless the server allows them. Names are checked when a delivery is made.',
    security,
    request: { body: { ...jsonContent(componentRef('webhookCreate')), required: true } },
    responses: { ...BODY_ERRORS, 201: { description: 'Created, with the secret', ...withSecret } },
  })
  app.post('/v1/webhooks', async (c) => {
    const body = parseOr400(webhookCreateSchema, await readJsonBody(c, BODY_LIMIT), 'body')
    checkUrl(body.url)
    return c.json(await project(c.get('auth').projectId).createWebhook(body), 201)
  })

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/v1/webhooks/{id}',
    summary: 'Read one webhook endpoint (never its secret)',
    security,
    request: { params: idParam },
    responses: { ...AUTH_ERRORS, 200: { description: 'The endpoint', ...endpoint }, 404: notFound },
  })
  app.get('/v1/webhooks/:id', async (c) => {
    const { id } = parseOr400(idParam, c.req.param(), 'params')
    const found = await project(c.get('auth').projectId).getWebhook(id)
    if (found === undefined) throw noSuchWebhook()
    return c.json(found, 200)
  })

  app.openAPIRegistry.registerPath({
    method: 'patch',
    path: '/v1/webhooks/{id}',
    summary: 'Change some fields of a webhook endpoint',
    security,
    request: {
      params: idParam,
      body: { ...jsonContent(componentRef('webhookUpdate')), required: true },
    },
    responses: {
      ...BODY_ERRORS,
      200: { description: 'The endpoint after the change', ...endpoint },
      404: notFound,
    },
  })
  app.patch('/v1/webhooks/:id', async (c) => {
    const { id } = parseOr400(idParam, c.req.param(), 'params')
    const patch = parseOr400(webhookUpdateSchema, await readJsonBody(c, BODY_LIMIT), 'body')
    checkUrl(patch.url)
    const updated = await project(c.get('auth').projectId).updateWebhook(id, patch)
    if (updated === undefined) throw noSuchWebhook()
    return c.json(updated, 200)
  })

  app.openAPIRegistry.registerPath({
    method: 'delete',
    path: '/v1/webhooks/{id}',
    summary: 'Delete a webhook endpoint, its delivery log, and the rule channels naming it',
    security,
    request: { params: idParam },
    responses: { ...AUTH_ERRORS, 204: { description: 'Deleted' }, 404: notFound },
  })
  app.delete('/v1/webhooks/:id', async (c) => {
    const { id } = parseOr400(idParam, c.req.param(), 'params')
    if (!(await project(c.get('auth').projectId).deleteWebhook(id))) throw noSuchWebhook()
    return c.body(null, 204)
  })

  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/v1/webhooks/{id}/rotate-secret',
    summary: 'Replace the signing secret; the new one is in this answer only',
    description: 'Deliveries still pending are signed with the new secret.',
    security,
    request: { params: idParam },
    responses: {
      ...AUTH_ERRORS,
      200: { description: 'The endpoint with its new secret', ...withSecret },
      404: notFound,
    },
  })
  app.post('/v1/webhooks/:id/rotate-secret', async (c) => {
    const { id } = parseOr400(idParam, c.req.param(), 'params')
    const scoped = project(c.get('auth').projectId)
    const secret = await scoped.rotateWebhookSecret(id)
    // Read after the rotation: an endpoint deleted in between answers 404, not a stale body.
    const rotated = secret === undefined ? undefined : await scoped.getWebhook(id)
    if (secret === undefined || rotated === undefined) throw noSuchWebhook()
    return c.json({ ...rotated, secret }, 200)
  })

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/v1/webhooks/{id}/deliveries',
    summary: "The endpoint's delivery log, newest first",
    security,
    request: { params: idParam, query: deliveryQuery },
    responses: {
      ...AUTH_ERRORS,
      200: {
        description: 'Deliveries',
        ...jsonContent(objectOf({ deliveries: arrayOf('webhookDelivery') })),
      },
      404: notFound,
    },
  })
  app.get('/v1/webhooks/:id/deliveries', async (c) => {
    const { id } = parseOr400(idParam, c.req.param(), 'params')
    const query = parseOr400(deliveryQuery, c.req.query(), 'query')
    const scoped = project(c.get('auth').projectId)
    if ((await scoped.getWebhook(id)) === undefined) throw noSuchWebhook()
    return c.json({ deliveries: await scoped.listDeliveries({ ...query, webhookId: id }) }, 200)
  })
  return app
}
