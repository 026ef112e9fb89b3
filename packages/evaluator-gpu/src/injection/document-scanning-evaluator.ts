import type { EvaluationResult } from '@anansi/protocol'
import type { EvaluationInput, Evaluator } from '../evaluator.js'
import { guardInput, type GuardedInput } from '../runtime/input-guard.js'
import { withIndirectScan } from './indirect-result.js'
import type { DocumentToScan, IndirectInjectionDetector } from './injection-detector.js'

/** The documents of an input the detector reads: retrieval context, then tool outputs. */
export function documentsOf(
  input: Pick<GuardedInput, 'context' | 'toolOutputs'>,
): DocumentToScan[] {
  return [
    ...(input.context ?? []).map((text, index) => ({ origin: 'context' as const, index, text })),
    ...(input.toolOutputs ?? []).map((text, index) => ({ origin: 'tool' as const, index, text })),
  ]
}

/**
 * The jailbreak evaluator with indirect prompt injection folded in: the prompt (`text`) goes to the
 * wrapped jailbreak model only, while retrieval documents and tool outputs go to the window-level
 * detector, never the other way round (the direct model flags ordinary document sentences, and the
 * window model would flag ordinary requests in the user's own prompt). Both run concurrently; a
 * call without documents gets the wrapped evaluator's result unchanged.
 */
export class DocumentScanningEvaluator implements Evaluator {
  readonly name: string
  readonly modelId: string
  readonly modelVersion: string
  readonly tier: Evaluator['tier']
  private closed = false

  constructor(
    private readonly inner: Evaluator,
    readonly detector: IndirectInjectionDetector,
  ) {
    this.name = inner.name
    this.modelId = inner.modelId
    this.modelVersion = inner.modelVersion
    this.tier = inner.tier
  }

  /** Evaluates prompts and scans their documents; results are in input order. */
  async evaluate(inputs: readonly EvaluationInput[]): Promise<EvaluationResult[]> {
    const started = performance.now()
    // Validated up front so a bad document fails the call before any model runs.
    const documents = inputs.map((input) => documentsOf(guardInput(input)))
    const [results, scans] = await Promise.all([
      this.inner.evaluate(inputs),
      Promise.all(documents.map((docs) => this.detector.scan(docs))),
    ])
    const latencyMs = performance.now() - started
    return results.map((result, i) => {
      const scan = scans[i]
      return scan === undefined ? result : withIndirectScan(result, scan, this.detector, latencyMs)
    })
  }

  /** Closes the wrapped evaluator and the detector; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.inner.close()
    await this.detector.close()
  }
}
