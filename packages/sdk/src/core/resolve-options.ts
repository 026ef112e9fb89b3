import { MAX_BATCH_BYTES, MAX_EVENTS_PER_BATCH, type JsonValue } from '@anansi/protocol'
import type { MonitorOptions, SampleInfo } from '../options.js'

/** The endpoint used when neither the option nor `ANANSI_ENDPOINT` names one (the embedded `anansi dev`). */
export const DEFAULT_ENDPOINT = 'http://localhost:8787'

/** Room left in a batch body for the envelope around the events. */
const ENVELOPE_BYTES = 1024

/** Options after defaults, clamps and the environment: what the monitor's parts are built from. */
export interface ResolvedConfig {
  apiKey: string | undefined
  endpoint: string
  enabled: boolean
  category: string
  tags: readonly string[]
  metadata: Readonly<Record<string, JsonValue>>
  batch: { maxEvents: number; maxBytes: number; intervalMs: number }
  queue: { maxEvents: number; maxBytes: number }
  retry: { initialDelayMs: number; maxDelayMs: number; deadlineMs: number }
  requestTimeoutMs: number
  shutdownTimeoutMs: number
  compression: boolean
  sampler: ((info: SampleInfo) => boolean) | undefined
  flushOnExit: boolean
}

const clamp = (value: number | undefined, min: number, max: number, fallback: number): number =>
  value === undefined || !Number.isFinite(value) ? fallback : Math.min(max, Math.max(min, value))

function samplerFor(options: MonitorOptions): ((info: SampleInfo) => boolean) | undefined {
  if (options.sampler !== undefined) return options.sampler
  const rate = options.sampleRate
  if (rate === undefined || !(rate < 1)) return undefined
  const keep = Math.max(0, rate)
  return () => Math.random() < keep
}

/** Applies defaults and bounds; `env` reads a variable (a thin shim so edge runtimes work too). */
export function resolveOptions(
  options: MonitorOptions,
  env: (name: string) => string | undefined,
): ResolvedConfig {
  const endpoint = (options.endpoint ?? env('ANANSI_ENDPOINT') ?? DEFAULT_ENDPOINT).replace(
    /\/+$/,
    '',
  )
  return {
    apiKey: options.apiKey ?? env('ANANSI_API_KEY'),
    endpoint,
    enabled: options.enabled ?? true,
    category: options.category ?? 'default',
    tags: options.tags ?? [],
    metadata: options.metadata ?? {},
    batch: {
      // 500 like OpenTelemetry's 512: each request has a fixed cost, so fuller batches are cheaper.
      maxEvents: Math.round(
        clamp(options.batch?.maxEvents, 1, MAX_EVENTS_PER_BATCH, MAX_EVENTS_PER_BATCH),
      ),
      maxBytes: clamp(options.batch?.maxBytes, 1024, MAX_BATCH_BYTES - ENVELOPE_BYTES, 1 << 20),
      intervalMs: clamp(options.batch?.intervalMs, 0, 60_000, 1_000),
    },
    queue: {
      maxEvents: Math.round(clamp(options.queue?.maxEvents, 1, 10_000_000, 10_000)),
      maxBytes: clamp(options.queue?.maxBytes, 1024, 2 ** 40, 32 << 20),
    },
    retry: {
      initialDelayMs: clamp(options.retry?.initialDelayMs, 0, 60_000, 200),
      maxDelayMs: clamp(options.retry?.maxDelayMs, 0, 600_000, 30_000),
      deadlineMs: clamp(options.retry?.deadlineMs, 0, 3_600_000, 60_000),
    },
    requestTimeoutMs: clamp(options.requestTimeoutMs, 1, 600_000, 10_000),
    shutdownTimeoutMs: clamp(options.shutdownTimeoutMs, 0, 600_000, 5_000),
    compression: options.compression ?? true,
    sampler: samplerFor(options),
    flushOnExit: options.flushOnExit ?? true,
  }
}
