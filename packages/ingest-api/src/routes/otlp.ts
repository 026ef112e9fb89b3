import type { Producer } from '@anansi/bus'
import { componentRef } from '@anansi/protocol'
import type { Store } from '@anansi/store'
import { OpenAPIHono } from '@hono/zod-openapi'
import { Counter } from 'prom-client'
import { ApiError } from '../http/api-error.js'
import { requireScope, type AuthVariables } from '../http/auth.js'
import type { IngestMetrics } from '../http/metrics.js'
import type { EventHub } from '../ingest/event-hub.js'
import type { RecentIds } from '../ingest/recent-ids.js'
import { acceptSpans, partialSuccess, type SpanOutcome } from '../otlp/accept-spans.js'
import { decodeOtlpJson, OtlpJsonError } from '../otlp/decode-otlp-json.js'
import { decodeOtlpProto } from '../otlp/decode-otlp-proto.js'
import { encodeOtlpResponse } from '../otlp/otlp-response.js'
import type { DecodedTraces } from '../otlp/otlp-spans.js'
import { ProtobufError } from '../otlp/protobuf-reader.js'
import { otlpEncoding, readOtlpBody, type OtlpEncoding } from '../otlp/read-otlp-body.js'

/** What the OTLP receiver needs: the same parts as `POST /v1/events`. */
export interface OtlpRouteDeps {
  store: Store
  producer: Producer
  /** Where accepted events are published. */
  eventsTopic: string
  recent: RecentIds
  live: EventHub
  metrics: IngestMetrics
  now: () => Date
}

/** The path OTLP/HTTP exporters post traces to, given the endpoint `<api>/v1/otlp`. */
export const OTLP_TRACES_PATH = '/v1/otlp/v1/traces'

const errors = { content: { 'application/json': { schema: componentRef('errorBody') } } }

function decode(encoding: OtlpEncoding, body: Uint8Array): DecodedTraces {
  try {
    if (encoding === 'protobuf') return decodeOtlpProto(body)
    let json: unknown
    try {
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body))
    } catch {
      throw new OtlpJsonError('the body is not valid UTF-8 JSON')
    }
    return decodeOtlpJson(json)
  } catch (error) {
    if (error instanceof ProtobufError || error instanceof OtlpJsonError)
      throw new ApiError(
        400,
        'bad_request',
        `not an OTLP trace export: ${error.message}`,
        undefined,
        {
          cause: error,
        },
      )
    throw error
  }
}

/** Counts spans by what became of them (`/metrics`). */
function spanCounter(metrics: IngestMetrics): (outcome: SpanOutcome) => void {
  const spans = new Counter({
    name: 'anansi_ingest_otlp_spans_total',
    help: 'OTLP spans received, by outcome: accepted, duplicate, rejected (GenAI spans), not_genai, anansi_sdk (ignored)',
    labelNames: ['outcome'],
    registers: [metrics.registry],
  })
  return (outcome) => {
    spans.inc({ outcome: 'accepted' }, outcome.accepted)
    spans.inc({ outcome: 'duplicate' }, outcome.duplicates)
    spans.inc({ outcome: 'rejected' }, outcome.rejected)
    spans.inc({ outcome: 'not_genai' }, outcome.ignored.notGenAi)
    spans.inc({ outcome: 'anansi_sdk' }, outcome.ignored.anansiSdk)
    metrics.events.inc({ result: 'accepted' }, outcome.accepted)
    metrics.events.inc({ result: 'duplicate' }, outcome.duplicates)
    metrics.events.inc({ result: 'rejected' }, outcome.rejected)
  }
}

/**
 * POST /v1/otlp/v1/traces: an OTLP/HTTP trace receiver (protobuf or JSON, gzip or not). GenAI
 * spans become events through the same accept path as `POST /v1/events`; the answer comes once
 * they are durable on the bus. Other spans are ignored and counted, in the answer's partial
 * success and on `/metrics`. Authenticated like every `/v1` route: `Authorization: Bearer <key>`.
 */
export function otlpRoutes(deps: OtlpRouteDeps): OpenAPIHono<{ Variables: AuthVariables }> {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>()
  const count = spanCounter(deps.metrics)
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: OTLP_TRACES_PATH,
    summary: 'Receive OpenTelemetry traces (OTLP/HTTP); GenAI spans become events',
    description:
      'Point an OTLP/HTTP exporter at `<api>/v1/otlp` with `Authorization: Bearer <ingest key>`. ' +
      'Spans following the GenAI semantic conventions, OpenLLMetry or OpenInference become events ' +
      '(category from the `anansi.category` span or resource attribute); other spans are ignored ' +
      'and reported in `partialSuccess`.',
    security: [{ bearer: [] }],
    request: {
      body: {
        content: {
          'application/x-protobuf': { schema: { type: 'string', format: 'binary' } },
          'application/json': { schema: { type: 'object' } },
        },
        required: true,
      },
    },
    responses: {
      200: { description: 'ExportTraceServiceResponse, in the request encoding' },
      400: { description: 'Not an OTLP trace export', ...errors },
      401: { description: 'Missing or invalid API key', ...errors },
      413: { description: 'Body too large', ...errors },
      415: { description: 'Not protobuf or JSON, or unsupported encoding', ...errors },
      429: { description: 'Rate limited; see Retry-After', ...errors },
      503: { description: 'Event log unavailable; retry', ...errors },
    },
  })
  app.post(OTLP_TRACES_PATH, requireScope('ingest'), async (c) => {
    const encoding = otlpEncoding(c)
    const { spans } = decode(encoding, await readOtlpBody(c))
    const outcome = await acceptSpans(
      {
        project: deps.store.forProject(c.get('auth').projectId),
        producer: deps.producer,
        eventsTopic: deps.eventsTopic,
        recent: deps.recent,
        live: deps.live,
        now: deps.now,
      },
      spans,
    )
    count(outcome)
    const { body, contentType } = encodeOtlpResponse(encoding, partialSuccess(outcome))
    return c.body(typeof body === 'string' ? body : body.slice().buffer, 200, {
      'content-type': contentType,
    })
  })
  return app
}
