import { AUTH_ERRORS, BODY_ERRORS } from '../http/openapi-responses.js'
import { OpenAPIHono, z } from '@hono/zod-openapi'
import { MAX_BATCH_BYTES, MAX_GATE_TIMEOUT_MS, componentRef } from '@anansi/protocol'
import type { Store } from '@anansi/store'
import type { Producer } from '@anansi/bus'
import { ApiError } from '../http/api-error.js'
import { requireScope, type AuthVariables } from '../http/auth.js'
import { readJsonBody } from '../http/json-body.js'
import { parseOr400 } from '../http/validate.js'
import type { IngestMetrics } from '../http/metrics.js'
import { acceptBatch } from '../ingest/accept-batch.js'
import type { EventHub } from '../ingest/event-hub.js'
import type { RecentIds } from '../ingest/recent-ids.js'
import type { VerdictHub } from '../verdicts/verdict-hub.js'

/** What the event routes need. */
export interface EventRouteDeps {
  store: Store
  producer: Producer
  /** Where accepted events are published. */
  eventsTopic: string
  recent: RecentIds
  live: EventHub
  hub: VerdictHub
  metrics: IngestMetrics
  now: () => Date
}

// Bodies are documented by reference to the protocol's components (see app.ts); zod here only
// validates what arrives (params, query).
const errors = { content: { 'application/json': { schema: componentRef('errorBody') } } }
const idParam = z.object({ id: z.uuid() })
const waitQuery = z.object({
  wait: z.coerce.number().int().min(0).max(MAX_GATE_TIMEOUT_MS).optional(),
})

/** POST /v1/events, GET /v1/events/:id, GET /v1/events/:id/verdict. */
export function eventRoutes(deps: EventRouteDeps): OpenAPIHono<{ Variables: AuthVariables }> {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>()

  // Documented here but read by hand: the body may be gzip and every event is validated on its
  // own (a schema-level 400 for one bad event would throw away the good ones).
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/v1/events',
    summary: 'Send a batch of events',
    security: [{ bearer: [] }],
    request: {
      body: {
        content: { 'application/json': { schema: componentRef('batchRequest') } },
        required: true,
      },
    },
    responses: {
      ...BODY_ERRORS,
      202: {
        description: 'Every event accepted (or a duplicate); all are durably on the bus',
        content: { 'application/json': { schema: componentRef('batchResponse') } },
      },
      207: {
        description: 'Some events rejected; see per-event results',
        content: { 'application/json': { schema: componentRef('batchResponse') } },
      },
      400: { description: 'Malformed JSON or envelope', ...errors },
      401: { description: 'Missing or invalid API key', ...errors },
      413: { description: 'Body too large', ...errors },
      415: { description: 'Not JSON, or unsupported encoding', ...errors },
      429: { description: 'Rate limited; see Retry-After', ...errors },
      503: { description: 'Event log unavailable; retry', ...errors },
    },
  })
  app.post('/v1/events', requireScope('ingest'), async (c) => {
    const body = await readJsonBody(c, MAX_BATCH_BYTES)
    const outcome = await acceptBatch(
      {
        project: deps.store.forProject(c.get('auth').projectId),
        producer: deps.producer,
        eventsTopic: deps.eventsTopic,
        recent: deps.recent,
        live: deps.live,
        now: deps.now,
      },
      body,
    )
    deps.metrics.batchSize.observe(outcome.body.results.length)
    deps.metrics.events.inc({ result: 'accepted' }, outcome.body.accepted)
    deps.metrics.events.inc({ result: 'duplicate' }, outcome.body.duplicates)
    deps.metrics.events.inc({ result: 'rejected' }, outcome.body.rejected)
    return c.json(outcome.body, outcome.status)
  })

  app.use('/v1/events/:id', requireScope('read'))
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/v1/events/{id}',
    summary: 'Read one stored event',
    security: [{ bearer: [] }],
    request: { params: idParam },
    responses: {
      ...AUTH_ERRORS,
      200: {
        description: 'The event as stored',
        content: { 'application/json': { schema: componentRef('storedEvent') } },
      },
      404: { description: 'Not stored (yet) for this project', ...errors },
    },
  })
  app.get('/v1/events/:id', async (c) => {
    const { id } = parseOr400(idParam, c.req.param(), 'params')
    const stored = await deps.store.forProject(c.get('auth').projectId).getEvent(id)
    if (!stored)
      throw new ApiError(
        404,
        'not_found',
        'no such event in this project (it may not be processed yet)',
      )
    return c.json({ event: stored.event, receivedAt: stored.receivedAt.toISOString() }, 200)
  })

  // SDK keys (ingest scope) must read the verdicts of the events they sent, to gate answers.
  app.use('/v1/events/:id/verdict', requireScope('ingest', 'read'))
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/v1/events/{id}/verdict',
    summary: 'The verdict of an event, long-polling up to `wait` milliseconds',
    security: [{ bearer: [] }],
    request: { params: idParam, query: waitQuery },
    responses: {
      ...AUTH_ERRORS,
      200: {
        description: 'Decided',
        content: { 'application/json': { schema: componentRef('verdict') } },
      },
      204: { description: 'Not decided within `wait`' },
      400: { description: 'Invalid id or wait', ...errors },
    },
  })
  app.get('/v1/events/:id/verdict', async (c) => {
    const projectId = c.get('auth').projectId
    const { id } = parseOr400(idParam, c.req.param(), 'params')
    const { wait = 0 } = parseOr400(waitQuery, c.req.query(), 'query')
    const project = deps.store.forProject(projectId)
    const stored = await project.getVerdict(id)
    if (stored) return c.json(stored, 200)
    const arrived =
      wait > 0 ? await deps.hub.wait(projectId, id, wait, c.req.raw.signal) : undefined
    // The hub only sees verdicts decided after it subscribed; the store closes that race.
    const verdict = arrived ?? (wait > 0 ? await project.getVerdict(id) : undefined)
    return verdict ? c.json(verdict, 200) : c.body(null, 204)
  })
  return app
}
