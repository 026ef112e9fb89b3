// The runtime-neutral entry (edge workers, browsers, Deno, Bun): no Node built-ins. Node resolves
// `./node.ts` instead through the package's "node" export condition.
import { MonitorCore } from './core/monitor-core.js'
import type { MonitorOptions } from './options.js'
import { edgePlatform } from './platform/edge-platform.js'

/**
 * Monitors LLM calls: records them as events, ships them in batches, gates unsafe answers.
 * @example
 * const monitor = new Monitor({ apiKey: env.ANANSI_API_KEY })
 * const openai = monitor.wrapOpenAI(new OpenAI())
 */
export class Monitor extends MonitorCore {
  constructor(options: MonitorOptions = {}) {
    super(options, edgePlatform)
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
