import type { CallRecord } from '../core/call-record.js'

/** Where records made outside `track` and the wrappers (the span exporter's) go: the monitor's queue. */
export interface RecordSink {
  /** The monitor's default category. */
  readonly category: string
  add(record: CallRecord): void
}

// A registered symbol, not a module-level WeakMap: the ESM and CJS builds (and the `otel` subpath)
// each carry their own copy of this module, and they must still find each other's monitors.
const SINK = Symbol.for('@anansi/sdk.record-sink')

/** Lets the span exporter reach a monitor's queue without widening the monitor's public API. */
export function attachRecordSink(monitor: object, sink: RecordSink): void {
  Object.defineProperty(monitor, SINK, { value: sink, enumerable: false })
}

/** The queue of a monitor, or undefined when the object is not one. */
export function recordSinkOf(monitor: object): RecordSink | undefined {
  const sink = (monitor as Record<symbol, unknown>)[SINK]
  return typeof sink === 'object' && sink !== null && 'add' in sink
    ? (sink as RecordSink)
    : undefined
}
