// `@anansi/sdk/otel`: OpenTelemetry integration for apps already instrumented with it. Runs anywhere
// the main entry runs (no Node built-ins); the SDK's own spans need nothing from here.
export {
  AnansiSpanExporter,
  type AnansiSpanExporterOptions,
  type ExportResultLike,
  type SpanExporterStats,
} from './otel/span-exporter.js'
export type { HrTime, ReadableSpanLike } from './otel/readable-span.js'
