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
  type SessionRuntime,
} from './runtime/onnx-session.js'
export { decodeUtf8Strict, MAX_INPUT_CHARS } from './runtime/input-guard.js'
export { toEvaluationResult, type ClassifierOutput } from './runtime/classifier-result.js'
export {
  detectPii,
  redactPii,
  PiiEvaluator,
  PII_ENTITY_TYPES,
  PII_SEVERITY,
  type DetectPiiOptions,
  type RedactPiiOptions,
  type RedactPiiResult,
  type PiiEntityType,
  type PiiSpan,
} from './pii/index.js'
export {
  EmbeddingModel,
  BACKBONE_BATCHING,
  type Embedding,
  type EmbeddingModelOptions,
} from './semantic/embedding-model.js'
export { SemanticEvaluator } from './semantic/semantic-evaluator.js'
export { GroundingEvaluator, pairFeatures } from './semantic/grounding-evaluator.js'
export { splitSentences, type Sentence } from './semantic/sentences.js'
export {
  backboneManifestSchema,
  headManifestSchema,
  type BackboneManifest,
  type HeadManifest,
} from './semantic/semantic-manifest.js'
export {
  DEFAULT_POLICY,
  decide,
  evaluatorRuleSchema,
  flaggedUnder,
  ruleFor,
  verdictPolicySchema,
  type EvaluatorRule,
  type PolicyDecision,
  type VerdictPolicy,
  type VerdictPolicyInput,
} from './policy/verdict-policy.js'
export {
  EvaluatorSuite,
  type CallToEvaluate,
  type ComprehensiveResult,
  type EvaluatorInfo,
  type SuiteOptions,
} from './suite/evaluator-suite.js'
export {
  EVALUATOR_TARGETS,
  INDIRECT_INJECTION_MODEL,
  type Tier,
} from './suite/builtin-evaluators.js'
export {
  IndirectInjectionDetector,
  MAX_DOCUMENT_CHARS,
  MAX_DOCUMENTS,
  MAX_SPANS_PER_DOCUMENT,
  type DocumentOrigin,
  type DocumentScan,
  type DocumentToScan,
  type FlaggedWindow,
  type InjectionScan,
} from './injection/injection-detector.js'
export { DocumentScanningEvaluator, documentsOf } from './injection/document-scanning-evaluator.js'
export { INDIRECT_LABEL, onDirectScale, withIndirectScan } from './injection/indirect-result.js'
export { splitWindows, WINDOWING_NAME, type TextWindow } from './injection/windows.js'
export { CustomClassifier, activate } from './custom/custom-classifier.js'
export {
  customModelSpecSchema,
  parseCustomModelSpec,
  readCustomModelSpecs,
  type CustomModelSpec,
  type CustomModelSpecInput,
} from './custom/custom-model-spec.js'
export { CUSTOM_MODELS_ENV, customModelsFromEnv } from './custom/custom-models-env.js'
