import {
  uuidv7,
  type AlertRuleCreate,
  type EvaluationResult,
  type LlmEvent,
  type Verdict,
} from '@anansi/protocol'
import type { NewAlert, ProcessedBatch, ProjectStore, Store } from '../src/index.js'

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

/** A new project with a unique slug, seen through its tenant-scoped store. */
export async function newProject(store: Store): Promise<ProjectStore> {
  const project = await store.createProject({ name: 'Test', slug: uniqueSlug('p') })
  return store.forProject(project.id)
}

/** A z-score rule on the toxicity score, with the protocol's defaults left out. */
export function makeRuleInput(patch: Partial<AlertRuleCreate> = {}): AlertRuleCreate {
  return {
    name: 'Toxicity spike',
    metric: 'evaluator.toxicity.score',
    condition: { type: 'zscore', threshold: 3 },
    severity: 'high',
    ...patch,
  }
}

/** An alert for an event, deduplicated by rule and event. */
export function makeAlert(eventId: string, patch: Partial<NewAlert> = {}): NewAlert {
  return {
    dedupeKey: `${patch.ruleId ?? 'none'}:${eventId}`,
    severity: 'high',
    metric: 'evaluator.toxicity.score',
    model: 'gpt-4o',
    value: 0.97,
    message: 'Toxicity score 0.97 is 4.2 standard deviations above its baseline',
    eventId,
    ...patch,
  }
}

/** A processed batch of new events, each with an unsafe verdict, and nothing else. */
export function makeBatch(events: LlmEvent[], patch: Partial<ProcessedBatch> = {}): ProcessedBatch {
  return {
    events: events.map((event) => ({ event, receivedAt: new Date().toISOString() })),
    verdicts: events.map((event) => makeVerdict(event.id)),
    alerts: [],
    detectorStates: [],
    ...patch,
  }
}
