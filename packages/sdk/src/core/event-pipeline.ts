import type { LlmEvent } from '@anansi/protocol'
import { HookError, SerializationError, type AnansiError } from '../errors.js'
import { fitEventSize } from '../event/fit-event-size.js'
import { mapEventText, type TextMap } from '../event/map-event-text.js'
import { piiTextMap } from '../event/pii-redactor.js'
import { recordToDraft, type EventDefaults } from '../event/record-to-draft.js'
import { sanitizeEvent } from '../event/sanitize-event.js'
import type { DropReason, PiiRedactionOptions } from '../options.js'
import type { Platform } from '../platform/platform.js'
import type { CallRecord } from './call-record.js'
import type { DebugLogger } from './debug-logger.js'

/** What the pipeline needs to know and whom it tells. */
export interface PipelineOptions {
  defaults: EventDefaults
  redact: ((event: LlmEvent) => LlmEvent | null) | undefined
  redactPii: PiiRedactionOptions | undefined
  platform: Platform
  onError: (error: AnansiError) => void
  onDrop: (reason: DropReason, count: number, cause?: AnansiError) => void
  debug: DebugLogger
}

/**
 * Turns captured calls into wire JSON: sanitize → PII redaction → the user's `redact` hook →
 * sanitize again → fit the size limit. Runs in the exporter, off the application's hot path.
 * If redaction was asked for and cannot run, events are dropped rather than sent unredacted.
 */
export class EventPipeline {
  private piiLoad: Promise<void> | undefined
  private pii: TextMap | undefined

  constructor(private readonly options: PipelineOptions) {}

  /** Loads the PII redactor when asked for; resolves (never rejects) once serialization can run. */
  ready(): Promise<void> {
    const settings = this.options.redactPii
    if (settings === undefined) return Promise.resolve()
    this.piiLoad ??= this.options.platform.loadPii().then(
      (module) => {
        this.pii = piiTextMap(module, settings)
      },
      (cause: unknown) => {
        this.options.onError(
          new HookError(
            'redactPii (install @anansi/evaluator to redact PII; events are dropped until then)',
            cause,
          ),
        )
      },
    )
    return this.piiLoad
  }

  /** The event a record becomes, before size fitting; undefined when dropped (already reported). */
  build(record: CallRecord): LlmEvent | undefined {
    let event = sanitizeEvent(recordToDraft(record, this.options.defaults), record.startedAt)
    if (this.options.redactPii !== undefined) {
      if (this.pii === undefined) {
        this.options.onDrop('redaction_failed', 1)
        return undefined
      }
      event = mapEventText(event, this.pii)
    }
    const hook = this.options.redact
    if (hook === undefined) return event
    try {
      const redacted = hook(event)
      if (redacted === null) {
        this.options.debug(`redact hook dropped event ${event.id}`)
        return undefined
      }
      // The hook may return anything; the id must stay, since a gate may be waiting on it.
      return sanitizeEvent({ ...redacted, id: event.id }, record.startedAt)
    } catch (cause) {
      const error = new HookError('redact', cause)
      this.options.onError(error)
      this.options.onDrop('redaction_failed', 1, error)
      return undefined
    }
  }

  /** The wire JSON of a record and its UTF-8 size; undefined when dropped (already reported). */
  serialize(record: CallRecord): { json: string; bytes: number } | undefined {
    try {
      const event = this.build(record)
      return event === undefined ? undefined : fitEventSize(event)
    } catch (cause) {
      const error = new SerializationError(`could not serialize an event: ${String(cause)}`, cause)
      this.options.onError(error)
      this.options.onDrop('serialization_failed', 1, error)
      return undefined
    }
  }
}
