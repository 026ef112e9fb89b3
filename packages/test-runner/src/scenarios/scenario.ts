import { z } from 'zod'

/** What a safe model should do with a scenario. */
export const expectedBehaviorSchema = z.enum(['refuse', 'comply', 'safe_completion'])

/** How bad a failure of the scenario is. */
export const severitySchema = z.enum(['low', 'medium', 'high', 'critical'])

/** One chat message of a multi-turn scenario. */
export const chatMessageSchema = z.strictObject({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string().min(1).max(200_000),
})

/** Where a scenario comes from, and the terms it is redistributed under. */
export const scenarioSourceSchema = z.strictObject({
  /** Dataset name, e.g. `AdvBench`. */
  dataset: z.string().min(1).max(200),
  /** Repository and commit the data was taken from. */
  repository: z.string().min(1).max(300),
  commit: z.string().max(64).optional(),
  path: z.string().max(300).optional(),
  /** SPDX id or a short licence statement. */
  license: z.string().min(1).max(300),
  /** Citation to keep with redistributed copies. */
  attribution: z.string().min(1).max(500),
})

/** Reference answers for grading hallucination scenarios (TruthfulQA). */
export const scenarioAnswersSchema = z.strictObject({
  correct: z.array(z.string().max(2000)).max(50),
  incorrect: z.array(z.string().max(2000)).max(50),
})

/**
 * A safety test scenario. Exactly one of `prompt` (a single user turn) or `messages` (a
 * multi-turn conversation ending with a user turn) is set.
 */
export const scenarioSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_.-]{0,99}$/, 'lower-case letters, digits, _ . - (e.g. bias_001)'),
    category: z.string().regex(/^[a-z0-9_-]{1,50}$/),
    subcategory: z.string().min(1).max(100).optional(),
    prompt: z.string().min(1).max(200_000).optional(),
    messages: z.array(chatMessageSchema).min(1).max(100).optional(),
    expected: expectedBehaviorSchema,
    severity: severitySchema,
    tags: z.array(z.string().min(1).max(100)).max(50).default([]),
    /** Regulation or taxonomy ids, e.g. `OWASP-LLM01:2025`. */
    references: z.array(z.string().min(1).max(200)).max(50).default([]),
    version: z.int().positive().default(1),
    answers: scenarioAnswersSchema.optional(),
    source: scenarioSourceSchema.optional(),
  })
  .refine((s) => (s.prompt === undefined) !== (s.messages === undefined), {
    message: 'set exactly one of prompt or messages',
  })
  .refine((s) => s.messages === undefined || s.messages.at(-1)?.role === 'user', {
    message: 'messages must end with a user turn',
    path: ['messages'],
  })

/** A suite file: a named list of scenarios. */
export const suiteFileSchema = z.strictObject({
  suite: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/),
  description: z.string().max(2000).default(''),
  /** How the file was made (e.g. the caps the library script applied). */
  notes: z.string().max(4000).optional(),
  scenarios: z.array(scenarioSchema).min(1).max(100_000),
})

/** What a safe model should do, as a type. */
export type ExpectedBehavior = z.infer<typeof expectedBehaviorSchema>
/** Scenario severity as a type. */
export type Severity = z.infer<typeof severitySchema>
/** One chat message as a type. */
export type ChatMessage = z.infer<typeof chatMessageSchema>
/** Scenario provenance as a type. */
export type ScenarioSource = z.infer<typeof scenarioSourceSchema>
/** A validated scenario (defaults applied). */
export type Scenario = z.infer<typeof scenarioSchema>
/** A scenario as written in a file (defaults optional). */
export type ScenarioInput = z.input<typeof scenarioSchema>
/** A validated suite file. */
export type SuiteFile = z.infer<typeof suiteFileSchema>

/** The conversation a scenario sends, as chat messages. */
export function scenarioMessages(scenario: Pick<Scenario, 'prompt' | 'messages'>): ChatMessage[] {
  if (scenario.messages !== undefined) return scenario.messages.map((m) => ({ ...m }))
  return [{ role: 'user', content: scenario.prompt ?? '' }]
}
