import type { EvaluatorSuite } from '@anansi/evaluator'
import {
  EvaluatorJudge,
  JUDGE_EVALUATORS,
  type EvaluatorJudgeOptions,
  type Judge,
} from '../judging/judge.js'

/**
 * The evaluator judge on a suite someone else owns (the platform's, shared with the stream
 * processor): only the judge's evaluators run, and closing the judge leaves the suite open.
 * Undefined when the suite has no `refusal` evaluator, which the judge cannot do without.
 */
export function judgeFromSuite(
  suite: EvaluatorSuite,
  options: EvaluatorJudgeOptions = {},
): Judge | undefined {
  const loaded = new Set(suite.evaluators.map((e) => e.name))
  if (!loaded.has('refusal')) return undefined
  // Others a shared suite has loaded are not run.
  const names = JUDGE_EVALUATORS.filter((name) => loaded.has(name))
  return new EvaluatorJudge(
    {
      comprehensive: (call) => suite.comprehensive(call, undefined, names),
      close: () => Promise.resolve(),
    },
    options,
  )
}
