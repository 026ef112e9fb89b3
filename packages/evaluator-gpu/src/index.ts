export type { EvaluationInput, Evaluator } from './evaluator.js'
export { EvaluatorError, type EvaluatorErrorCode } from './errors.js'
export { BUILTIN_MODELS_DIR } from './model-directory.js'
export {
  LexicalEvaluator,
  LEXICAL_BATCHING,
  type LexicalEvaluatorOptions,
} from './lexical/lexical-evaluator.js'
export {
  loadLexicalModel,
  type LexicalModel,
  type LexicalPrediction,
} from './lexical/lexical-model.js'
export {
  DEFAULT_FEATURIZER,
  FEATURIZER_NAME,
  featurize,
  normalizeText,
  type Features,
  type FeaturizerSpec,
} from './lexical/featurizer.js'
export { lexicalManifestSchema, type LexicalManifest } from './models/manifest.js'
export { MicroBatcher, type MicroBatcherOptions } from './runtime/micro-batcher.js'
export {
  availableProviders,
  type ExecutionProvider,
  type SessionOptions,
} from './runtime/onnx-session.js'
export { decodeUtf8Strict, MAX_INPUT_CHARS } from './runtime/input-guard.js'
export { toEvaluationResult, type ClassifierOutput } from './runtime/classifier-result.js'
