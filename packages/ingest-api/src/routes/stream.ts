import { AUTH_ERRORS } from '../http/openapi-responses.js'
import { OpenAPIHono, z } from '@hono/zod-openapi'
import { streamSSE } from 'hono/streaming'
import { requireScope, type AuthVariables } from '../http/auth.js'
import { parseOr400 } from '../http/validate.js'
import type { EventHub } from '../ingest/event-hub.js'
import type { VerdictHub } from '../verdicts/verdict-hub.js'

const streamQuery = z.object({
  model: z.string().min(1).max(256).optional(),
  category: z.string().min(1).max(64).optional(),
})

/** Messages a slow client may fall behind by before the stream is closed (it reconnects). */
const MAX_PENDING = 1_000

/**
 * GET /v1/stream: Server-Sent Events of the project's live events (`event: event`) and verdicts
 * (`event: verdict`), optionally only one model and/or category. With a filter, a verdict is sent
 * only for an event this stream sent. Live only, no history. Verdicts come from the bus; events
 * too when the replica follows the bus with `startEventFeed` (the CLI does on Kafka, where ingest
 * scales out), otherwise only the events this replica accepts.
 */
export function streamRoutes(
  events: EventHub,
  verdicts: VerdictHub,
  heartbeatMs = 15_000,
): OpenAPIHono<{ Variables: AuthVariables }> {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>()
  app.use('/v1/stream', requireScope('read'))
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/v1/stream',
    summary: 'Live events and verdicts (Server-Sent Events)',
    security: [{ bearer: [] }],
    request: { query: streamQuery },
    responses: {
      ...AUTH_ERRORS,
      200: {
        description: 'text/event-stream of `event` and `verdict` messages',
        content: {
          'text/event-stream': {
            schema: {
              type: 'object',
              description: 'each message: JSON data of an event, a verdict, `ready` or `heartbeat`',
            },
          },
        },
      },
    },
  })
  app.get('/v1/stream', (c) => {
    const filter = parseOr400(streamQuery, c.req.query(), 'query')
    const projectId = c.get('auth').projectId
    return streamSSE(c, async (stream) => {
      const filtered = filter.model !== undefined || filter.category !== undefined
      const sentIds = new Set<string>()
      const queue: { event: string; data: string }[] = []
      let wake: (() => void) | undefined
      const push = (message: { event: string; data: string }): void => {
        if (queue.length >= MAX_PENDING) return void stream.abort()
        queue.push(message)
        wake?.()
      }
      const offEvents = events.subscribe(projectId, (event) => {
        if (filter.model !== undefined && event.model.name !== filter.model) return
        if (filter.category !== undefined && event.category !== filter.category) return
        if (filtered) {
          sentIds.add(event.id.toLowerCase())
          if (sentIds.size > 10_000) sentIds.delete(sentIds.values().next().value ?? '')
        }
        push({ event: 'event', data: JSON.stringify(event) })
      })
      const offVerdicts = verdicts.subscribe(projectId, (verdict) => {
        if (filtered && !sentIds.has(verdict.eventId.toLowerCase())) return
        push({ event: 'verdict', data: JSON.stringify(verdict) })
      })
      const heartbeat = setInterval(() => push({ event: 'heartbeat', data: '{}' }), heartbeatMs)
      stream.onAbort(() => {
        offEvents()
        offVerdicts()
        clearInterval(heartbeat)
        wake?.()
      })
      await stream.writeSSE({ event: 'ready', data: JSON.stringify({ projectId, ...filter }) })
      while (!stream.aborted) {
        const next = queue.shift()
        if (next) await stream.writeSSE(next)
        else await new Promise<void>((resolve) => (wake = resolve))
      }
    })
  })
  return app
}
