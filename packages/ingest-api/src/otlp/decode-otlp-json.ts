import type { SpanEventLike, SpanLike } from '@anansi/protocol'
import { z } from 'zod'
import {
  MAX_VALUE_DEPTH,
  attributeRecord,
  int64Value,
  nanosToMs,
  toHex,
  type DecodedTraces,
} from './otlp-spans.js'

/** An OTLP/JSON body that parses as JSON but not as an `ExportTraceServiceRequest`. */
export class OtlpJsonError extends Error {
  override readonly name = 'OtlpJsonError'
  readonly code = 'invalid_otlp_json'
}

// OTLP/JSON (the protobuf JSON mapping with hex ids): unknown fields are ignored, as the spec asks
// of receivers; 64-bit integers may come as strings or numbers.
const int64 = z.union([z.string().regex(/^-?\d+$/), z.int()])
const double = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])])

interface AnyValueJson {
  stringValue?: string
  boolValue?: boolean
  intValue?: string | number
  doubleValue?: number | string
  arrayValue?: { values?: AnyValueJson[] }
  kvlistValue?: { values?: KeyValueJson[] }
  bytesValue?: string
}
interface KeyValueJson {
  key: string
  value?: AnyValueJson
}

const anyValue: z.ZodType<AnyValueJson> = z.lazy(() =>
  z.object({
    stringValue: z.string().optional(),
    boolValue: z.boolean().optional(),
    intValue: int64.optional(),
    doubleValue: double.optional(),
    arrayValue: z.object({ values: z.array(anyValue).optional() }).optional(),
    kvlistValue: z.object({ values: z.array(keyValue).optional() }).optional(),
    bytesValue: z.string().optional(),
  }),
)
const keyValue: z.ZodType<KeyValueJson> = z.lazy(() =>
  z.object({ key: z.string(), value: anyValue.optional() }),
)
const attributes = z.array(keyValue).optional()
const time = int64.optional()

const spanSchema = z.object({
  traceId: z.string().default(''),
  spanId: z.string().default(''),
  name: z.string().default(''),
  startTimeUnixNano: time,
  endTimeUnixNano: time,
  attributes,
  events: z.array(z.object({ name: z.string().default(''), attributes })).optional(),
  status: z.object({ code: z.int().optional(), message: z.string().optional() }).optional(),
})

const requestSchema = z.object({
  resourceSpans: z
    .array(
      z.object({
        resource: z.object({ attributes }).optional(),
        scopeSpans: z
          .array(
            z.object({
              scope: z.object({ name: z.string().optional() }).optional(),
              spans: z.array(spanSchema).optional(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
})

function value(json: AnyValueJson | undefined, depth: number): unknown {
  if (json === undefined) return undefined
  if (depth > MAX_VALUE_DEPTH) throw new OtlpJsonError('attribute values nested too deep')
  if (json.stringValue !== undefined) return json.stringValue
  if (json.boolValue !== undefined) return json.boolValue
  if (json.intValue !== undefined) return int64Value(BigInt(json.intValue))
  if (json.doubleValue !== undefined) return Number(json.doubleValue)
  if (json.arrayValue !== undefined)
    return (json.arrayValue.values ?? []).map((v) => value(v, depth + 1))
  if (json.kvlistValue !== undefined) return record(json.kvlistValue.values, depth + 1)
  return json.bytesValue
}

function record(list: KeyValueJson[] | undefined, depth: number): Record<string, unknown> {
  const out = attributeRecord()
  for (const kv of list ?? []) {
    const v = value(kv.value, depth)
    if (kv.key !== '' && v !== undefined) out[kv.key] = v
  }
  return out
}

/** An id as hex: OTLP/JSON says hex, but some exporters send the protobuf JSON mapping's base64. */
function idHex(id: string, bytes: number): string {
  if (id.length === bytes * 2 && /^[0-9a-fA-F]+$/.test(id)) return id.toLowerCase()
  const decoded = Buffer.from(id, 'base64')
  return decoded.length === bytes ? toHex(decoded) : id
}

function nanos(value: string | number | undefined): number {
  return value === undefined ? 0 : nanosToMs(BigInt(value))
}

function toSpan(
  span: z.infer<typeof spanSchema>,
  resource: Record<string, unknown>,
  scope: string | undefined,
): SpanLike {
  const events: SpanEventLike[] = (span.events ?? []).map((e) => ({
    name: e.name,
    attributes: record(e.attributes, 0),
  }))
  return {
    traceId: idHex(span.traceId, 16),
    spanId: idHex(span.spanId, 8),
    name: span.name,
    startTimeMs: nanos(span.startTimeUnixNano),
    endTimeMs: nanos(span.endTimeUnixNano),
    attributes: record(span.attributes, 0),
    events,
    ...(span.status === undefined
      ? {}
      : {
          status: {
            code: span.status.code ?? 0,
            ...(span.status.message === undefined ? {} : { message: span.status.message }),
          },
        }),
    resource,
    ...(scope === undefined || scope === '' ? {} : { scope }),
  }
}

/** Decodes a JSON-parsed OTLP/JSON `ExportTraceServiceRequest`; throws {@link OtlpJsonError}. */
export function decodeOtlpJson(body: unknown): DecodedTraces {
  const parsed = requestSchema.safeParse(body)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new OtlpJsonError(
      `not an OTLP ExportTraceServiceRequest: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
    )
  }
  const spans: SpanLike[] = []
  for (const rs of parsed.data.resourceSpans ?? []) {
    const resource = record(rs.resource?.attributes, 0)
    for (const ss of rs.scopeSpans ?? [])
      for (const span of ss.spans ?? []) spans.push(toSpan(span, resource, ss.scope?.name))
  }
  return { spans }
}
