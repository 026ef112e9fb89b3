import type { SpanEventLike, SpanLike } from '@anansi/protocol'
import {
  MAX_VALUE_DEPTH,
  attributeRecord,
  int64Value,
  nanosToMs,
  toHex,
  type DecodedTraces,
} from './otlp-spans.js'
import { ProtobufError, ProtobufReader, WIRE } from './protobuf-reader.js'

// Field numbers from opentelemetry/proto/{collector/trace,trace,common,resource}/v1/*.proto.

function requireWire(wire: number, wanted: number): void {
  if (wire !== wanted) throw new ProtobufError(`wire type ${wire} where ${wanted} was expected`)
}

/** AnyValue: string 1, bool 2, int 3, double 4, array 5, kvlist 6, bytes 7. */
function anyValue(reader: ProtobufReader, depth: number): unknown {
  if (depth > MAX_VALUE_DEPTH) throw new ProtobufError('attribute values nested too deep')
  let value: unknown
  while (!reader.done) {
    const { field, wire } = reader.tag()
    if (field === 1 && wire === WIRE.bytes) value = reader.string()
    else if (field === 2 && wire === WIRE.varint) value = reader.varint() !== 0
    else if (field === 3 && wire === WIRE.varint) value = int64Value(reader.int64())
    else if (field === 4 && wire === WIRE.fixed64) value = reader.double()
    else if (field === 5 && wire === WIRE.bytes) value = arrayValue(reader.message(), depth + 1)
    else if (field === 6 && wire === WIRE.bytes) value = keyValues(reader.message(), depth + 1)
    else if (field === 7 && wire === WIRE.bytes)
      value = Buffer.from(reader.bytes()).toString('base64')
    else reader.skip(wire)
  }
  return value
}

/** ArrayValue / KeyValueList: repeated field 1. */
function arrayValue(reader: ProtobufReader, depth: number): unknown[] {
  const values: unknown[] = []
  while (!reader.done) {
    const { field, wire } = reader.tag()
    if (field === 1 && wire === WIRE.bytes) values.push(anyValue(reader.message(), depth))
    else reader.skip(wire)
  }
  return values
}

function keyValues(reader: ProtobufReader, depth: number): Record<string, unknown> {
  const out = attributeRecord()
  while (!reader.done) {
    const { field, wire } = reader.tag()
    if (field === 1 && wire === WIRE.bytes) keyValue(reader.message(), out, depth)
    else reader.skip(wire)
  }
  return out
}

/** KeyValue: key 1, value 2. */
function keyValue(reader: ProtobufReader, into: Record<string, unknown>, depth: number): void {
  let key = ''
  let value: unknown
  while (!reader.done) {
    const { field, wire } = reader.tag()
    if (field === 1 && wire === WIRE.bytes) key = reader.string()
    else if (field === 2 && wire === WIRE.bytes) value = anyValue(reader.message(), depth)
    else reader.skip(wire)
  }
  if (key !== '' && value !== undefined) into[key] = value
}

/** A message whose attributes are field `attributesField` (Resource: 1, Span.Event: 3). */
function attributesOf(reader: ProtobufReader, attributesField: number): Record<string, unknown> {
  const attributes = attributeRecord()
  while (!reader.done) {
    const { field, wire } = reader.tag()
    if (field === attributesField && wire === WIRE.bytes) keyValue(reader.message(), attributes, 0)
    else reader.skip(wire)
  }
  return attributes
}

/** Span.Event: time 1, name 2, attributes 3. */
function spanEvent(reader: ProtobufReader): SpanEventLike {
  let name = ''
  const attributes = attributeRecord()
  while (!reader.done) {
    const { field, wire } = reader.tag()
    if (field === 2 && wire === WIRE.bytes) name = reader.string()
    else if (field === 3 && wire === WIRE.bytes) keyValue(reader.message(), attributes, 0)
    else reader.skip(wire)
  }
  return { name, attributes }
}

/** Status: message 2, code 3. */
function status(reader: ProtobufReader): { code: number; message?: string } {
  let code = 0
  let message: string | undefined
  while (!reader.done) {
    const { field, wire } = reader.tag()
    if (field === 2 && wire === WIRE.bytes) message = reader.string()
    else if (field === 3 && wire === WIRE.varint) code = reader.varint()
    else reader.skip(wire)
  }
  return message === undefined ? { code } : { code, message }
}

/** Span: trace_id 1, span_id 2, name 5, start 7, end 8, attributes 9, events 11, status 15. */
function span(reader: ProtobufReader, resource: Record<string, unknown>, scope: string): SpanLike {
  const out: SpanLike = {
    traceId: '',
    spanId: '',
    name: '',
    startTimeMs: 0,
    endTimeMs: 0,
    attributes: {},
  }
  const attributes = attributeRecord()
  const events: SpanEventLike[] = []
  while (!reader.done) {
    const { field, wire } = reader.tag()
    if (field === 1 && wire === WIRE.bytes) out.traceId = toHex(reader.bytes())
    else if (field === 2 && wire === WIRE.bytes) out.spanId = toHex(reader.bytes())
    else if (field === 5 && wire === WIRE.bytes) out.name = reader.string()
    else if (field === 7) {
      requireWire(wire, WIRE.fixed64)
      out.startTimeMs = nanosToMs(reader.fixed64())
    } else if (field === 8) {
      requireWire(wire, WIRE.fixed64)
      out.endTimeMs = nanosToMs(reader.fixed64())
    } else if (field === 9 && wire === WIRE.bytes) keyValue(reader.message(), attributes, 0)
    else if (field === 11 && wire === WIRE.bytes) events.push(spanEvent(reader.message()))
    else if (field === 15 && wire === WIRE.bytes) out.status = status(reader.message())
    else reader.skip(wire)
  }
  return { ...out, attributes, events, resource, ...(scope === '' ? {} : { scope }) }
}

/** InstrumentationScope: name 1. */
function scopeName(reader: ProtobufReader): string {
  let name = ''
  while (!reader.done) {
    const { field, wire } = reader.tag()
    if (field === 1 && wire === WIRE.bytes) name = reader.string()
    else reader.skip(wire)
  }
  return name
}

/** ScopeSpans: scope 1, spans 2 (the scope may come after the spans on the wire). */
function scopeSpans(
  reader: ProtobufReader,
  resource: Record<string, unknown>,
  into: SpanLike[],
): void {
  let scope = ''
  const spans: ProtobufReader[] = []
  while (!reader.done) {
    const { field, wire } = reader.tag()
    if (field === 1 && wire === WIRE.bytes) scope = scopeName(reader.message())
    else if (field === 2 && wire === WIRE.bytes) spans.push(reader.message())
    else reader.skip(wire)
  }
  for (const s of spans) into.push(span(s, resource, scope))
}

/** ResourceSpans: resource 1, scope_spans 2. */
function resourceSpans(reader: ProtobufReader, into: SpanLike[]): void {
  let resource = attributeRecord()
  const scopes: ProtobufReader[] = []
  while (!reader.done) {
    const { field, wire } = reader.tag()
    if (field === 1 && wire === WIRE.bytes) resource = attributesOf(reader.message(), 1)
    else if (field === 2 && wire === WIRE.bytes) scopes.push(reader.message())
    else reader.skip(wire)
  }
  for (const scope of scopes) scopeSpans(scope, resource, into)
}

/** Decodes an `ExportTraceServiceRequest` (resource_spans 1); throws {@link ProtobufError}. */
export function decodeOtlpProto(body: Uint8Array): DecodedTraces {
  const reader = new ProtobufReader(body)
  const spans: SpanLike[] = []
  while (!reader.done) {
    const { field, wire } = reader.tag()
    if (field === 1 && wire === WIRE.bytes) resourceSpans(reader.message(), spans)
    else reader.skip(wire)
  }
  return { spans }
}
