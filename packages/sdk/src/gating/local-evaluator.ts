import type { EvaluationResult } from '@anansi/protocol'

/** One call as the in-process evaluator reads it. */
export interface LocalCall {
  input?: string
  output?: string
  context?: readonly string[]
  /** Tool results read since the last user turn, scanned for planted instructions. */
  toolOutputs?: readonly string[]
}

/** What `EvaluatorSuite.comprehensive` answers (structurally, so the evaluator stays an optional peer). */
export interface LocalResult {
  evaluations: EvaluationResult[]
  decision: { safe: boolean; action: 'allow' | 'block'; score: number; policy?: string }
}

/** A loaded evaluator suite (`@anansi/evaluator`'s `EvaluatorSuite`) or anything shaped like one. */
export interface EvaluatorSuiteLike {
  comprehensive(call: LocalCall): Promise<LocalResult>
  close?(): Promise<void>
}

/** The part of the `@anansi/evaluator` module the SDK uses. */
export interface EvaluatorModuleLike {
  EvaluatorSuite: {
    load(options: { tiers?: ('lexical' | 'semantic')[] }): Promise<EvaluatorSuiteLike>
  }
}

/** Whether the `evaluator` option is an already-loaded suite rather than load settings. */
export function isSuite(value: unknown): value is EvaluatorSuiteLike {
  return typeof value === 'object' && value !== null && 'comprehensive' in value
}
