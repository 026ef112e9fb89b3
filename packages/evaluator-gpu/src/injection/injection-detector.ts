import { z } from 'zod'
import { EvaluatorError } from '../errors.js'
import {
  loadLexicalModel,
  type LexicalModel,
  type LexicalPrediction,
} from '../lexical/lexical-model.js'
import { MicroBatcher, type MicroBatcherOptions } from '../runtime/micro-batcher.js'
import type { SessionOptions } from '../runtime/onnx-session.js'
import { MAX_WINDOW, splitWindows, WINDOWING_NAME } from './windows.js'

/** Documents scanned per call (the protocol allows 64 retrieval documents per event). */
export const MAX_DOCUMENTS = 64

/** Characters (UTF-16 units) scanned per document; the rest is skipped and the result says so. */
export const MAX_DOCUMENT_CHARS = 100_000

/** Flagged windows reported per document (the highest-scoring ones). */
export const MAX_SPANS_PER_DOCUMENT = 8

/**
 * Windows are small and many per call, so batches are large; a call's windows are all queued at
 * once and go out in the same event-loop turn.
 */
export const WINDOW_BATCHING: MicroBatcherOptions = {
  maxBatchSize: 256,
  maxWaitMs: 0,
  maxQueue: 2 * MAX_DOCUMENTS * 1024,
  concurrency: 1,
}

/** The manifest's windowing: the runtime must cut documents exactly as training did. */
const windowingSchema = z.object({
  name: z.literal(WINDOWING_NAME),
  max_window: z.literal(MAX_WINDOW),
  aggregate: z.literal('max'),
})

/** Where a scanned document came from: a retrieval `context` entry or a tool-role message. */
export type DocumentOrigin = 'context' | 'tool'

/** One document to scan. */
export interface DocumentToScan {
  origin: DocumentOrigin
  /** Its position among the documents of that origin. */
  index: number
  text: string
}

/** A window whose score reached the threshold (UTF-16 offsets in its document, end exclusive). */
export interface FlaggedWindow {
  start: number
  end: number
  score: number
}

/** What the scan found in one document. */
export interface DocumentScan {
  origin: DocumentOrigin
  index: number
  /** The highest window probability (0 for a document without words). */
  score: number
  flagged: boolean
  windows: number
  /** The highest-scoring flagged windows, at most MAX_SPANS_PER_DOCUMENT, in document order. */
  flaggedWindows: FlaggedWindow[]
  /** Whether the document was longer than MAX_DOCUMENT_CHARS and only its start was scanned. */
  truncated: boolean
}

/** The result of scanning a call's documents. */
export interface InjectionScan {
  documents: DocumentScan[]
  /** Documents beyond MAX_DOCUMENTS that were not scanned. */
  skipped: number
}

/**
 * Finds instructions addressed to the AI that were planted in data the model reads (retrieved
 * documents, tool results): each document is cut into windows, all windows of a call are scored by
 * the `indirect_injection` lexical model in micro-batches, and a document scores its best window.
 */
export class IndirectInjectionDetector {
  readonly modelId: string
  readonly modelVersion: string
  /** Document-level threshold on the maximum window probability. */
  readonly threshold: number
  private readonly batcher: MicroBatcher<string, LexicalPrediction>
  private closed = false

  private constructor(private readonly model: LexicalModel) {
    const { manifest } = model
    this.modelId = `${manifest.name}-lexical`
    this.modelVersion = manifest.version
    this.threshold = manifest.thresholds[manifest.primary_label] ?? 0.5
    this.batcher = new MicroBatcher((texts) => model.predict(texts), WINDOW_BATCHING)
  }

  /** Loads the model in `directory` (sha256-checked), checks its windowing, warms it up. */
  static async load(
    directory: string,
    options: SessionOptions = {},
  ): Promise<IndirectInjectionDetector> {
    const model = await loadLexicalModel(directory, options)
    const windowing = windowingSchema.safeParse(model.manifest['windowing'])
    if (!windowing.success || model.manifest.output.labels.length !== 1) {
      await model.close()
      throw new EvaluatorError(
        'invalid_manifest',
        `${directory}: not a window-level model with windowing ${WINDOWING_NAME} (max ${MAX_WINDOW}, aggregate max) and one label`,
      )
    }
    await model.predict(['warm-up'])
    return new IndirectInjectionDetector(model)
  }

  /** Scans documents; one call's windows share micro-batches with concurrent calls'. */
  async scan(documents: readonly DocumentToScan[]): Promise<InjectionScan> {
    if (this.closed) throw new EvaluatorError('closed', 'indirect injection detector is closed')
    const scanned = documents.slice(0, MAX_DOCUMENTS)
    const windowed = scanned.map((doc) => {
      const truncated = doc.text.length > MAX_DOCUMENT_CHARS
      const text = truncated ? doc.text.slice(0, MAX_DOCUMENT_CHARS) : doc.text
      return { doc, truncated, windows: splitWindows(text) }
    })
    const scores = await Promise.all(
      windowed.map(({ windows }) =>
        Promise.all(windows.map((w) => this.batcher.submit(w.text))).then((predictions) =>
          predictions.map((p) => p.probabilities[0] ?? 0),
        ),
      ),
    )
    return {
      documents: windowed.map(({ doc, truncated, windows }, i) => {
        const probabilities = scores[i] ?? []
        const flaggedWindows = windows
          .map((w, j) => ({ start: w.start, end: w.end, score: probabilities[j] ?? 0 }))
          .filter((w) => w.score >= this.threshold)
          .sort((a, b) => b.score - a.score)
          .slice(0, MAX_SPANS_PER_DOCUMENT)
          .sort((a, b) => a.start - b.start)
        const score = probabilities.reduce((max, p) => Math.max(max, p), 0)
        return {
          origin: doc.origin,
          index: doc.index,
          score,
          flagged: score >= this.threshold,
          windows: windows.length,
          flaggedWindows,
          truncated,
        }
      }),
      skipped: documents.length - scanned.length,
    }
  }

  /** Stops batching and releases the session; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.batcher.close()
    await this.model.close()
  }
}
