import { uuidv7, type EvaluationResult, type LlmEvent, type Verdict } from '@anansi/protocol'

let counter = 0

/** A unique project slug, so tests sharing one database never collide. */
export function uniqueSlug(prefix: string): string {
  counter += 1
  return `${prefix}-${Date.now().toString(36)}-${counter}`
}

/** A valid event with every commonly queried field set. */
export function makeEvent(patch: Partial<LlmEvent> = {}): LlmEvent {
  return {
    id: uuidv7(),
    timestamp: new Date().toISOString(),
    model: { provider: 'openai', name: 'gpt-4o' },
    category: 'chatbot',
    input: { type: 'messages', messages: [{ role: 'user', content: 'Hello there' }] },
    output: { type: 'text', text: 'General Kenobi.' },
    usage: { inputTokens: 3, outputTokens: 2 },
    latencyMs: 120.5,
    status: 'ok',
    sessionId: 's-1',
    tags: ['test'],
    metadata: { nested: { list: [1, 'two', null] } },
    ...patch,
  }
}

/** A flagged toxicity result. */
export function makeEvaluation(patch: Partial<EvaluationResult> = {}): EvaluationResult {
  return {
    evaluator: 'toxicity',
    modelId: 'toxicity-lexical',
    modelVersion: '1.0.0',
    tier: 'lexical',
    target: 'output',
    score: 0.93,
    label: 'toxic',
    threshold: 0.5,
    flagged: true,
    latencyMs: 0.3,
    ...patch,
  }
}

/** An unsafe verdict for an event. */
export function makeVerdict(
  eventId: string,
  evaluations: EvaluationResult[] = [makeEvaluation()],
): Verdict {
  return {
    eventId,
    safe: false,
    action: 'block',
    score: 0.93,
    evaluations,
    anomalies: [],
    decidedBy: 'remote',
    decidedAt: new Date().toISOString(),
    latencyMs: 12,
  }
}
