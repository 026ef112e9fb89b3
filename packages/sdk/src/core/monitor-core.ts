import { ConfigError, EventRejectedError, LocalGateError, type AnansiError } from '../errors.js'
import { EventPipeline } from './event-pipeline.js'
import { Gatekeeper } from '../gating/gatekeeper.js'
import type { GateOptions } from '../gating/gate-options.js'
import type { LastEvaluation } from '../gating/last-evaluation.js'
import { LocalGate } from '../gating/local-gate.js'
import { VerdictChannel } from '../gating/verdict-channel.js'
import type { MonitorOptions } from '../options.js'
import type { ContextStorage, Platform } from '../platform/platform.js'
import { CallSpans } from '../otel/call-spans.js'
import { attachRecordSink } from '../otel/record-sink.js'
import { wrapAnthropicClient } from '../providers/anthropic/wrap-anthropic.js'
import { wrapOpenAIClient } from '../providers/openai/wrap-openai.js'
import type { WrapOptions, WrapSettings } from '../providers/wrap-options.js'
import { BatchExporter } from '../transport/batch-exporter.js'
import { fetchPost } from '../transport/http-post.js'
import { sendBatch, type Compressor } from '../transport/http-sender.js'
import { SDK_NAME, SDK_VERSION } from '../version.js'
import { CallRecorder } from './call-recorder.js'
import { estimateBytes, type CallRecord, type Scope } from './call-record.js'
import { createDebugLogger, type DebugLogger } from './debug-logger.js'
import type { MonitorStats } from './monitor-stats.js'
import { Reporter } from './reporter.js'
import { resolveOptions, type ResolvedConfig } from './resolve-options.js'
import { TraceContextReader } from './trace-context.js'
import { trackFunction } from './track.js'
import type { TrackOptions } from './track-options.js'
import type { DecoratorOptions, MethodDecorator } from './decorator.js'

/** What `withContext` sets for the calls inside it. */
export interface CallContext {
  sessionId?: string
  userId?: string
  tags?: string[]
}

/**
 * The SDK's entry point; each runtime's entry (`index`, `node`) subclasses it with its platform.
 * @example
 * const monitor = new Monitor({ apiKey: process.env.ANANSI_API_KEY })
 * const chat = monitor.track(callModel, { model: 'gpt-4o', category: 'chatbot' })
 */
export class MonitorCore {
  private readonly config: ResolvedConfig
  private readonly debug: DebugLogger
  private readonly reporter: Reporter
  private readonly storage: ContextStorage<Scope>
  private readonly exporter: BatchExporter<CallRecord> | undefined
  private readonly channel: VerdictChannel | undefined
  private readonly local: LocalGate
  private readonly recorder: CallRecorder
  private readonly defaultGate: GateOptions<unknown> | undefined
  private readonly wantsLocal: boolean
  private readonly unregisterExit: (() => void) | undefined
  private compress: Compressor | undefined
  private closing: Promise<boolean> | undefined

  constructor(options: MonitorOptions, platform: Platform) {
    const env = (name: string): string | undefined => platform.env(name)
    this.config = resolveOptions(options, env)
    this.debug = createDebugLogger(options.debug, env)
    this.reporter = new Reporter(options.onError, options.onDrop, this.debug)
    this.storage = platform.createStorage<Scope>()
    this.defaultGate = options.gate
    this.wantsLocal = options.gate?.local === true || options.evaluator !== undefined
    this.compress = this.config.compression ? platform.compress : undefined
    const report = (error: AnansiError): void => this.reporter.error(error)
    const fetchFn = (): typeof fetch => options.fetch ?? globalThis.fetch
    const { apiKey, endpoint } = this.config
    if (apiKey === undefined && this.config.enabled)
      report(new ConfigError('no API key (apiKey option or ANANSI_API_KEY): events are not sent'))
    this.exporter =
      apiKey === undefined ? undefined : this.createExporter(options, platform, apiKey, fetchFn)
    this.channel =
      apiKey === undefined
        ? undefined
        : new VerdictChannel({
            endpoint,
            apiKey,
            fetch: fetchFn,
            openSocket: platform.openSocket,
            debug: this.debug,
          })
    this.local = new LocalGate(options.evaluator, platform.loadEvaluator)
    this.recorder = new CallRecorder({
      config: this.config,
      storage: this.storage,
      trace: new TraceContextReader(options.opentelemetry, platform.loadOtel, this.debug),
      spans: new CallSpans(options.opentelemetry, platform.loadOtel, this.debug),
      exporter: this.exporter,
      gatekeeper: new Gatekeeper(this.local, this.channel, report, this.debug),
      local: this.local,
      reportError: report,
      reportDrop: (reason, count) => this.reporter.drop(reason, count),
    })
    // The OpenTelemetry span exporter (`@anansi/sdk/otel`) queues its events through here.
    attachRecordSink(this, { category: this.config.category, add: (r) => this.enqueueRecord(r) })
    this.unregisterExit =
      this.exporter && this.config.flushOnExit
        ? platform.onBeforeExit?.(() => this.flushPending())
        : undefined
  }

  /** Wraps a function so each call is recorded (and gated); its types and `this` are kept. */
  track<T, A extends unknown[], R>(
    fn: (this: T, ...args: A) => R,
    options: TrackOptions<A, R>,
  ): (this: T, ...args: A) => R
  /** A standard (TC39) decorator for class methods: `@monitor.track({ model, category })`. */
  track(options: DecoratorOptions): MethodDecorator
  track<T, A extends unknown[], R>(
    first: ((this: T, ...args: A) => R) | DecoratorOptions,
    options?: TrackOptions<A, R>,
  ): ((this: T, ...args: A) => R) | MethodDecorator {
    const report = (error: AnansiError): void => this.reporter.error(error)
    const { recorder, defaultGate } = this
    if (typeof first === 'function') {
      const settings = options ?? { model: 'unknown', category: this.config.category }
      return trackFunction(recorder, first, settings, defaultGate, report)
    }
    return function decorate<U, B extends unknown[], S>(
      method: (this: U, ...args: B) => S,
      _context: ClassMethodDecoratorContext<U, (this: U, ...args: B) => S>,
    ): (this: U, ...args: B) => S {
      // Decorator options cannot see the method's types (see DecoratorOptions): the method's win.
      const settings = first as unknown as TrackOptions<B, S>
      return trackFunction(recorder, method, settings, defaultGate, report)
    }
  }

  /** Runs `fn` with a session, user and tags that every call inside it (even across awaits) carries. */
  withContext<R>(context: CallContext, fn: () => R): R {
    const parent = this.storage.getStore()
    const tags =
      parent?.tags || context.tags ? [...(parent?.tags ?? []), ...(context.tags ?? [])] : undefined
    const scope: Scope = {
      ...parent,
      ...(context.sessionId === undefined ? {} : { sessionId: context.sessionId }),
      ...(context.userId === undefined ? {} : { userId: context.userId }),
      ...(tags === undefined ? {} : { tags }),
      last: {},
    }
    return this.storage.run(scope, fn)
  }

  /** The evaluation of the latest gated (or locally evaluated) call in this async context. */
  get lastEvaluation(): LastEvaluation | undefined {
    return this.storage.getStore()?.last?.value as LastEvaluation | undefined
  }

  /** Wraps an OpenAI client: `chat.completions.create` and `responses.create`, streaming included. */
  wrapOpenAI<C extends object>(client: C, options: WrapOptions = {}): C {
    return wrapOpenAIClient(client, this.recorder, this.wrapSettings(options))
  }

  /** Wraps an Anthropic client: `messages.create`, streaming included. */
  wrapAnthropic<C extends object>(client: C, options: WrapOptions = {}): C {
    return wrapAnthropicClient(client, this.recorder, this.wrapSettings(options))
  }

  /** Wraps a serverless handler so queued events are flushed before it returns. */
  serverless<A extends unknown[], R>(
    handler: (...args: A) => R | Promise<R>,
  ): (...args: A) => Promise<R> {
    return async (...args: A): Promise<R> => {
      try {
        return await handler(...args)
      } finally {
        await this.flush()
      }
    }
  }

  /**
   * Opens the verdict socket and, with `local` (default: when the monitor's gate is local or an
   * evaluator was given), loads the in-process evaluator, so the first gated call pays neither.
   */
  async warmUp(options: { local?: boolean } = {}): Promise<void> {
    const local = options.local ?? this.wantsLocal
    await Promise.all([
      this.channel?.warm(),
      local
        ? this.local.suite().then(
            () => undefined,
            (error: unknown) =>
              this.reporter.error(
                error instanceof LocalGateError ? error : new LocalGateError(String(error), error),
              ),
          )
        : undefined,
    ])
  }

  /** Sends everything queued; resolves true when done within `timeoutMs`. Never rejects. */
  flush(timeoutMs: number = this.config.shutdownTimeoutMs): Promise<boolean> {
    return this.exporter?.flush(timeoutMs) ?? Promise.resolve(true)
  }

  /** Flushes (up to `shutdownTimeoutMs`), then stops: later calls pass through unrecorded. Safe to call twice. */
  shutdown(): Promise<boolean> {
    this.closing ??= this.close()
    return this.closing
  }

  /** Queue, delivery, drop and gate counters. */
  stats(): MonitorStats {
    const exported = this.exporter?.stats() ?? {
      queued: 0,
      queuedBytes: 0,
      sent: 0,
      rejected: 0,
      batches: 0,
      retries: 0,
    }
    return {
      ...exported,
      dropped: this.reporter.drops.total,
      droppedByReason: { ...this.reporter.drops.byReason },
      gates: { ...this.recorder.gates },
    }
  }

  private async close(): Promise<boolean> {
    this.unregisterExit?.()
    const flushed = (await this.exporter?.shutdown(this.config.shutdownTimeoutMs)) ?? true
    this.channel?.close()
    await this.local
      .close()
      .catch((error: unknown) => this.debug('closing the local evaluator failed', error))
    return flushed
  }

  private enqueueRecord(record: CallRecord): void {
    if (!this.config.enabled) return
    if (this.exporter === undefined) this.reporter.drop('disabled', 1)
    else this.exporter.add(record, estimateBytes(record))
  }

  private flushPending(): Promise<boolean> {
    const pending = this.exporter?.stats().queued ?? 0
    return pending > 0 ? this.flush() : Promise.resolve(true)
  }

  private wrapSettings(options: WrapOptions): WrapSettings {
    return {
      ...options,
      category: options.category ?? this.config.category,
      defaultGate: this.defaultGate,
    }
  }

  private createExporter(
    options: MonitorOptions,
    platform: Platform,
    apiKey: string,
    fetchFn: () => typeof fetch,
  ): BatchExporter<CallRecord> {
    const pipeline = new EventPipeline({
      defaults: { tags: this.config.tags, metadata: this.config.metadata },
      redact: options.redact,
      redactPii: options.redactPii === true ? {} : options.redactPii || undefined,
      platform,
      onError: (error) => this.reporter.error(error),
      onDrop: (reason, count, cause) => this.reporter.drop(reason, count, cause),
      debug: this.debug,
    })
    const userAgent = `${SDK_NAME}/${SDK_VERSION} (${platform.name})`
    const post = options.fetch === undefined ? platform.post : fetchPost(fetchFn)
    return new BatchExporter<CallRecord>(this.config, {
      ready: () => pipeline.ready(),
      serialize: (record) => pipeline.serialize(record),
      send: (body, signal) =>
        sendBatch(
          body,
          {
            endpoint: this.config.endpoint,
            apiKey,
            timeoutMs: this.config.requestTimeoutMs,
            post,
            compress: this.compress,
            userAgent,
          },
          signal,
        ),
      onEncodingRefused: () => {
        this.compress = undefined
      },
      onDrop: (reason, count, cause) => this.reporter.drop(reason, count, cause),
      onError: (error) => this.reporter.error(error),
      onRejected: (rejected) =>
        this.reporter.error(new EventRejectedError(rejected.id, rejected.issues)),
      debug: this.debug,
    })
  }
}
