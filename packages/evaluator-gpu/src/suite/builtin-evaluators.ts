import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Evaluator } from '../evaluator.js'
import { DocumentScanningEvaluator } from '../injection/document-scanning-evaluator.js'
import { IndirectInjectionDetector } from '../injection/injection-detector.js'
import { LexicalEvaluator } from '../lexical/lexical-evaluator.js'
import { PiiEvaluator } from '../pii/index.js'
import type { SessionOptions } from '../runtime/onnx-session.js'
import { EmbeddingModel } from '../semantic/embedding-model.js'
import { GroundingEvaluator } from '../semantic/grounding-evaluator.js'
import { SemanticEvaluator } from '../semantic/semantic-evaluator.js'

/** Which side of a call each built-in evaluator judges. */
export const EVALUATOR_TARGETS: Readonly<Record<string, readonly ('input' | 'output')[]>> = {
  toxicity: ['input', 'output'],
  jailbreak: ['input'],
  harmful_request: ['input'],
  refusal: ['output'],
  bias: ['output'],
  hallucination: ['output'],
  pii: ['input', 'output'],
}

/** A tier of models. */
export type Tier = 'lexical' | 'semantic'

/** Something the suite must close when it closes. */
export interface Closeable {
  close(): Promise<void>
}

/** The evaluators to expose, and everything loaded for them (closed in reverse order). */
export interface BuiltinSet {
  evaluators: Evaluator[]
  owned: Closeable[]
}

const LEXICAL = [
  'toxicity',
  'jailbreak',
  'harmful_request',
  'refusal',
  'bias',
  'hallucination',
] as const

/** The window-level model that scans retrieval documents and tool outputs for planted instructions. */
export const INDIRECT_INJECTION_MODEL = 'indirect_injection'

/**
 * Loads the shipped evaluators for the chosen tiers. PII (rules) is always included. With the
 * semantic tier, `hallucination` becomes the grounding check, falling back to the lexical
 * false-claim model for calls without retrieval context. `jailbreak` also scans a call's documents
 * for indirect prompt injection: the lexical one when the lexical tier is loaded, else the semantic
 * one (one scan per call, not one per tier).
 */
export async function loadBuiltinEvaluators(
  modelsDir: string,
  tiers: readonly Tier[],
  only: ReadonlySet<string> | undefined,
  options: SessionOptions,
): Promise<BuiltinSet> {
  const wanted = (name: string): boolean => only === undefined || only.has(name)
  const semanticOn = tiers.includes('semantic')
  const owned: Closeable[] = []
  const evaluators: Evaluator[] = []
  const expose = <E extends Evaluator>(evaluator: E): E => {
    owned.push(evaluator)
    evaluators.push(evaluator)
    return evaluator
  }
  let lexicalHallucination: Evaluator | undefined
  let documentsScanned = false
  const indirectDir = join(modelsDir, INDIRECT_INJECTION_MODEL)
  // Model directories without the window model (a custom `modelsDir`) keep the plain jailbreak.
  const scanDocuments = async (evaluator: Evaluator): Promise<Evaluator> => {
    if (documentsScanned || !existsSync(join(indirectDir, 'manifest.json'))) return evaluator
    try {
      const detector = await IndirectInjectionDetector.load(indirectDir, options)
      documentsScanned = true
      return new DocumentScanningEvaluator(evaluator, detector)
    } catch (error) {
      await evaluator.close()
      throw error
    }
  }
  for (const name of LEXICAL) {
    if (!wanted(name)) continue
    const asFallback = name === 'hallucination' && semanticOn
    if (!tiers.includes('lexical') && !asFallback) continue
    const evaluator = await LexicalEvaluator.load(join(modelsDir, name), options)
    if (asFallback) {
      owned.push(evaluator) // used only behind the grounding check
      lexicalHallucination = evaluator
    } else expose(name === 'jailbreak' ? await scanDocuments(evaluator) : evaluator)
  }
  if (semanticOn) {
    const backbone = await EmbeddingModel.load(join(modelsDir, 'minilm-l6-v2'), options)
    owned.unshift(backbone) // closed last: the heads use it
    for (const name of ['toxicity', 'jailbreak', 'harmful_request', 'bias']) {
      const dir = join(modelsDir, `semantic-${name}`)
      if (!wanted(name) || !existsSync(dir)) continue
      const evaluator = await SemanticEvaluator.load(dir, backbone, { ...options, name })
      expose(name === 'jailbreak' ? await scanDocuments(evaluator) : evaluator)
    }
    if (wanted('hallucination'))
      expose(
        await GroundingEvaluator.load(
          join(modelsDir, 'semantic-hallucination-grounding'),
          backbone,
          lexicalHallucination,
          options,
        ),
      )
  }
  if (wanted('pii')) expose(new PiiEvaluator())
  return { evaluators, owned }
}
