import { spanToEvent } from '@anansi/protocol'
import type { MonitorCore } from '../core/monitor-core.js'
import { ConfigError } from '../errors.js'
import { eventToRecord } from './event-record.js'
import { toSpanLike, type ReadableSpanLike } from './readable-span.js'
import { recordSinkOf, type RecordSink } from './record-sink.js'

/** Options of {@link AnansiSpanExporter}. */
export interface AnansiSpanExporterOptions {
  /** The monitor whose queue, redaction and transport the spans' events go through. */
  monitor: MonitorCore
  /** Category of events whose span sets no `anansi.category`; default the monitor's. */
  category?: string
}

/** What the exporter did with the spans it was given. */
export interface SpanExporterStats {
  /** Spans given to `export`. */
  spans: number
  /** GenAI spans queued as events. */
  events: number
  /** Spans that became no event, by reason: not a GenAI call, or made by this SDK (already an event). */
  ignored: { notGenAi: number; anansiSdk: number }
}

/** OpenTelemetry's `ExportResult`: 0 success, 1 failure. */
export interface ExportResultLike {
  code: 0 | 1
  error?: Error
}

/**
 * An OpenTelemetry `SpanExporter` that turns GenAI spans (GenAI semantic conventions, OpenLLMetry,
 * OpenInference) into Anansi events and ships them with a monitor. Other spans are counted and
 * dropped, so it can sit on an app's tracer provider beside its usual exporter.
 * @example
 * const monitor = new Monitor({ apiKey: process.env.ANANSI_API_KEY })
 * provider.addSpanProcessor(new BatchSpanProcessor(new AnansiSpanExporter({ monitor })))
 */
export class AnansiSpanExporter {
  private readonly sink: RecordSink
  private readonly counts: SpanExporterStats = {
    spans: 0,
    events: 0,
    ignored: { notGenAi: 0, anansiSdk: 0 },
  }
  private stopped = false

  constructor(private readonly options: AnansiSpanExporterOptions) {
    const sink = recordSinkOf(options.monitor)
    if (sink === undefined)
      throw new ConfigError('AnansiSpanExporter needs a Monitor (monitor option)')
    this.sink = sink
  }

  /** Queues the GenAI spans' events; answers at once (the monitor retries, bounds and reports delivery). */
  export(
    spans: readonly ReadableSpanLike[],
    resultCallback: (result: ExportResultLike) => void,
  ): void {
    if (this.stopped) {
      resultCallback({ code: 1, error: new ConfigError('the exporter is shut down') })
      return
    }
    try {
      for (const span of spans) this.exportOne(span)
    } catch (cause) {
      // Exporters answer failures through the callback; a throw would reach the span processor.
      resultCallback({ code: 1, error: cause instanceof Error ? cause : new Error(String(cause)) })
      return
    }
    resultCallback({ code: 0 })
  }

  /** Sends what the monitor has queued. */
  async forceFlush(): Promise<void> {
    await this.options.monitor.flush()
  }

  /** Stops exporting and flushes; the monitor itself stays up (the app may still use it). */
  async shutdown(): Promise<void> {
    this.stopped = true
    await this.options.monitor.flush()
  }

  private exportOne(span: ReadableSpanLike): void {
    this.counts.spans += 1
    const category = this.options.category ?? this.sink.category
    const mapping = spanToEvent(toSpanLike(span), { category })
    if (mapping.kind === 'event') {
      this.counts.events += 1
      this.sink.add(eventToRecord(mapping.event))
    } else if (mapping.reason === 'anansi_sdk') this.counts.ignored.anansiSdk += 1
    else this.counts.ignored.notGenAi += 1
  }

  /** Counters of spans seen, queued as events, and ignored. */
  stats(): SpanExporterStats {
    return { ...this.counts, ignored: { ...this.counts.ignored } }
  }
}
