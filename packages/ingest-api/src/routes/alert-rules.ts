import {
  alertRuleCreateSchema,
  alertRuleUpdateSchema,
  componentRef,
  type AlertRule,
  type Issue,
} from '@anansi/protocol'
import { StoreError, type ProjectStore, type Store } from '@anansi/store'
import { OpenAPIHono, z } from '@hono/zod-openapi'
import { ApiError, validationError } from '../http/api-error.js'
import { requireScope, type AuthVariables } from '../http/auth.js'
import { readJsonBody } from '../http/json-body.js'
import { AUTH_ERRORS, BODY_ERRORS, errorResponse } from '../http/openapi-responses.js'
import { arrayOf, jsonContent, objectOf } from '../http/openapi-schemas.js'
import { parseOr400 } from '../http/validate.js'

const BODY_LIMIT = 64 * 1024
const idParam = z.object({ id: z.uuid() })
const oneRule = jsonContent(componentRef('alertRule'))
const notFound = errorResponse('No such alert rule in this project')

function noSuchRule(): ApiError {
  return new ApiError(404, 'not_found', 'no such alert rule in this project')
}

/**
 * Turns the store's refusal of a channel naming a webhook the project does not have into a 400
 * that points at each such channel. The store's check is the authoritative one (it holds the
 * webhooks locked while it writes); the paths are worked out afterwards, only for the answer.
 */
async function unknownWebhooks(
  project: ProjectStore,
  channels: AlertRule['channels'],
): Promise<ApiError> {
  const own = new Set((await project.listWebhooks()).map((webhook) => webhook.id))
  const issues = channels.flatMap((channel, index): Issue[] =>
    own.has(channel.webhookId.toLowerCase())
      ? []
      : [
          {
            path: ['body', 'channels', index, 'webhookId'],
            code: 'invalid_reference',
            message: 'no such webhook in this project',
          },
        ],
  )
  return validationError(
    'a channel names a webhook this project does not have',
    issues.length > 0
      ? issues
      : [{ path: ['body', 'channels'], code: 'invalid_reference', message: 'unknown webhook' }],
  )
}

/** Runs a rule write, answering a channel that names a foreign or unknown webhook with a 400. */
async function writeRule<T>(
  project: ProjectStore,
  channels: AlertRule['channels'] | undefined,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write()
  } catch (error) {
    if (error instanceof StoreError && error.code === 'invalid_reference')
      throw await unknownWebhooks(project, channels ?? [])
    throw error
  }
}

/** The project's alert rules: list and read (read scope), create, patch and delete (admin scope). */
export function alertRuleRoutes(store: Store): OpenAPIHono<{ Variables: AuthVariables }> {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>()
  const project = (projectId: string) => store.forProject(projectId)
  const security = [{ bearer: [] }]

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/v1/alert-rules',
    summary: "The project's alert rules, oldest first",
    security,
    responses: {
      ...AUTH_ERRORS,
      200: { description: 'Rules', ...jsonContent(objectOf({ rules: arrayOf('alertRule') })) },
    },
  })
  app.get('/v1/alert-rules', requireScope('read'), async (c) => {
    return c.json({ rules: await project(c.get('auth').projectId).listAlertRules() }, 200)
  })

  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/v1/alert-rules',
    summary: 'Create an alert rule',
    description: 'Every channel must name one of this project’s webhooks (400 otherwise).',
    security,
    request: { body: { ...jsonContent(componentRef('alertRuleCreate')), required: true } },
    responses: { ...BODY_ERRORS, 201: { description: 'Created', ...oneRule } },
  })
  app.post('/v1/alert-rules', requireScope('admin'), async (c) => {
    const body = parseOr400(alertRuleCreateSchema, await readJsonBody(c, BODY_LIMIT), 'body')
    const scoped = project(c.get('auth').projectId)
    const rule = await writeRule(scoped, body.channels, () => scoped.createAlertRule(body))
    return c.json(rule, 201)
  })

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/v1/alert-rules/{id}',
    summary: 'Read one alert rule',
    security,
    request: { params: idParam },
    responses: { ...AUTH_ERRORS, 200: { description: 'The rule', ...oneRule }, 404: notFound },
  })
  app.get('/v1/alert-rules/:id', requireScope('read'), async (c) => {
    const { id } = parseOr400(idParam, c.req.param(), 'params')
    const rule = await project(c.get('auth').projectId).getAlertRule(id)
    if (rule === undefined) throw noSuchRule()
    return c.json(rule, 200)
  })

  app.openAPIRegistry.registerPath({
    method: 'patch',
    path: '/v1/alert-rules/{id}',
    summary: 'Change some fields of an alert rule',
    security,
    request: {
      params: idParam,
      body: { ...jsonContent(componentRef('alertRuleUpdate')), required: true },
    },
    responses: {
      ...BODY_ERRORS,
      200: { description: 'The rule after the change', ...oneRule },
      404: notFound,
    },
  })
  app.patch('/v1/alert-rules/:id', requireScope('admin'), async (c) => {
    const { id } = parseOr400(idParam, c.req.param(), 'params')
    const patch = parseOr400(alertRuleUpdateSchema, await readJsonBody(c, BODY_LIMIT), 'body')
    const scoped = project(c.get('auth').projectId)
    const rule = await writeRule(scoped, patch.channels, () => scoped.updateAlertRule(id, patch))
    if (rule === undefined) throw noSuchRule()
    return c.json(rule, 200)
  })

  app.openAPIRegistry.registerPath({
    method: 'delete',
    path: '/v1/alert-rules/{id}',
    summary: 'Delete an alert rule (its alerts stay)',
    security,
    request: { params: idParam },
    responses: { ...AUTH_ERRORS, 204: { description: 'Deleted' }, 404: notFound },
  })
  app.delete('/v1/alert-rules/:id', requireScope('admin'), async (c) => {
    const { id } = parseOr400(idParam, c.req.param(), 'params')
    if (!(await project(c.get('auth').projectId).deleteAlertRule(id))) throw noSuchRule()
    return c.body(null, 204)
  })
  return app
}
