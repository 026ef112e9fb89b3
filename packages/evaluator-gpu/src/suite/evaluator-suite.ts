import type { EvaluationResult } from '@anansi/protocol'
import { CustomClassifier } from '../custom/custom-classifier.js'
import type { CustomModelSpec } from '../custom/custom-model-spec.js'
import { customModelsFromEnv } from '../custom/custom-models-env.js'
import { EvaluatorError } from '../errors.js'
import type { Evaluator } from '../evaluator.js'
import { BUILTIN_MODELS_DIR } from '../model-directory.js'
import {
  decide,
  DEFAULT_POLICY,
  ruleFor,
  type PolicyDecision,
  type VerdictPolicy,
} from '../policy/verdict-policy.js'
import type { SessionOptions } from '../runtime/onnx-session.js'
import {
  EVALUATOR_TARGETS,
  loadBuiltinEvaluators,
  type Closeable,
  type Tier,
} from './builtin-evaluators.js'

/** What to load. */
export interface SuiteOptions extends SessionOptions {
  /** Tiers of built-in models (default: lexical only, the sub-millisecond gate). */
  tiers?: Tier[]
  /** Only these evaluator names (default: all). */
  only?: string[]
  /**
   * User-registered ONNX classifiers. Default: the specs in the JSON file the environment variable
   * `ANANSI_CUSTOM_MODELS` names (none when unset); pass `[]` to ignore it.
   */
  custom?: CustomModelSpec[]
  /** Where the built-in models live (default: the ones shipped with the package). */
  modelsDir?: string
}

/** One LLM call as the evaluators see it. */
export interface CallToEvaluate {
  input?: string
  output?: string
  /** Retrieval documents the output should be grounded in (also scanned for planted instructions). */
  context?: readonly string[]
  /**
   * Tool-role message contents the model read in this turn (function results, fetched pages);
   * `jailbreak` scans them for planted instructions like `context`.
   */
  toolOutputs?: readonly string[]
}

/** The outcome of a comprehensive evaluation. */
export interface ComprehensiveResult {
  evaluations: EvaluationResult[]
  decision: PolicyDecision
}

/** Description of one loaded evaluator. */
export interface EvaluatorInfo {
  name: string
  tier: Evaluator['tier']
  modelId: string
  modelVersion: string
  targets: readonly ('input' | 'output')[]
}

/**
 * The loaded evaluators of a process: the stream processor, the ingest API's `/v1/evaluate` and
 * the SDK's local gate all go through one of these.
 * @example
 * const suite = await EvaluatorSuite.load({ tiers: ['lexical'] })
 * const { decision } = await suite.comprehensive({ input: prompt, output: answer })
 */
export class EvaluatorSuite {
  private closed = false

  private constructor(
    readonly evaluators: readonly Evaluator[],
    private readonly targets: ReadonlyMap<Evaluator, readonly ('input' | 'output')[]>,
    private readonly owned: readonly Closeable[],
  ) {}

  /** Loads built-in models for the chosen tiers plus any custom models. */
  static async load(options: SuiteOptions = {}): Promise<EvaluatorSuite> {
    // Specs first: a bad registration file fails before any model is loaded.
    const customSpecs = options.custom ?? (await customModelsFromEnv(process.env))
    const only = options.only === undefined ? undefined : new Set(options.only)
    const builtin = await loadBuiltinEvaluators(
      options.modelsDir ?? BUILTIN_MODELS_DIR,
      options.tiers ?? ['lexical'],
      only,
      options,
    )
    const targets = new Map<Evaluator, readonly ('input' | 'output')[]>()
    for (const evaluator of builtin.evaluators)
      targets.set(evaluator, EVALUATOR_TARGETS[evaluator.name] ?? ['output'])
    const owned = [...builtin.owned]
    try {
      for (const spec of customSpecs) {
        const classifier = await CustomClassifier.load(spec, options)
        owned.push(classifier)
        targets.set(classifier, spec.targets)
      }
    } catch (error) {
      // Release what was loaded so a failed start leaves no sessions behind.
      for (const item of owned.reverse()) await item.close()
      throw error
    }
    return new EvaluatorSuite([...targets.keys()], targets, owned)
  }

  /** What is loaded, for `/v1/evaluators` and logs. */
  describe(): EvaluatorInfo[] {
    return this.evaluators.map((e) => ({
      name: e.name,
      tier: e.tier,
      modelId: e.modelId,
      modelVersion: e.modelVersion,
      targets: this.targets.get(e) ?? [],
    }))
  }

  /**
   * Runs every applicable evaluator on each side of a call, concurrently, then folds the results
   * with the policy. `names` limits which evaluators run.
   */
  async comprehensive(
    call: CallToEvaluate,
    policy: VerdictPolicy = DEFAULT_POLICY,
    names?: readonly string[],
  ): Promise<ComprehensiveResult> {
    if (this.closed) throw new EvaluatorError('closed', 'evaluator suite is closed')
    const unknown = names?.filter((n) => !this.evaluators.some((e) => e.name === n)) ?? []
    if (unknown.length > 0)
      throw new EvaluatorError('invalid_input', `unknown evaluator(s): ${unknown.join(', ')}`)
    const runs: Promise<EvaluationResult[]>[] = []
    for (const evaluator of this.evaluators) {
      if (names !== undefined && !names.includes(evaluator.name)) continue
      if (!ruleFor(policy, evaluator.name).enabled) continue
      for (const target of this.targets.get(evaluator) ?? []) {
        const text = target === 'input' ? call.input : call.output
        if (text === undefined) continue
        runs.push(
          evaluator.evaluate([
            {
              text,
              target,
              ...(call.context === undefined ? {} : { context: call.context }),
              ...(call.toolOutputs === undefined ? {} : { toolOutputs: call.toolOutputs }),
            },
          ]),
        )
      }
    }
    const evaluations = (await Promise.all(runs)).flat()
    return { evaluations, decision: decide(policy, evaluations) }
  }

  /** Closes every model; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    for (const item of [...this.owned].reverse()) await item.close()
  }
}
