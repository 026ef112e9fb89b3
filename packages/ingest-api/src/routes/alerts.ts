import { alertStatusSchema, componentRef, type Alert } from '@anansi/protocol'
import type { ProjectStore, Store } from '@anansi/store'
import { OpenAPIHono, z } from '@hono/zod-openapi'
import { ApiError, validationError } from '../http/api-error.js'
import { requireScope, type AuthVariables } from '../http/auth.js'
import { AUTH_ERRORS, errorResponse } from '../http/openapi-responses.js'
import { arrayOf, jsonContent, objectOf } from '../http/openapi-schemas.js'
import { parseOr400 } from '../http/validate.js'

/** Alerts per page when the client names no limit, and the most it may ask for. */
const DEFAULT_PAGE = 50
const MAX_PAGE = 200

// Postgres has no year 0 and JavaScript writes years past 9999 in a form Postgres cannot read.
const FIRST = Date.parse('0001-01-01T00:00:00Z')
const LAST = Date.parse('9999-12-31T23:59:59.999Z')

const idParam = z.object({ id: z.uuid() })
const listQuery = z.object({
  status: alertStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).optional(),
  before: z.iso
    .datetime({ offset: true })
    .refine((value) => {
      const at = Date.parse(value)
      // An unparsable value already failed the format check; one issue per problem.
      return Number.isNaN(at) || (at >= FIRST && at <= LAST)
    }, 'must be between the years 1 and 9999')
    .optional()
    .describe('cursor: alerts created before this time (from `nextCursor`)'),
  beforeId: z
    .uuid()
    .optional()
    .describe('cursor: with `before`, also alerts created at `before` with a smaller id'),
})

const alertPage = objectOf({
  alerts: arrayOf('alert'),
  nextCursor: {
    description: 'query parameters for the next (older) page; null on the last page',
    oneOf: [
      { type: 'null' },
      objectOf({
        before: { type: 'string', format: 'date-time' },
        beforeId: { type: 'string', format: 'uuid' },
      }),
    ],
  },
})
const oneAlert = jsonContent(componentRef('alert'))
const notFound = errorResponse('No such alert in this project')

function noSuchAlert(): ApiError {
  return new ApiError(404, 'not_found', 'no such alert in this project')
}

/** One page of alerts, newest first, and the cursor of the next page when there is one. */
async function alertPageOf(
  project: ProjectStore,
  query: z.infer<typeof listQuery>,
): Promise<{ alerts: Alert[]; nextCursor: { before: string; beforeId: string } | null }> {
  if (query.beforeId !== undefined && query.before === undefined)
    throw validationError('invalid query', [
      { path: ['query', 'beforeId'], code: 'custom', message: 'beforeId needs before' },
    ])
  const limit = query.limit ?? DEFAULT_PAGE
  // One extra row tells whether another page exists, so the last page says so itself.
  const rows = await project.listAlerts({ ...query, limit: limit + 1 })
  const alerts = rows.slice(0, limit)
  const last = alerts.at(-1)
  const nextCursor =
    rows.length > limit && last !== undefined ? { before: last.createdAt, beforeId: last.id } : null
  return { alerts, nextCursor }
}

/**
 * The project's fired alerts: list and read (read scope); acknowledge and resolve (admin scope,
 * like every other change to the project's configuration and state through this API).
 */
export function alertRoutes(store: Store): OpenAPIHono<{ Variables: AuthVariables }> {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>()
  const project = (projectId: string) => store.forProject(projectId)

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/v1/alerts',
    summary: "The project's alerts, newest first, a page at a time",
    security: [{ bearer: [] }],
    request: { query: listQuery },
    responses: {
      ...AUTH_ERRORS,
      200: { description: 'A page of alerts', ...jsonContent(alertPage) },
    },
  })
  app.get('/v1/alerts', requireScope('read'), async (c) => {
    const query = parseOr400(listQuery, c.req.query(), 'query')
    return c.json(await alertPageOf(project(c.get('auth').projectId), query), 200)
  })

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/v1/alerts/{id}',
    summary: 'Read one alert',
    security: [{ bearer: [] }],
    request: { params: idParam },
    responses: { ...AUTH_ERRORS, 200: { description: 'The alert', ...oneAlert }, 404: notFound },
  })
  app.get('/v1/alerts/:id', requireScope('read'), async (c) => {
    const { id } = parseOr400(idParam, c.req.param(), 'params')
    const alert = await project(c.get('auth').projectId).getAlert(id)
    if (alert === undefined) throw noSuchAlert()
    return c.json(alert, 200)
  })

  const transitions = [
    ['ack', 'Acknowledge an open alert (idempotent)', 'acknowledgeAlert'],
    ['resolve', 'Resolve an alert (idempotent)', 'resolveAlert'],
  ] as const
  for (const [action, summary, method] of transitions) {
    app.openAPIRegistry.registerPath({
      method: 'post',
      path: `/v1/alerts/{id}/${action}`,
      summary,
      security: [{ bearer: [] }],
      request: { params: idParam },
      responses: {
        ...AUTH_ERRORS,
        200: { description: 'The alert after the change', ...oneAlert },
        404: notFound,
      },
    })
    app.post(`/v1/alerts/:id/${action}`, requireScope('admin'), async (c) => {
      const { id } = parseOr400(idParam, c.req.param(), 'params')
      const alert = await project(c.get('auth').projectId)[method](id)
      if (alert === undefined) throw noSuchAlert()
      return c.json(alert, 200)
    })
  }
  return app
}
