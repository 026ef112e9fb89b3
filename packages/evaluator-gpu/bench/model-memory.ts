/**
 * Child process of the bench: loads one model (a lexical model's name, or `semantic` for the
 * MiniLM backbone + the jailbreak head) twice in a fresh process and prints the resident memory
 * each load added. A fresh process is the only honest measure: in the bench's own process, memory
 * freed by the previous model's session is reused by the next one, so a delta there often reads 0.
 * The first load also pays onnxruntime's one-time initialisation; the second is the model alone.
 */
import { join } from 'node:path'
import {
  BUILTIN_MODELS_DIR,
  EmbeddingModel,
  LexicalEvaluator,
  SemanticEvaluator,
  type Evaluator,
} from '../src/index.js'

const target = process.argv[2]
if (target === undefined) throw new Error('usage: model-memory.ts <lexical model name | semantic>')

async function loadWarm(): Promise<Evaluator> {
  if (target === 'semantic') {
    const backbone = await EmbeddingModel.load(join(BUILTIN_MODELS_DIR, 'minilm-l6-v2'))
    const head = await SemanticEvaluator.load(
      join(BUILTIN_MODELS_DIR, 'semantic-jailbreak'),
      backbone,
    )
    await head.evaluate([{ text: 'warm-up', target: 'input' }])
    return head
  }
  const evaluator = await LexicalEvaluator.load(join(BUILTIN_MODELS_DIR, target ?? ''))
  await evaluator.evaluate([{ text: 'warm-up', target: 'output' }])
  return evaluator
}

// Sessions stay open on purpose: the numbers are what loaded, warmed-up models keep resident.
const before = process.memoryUsage().rss
await loadWarm()
const afterFirst = process.memoryUsage().rss
await loadWarm()
const afterSecond = process.memoryUsage().rss
process.stdout.write(
  JSON.stringify({ firstLoadBytes: afterFirst - before, modelBytes: afterSecond - afterFirst }),
)
