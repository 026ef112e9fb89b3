// The Node entry: AsyncLocalStorage for per-request context, zlib, undici's WebSocket for verdicts,
// the in-process evaluator, and a flush on beforeExit. Same API as `./index.ts`.
import { MonitorCore } from './core/monitor-core.js'
import type { MonitorOptions } from './options.js'
import { nodePlatform } from './platform/node-platform.js'

/**
 * Monitors LLM calls: records them as events, ships them in batches, gates unsafe answers.
 * @example
 * const monitor = new Monitor({ apiKey: env.ANANSI_API_KEY })
 * const openai = monitor.wrapOpenAI(new OpenAI())
 */
export class Monitor extends MonitorCore {
  constructor(options: MonitorOptions = {}) {
    super(options, nodePlatform)
  }
}

export type { LlmEvent, Verdict } from '@anansi/protocol'
export type { CallContext } from './core/monitor-core.js'
export type { MonitorStats } from './core/monitor-stats.js'
export type { TrackOptions } from './core/track-options.js'
export type { DecoratorOptions, MethodDecorator } from './core/decorator.js'
export type { OtelTraceApi } from './core/trace-context.js'
export type { Fallback, FallbackContext, GateOptions, GateTiming } from './gating/gate-options.js'
export type { LastEvaluation, GateReason } from './gating/last-evaluation.js'
export type { EvaluatorSuiteLike, LocalCall, LocalResult } from './gating/local-evaluator.js'
export type { WrapOptions } from './providers/wrap-options.js'
export type {
  DropInfo,
  DropReason,
  MonitorOptions,
  PiiRedactionOptions,
  SampleInfo,
} from './options.js'
export {
  AnansiError,
  ConfigError,
  EventRejectedError,
  EventsDroppedError,
  HookError,
  LocalGateError,
  SerializationError,
  TransportError,
  UnsafeResponseError,
  VerdictChannelError,
  type AnansiErrorCode,
  type UnsafeReason,
} from './errors.js'
export { SDK_NAME, SDK_VERSION } from './version.js'
