import { z } from 'zod'
import { anomalySchema } from './anomaly.js'
import { nonEmptyPatch } from './patch.js'
import { shortIdSchema, timestampSchema, uuidSchema, uuidV7Schema } from './primitives.js'

/** How urgent an alert is. */
export const severitySchema = z.enum(['low', 'medium', 'high', 'critical'])

/** Lifecycle of an alert. */
export const alertStatusSchema = z.enum(['open', 'acknowledged', 'resolved'])

/** What makes a rule fire: a z-score anomaly, a fixed threshold, or a rate over a window. */
export const alertConditionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('zscore'), threshold: z.number().positive().default(3) }),
  z.strictObject({
    type: z.literal('threshold'),
    operator: z.enum(['gt', 'gte', 'lt', 'lte']),
    value: z.number(),
  }),
  z.strictObject({
    type: z.literal('rate'),
    rate: z.number().min(0).max(1),
    windowSeconds: z.int().min(1).max(86_400),
    minEvents: z.int().min(1).default(10),
  }),
])

const channelsSchema = z
  .array(z.strictObject({ type: z.literal('webhook'), webhookId: uuidSchema }))
  .max(16)
const cooldownSecondsSchema = z
  .int()
  .min(0)
  .max(86_400 * 7)

// Shared by the rule, its create body and its patch, so the three cannot drift apart.
const alertRuleFields = {
  name: z.string().min(1).max(256),
  metric: z.string().min(1).max(128),
  model: shortIdSchema.optional().describe('only this model; all models when absent'),
  condition: alertConditionSchema,
  severity: severitySchema,
  cooldownSeconds: cooldownSecondsSchema,
  channels: channelsSchema,
  enabled: z.boolean(),
}

/** A per-project alert rule. */
export const alertRuleSchema = z.strictObject({ id: uuidSchema, ...alertRuleFields })

/** The body that creates an alert rule: the rule without its id, with defaults for the optional parts. */
export const alertRuleCreateSchema = z.strictObject({
  ...alertRuleFields,
  cooldownSeconds: cooldownSecondsSchema.default(300),
  channels: channelsSchema.default([]),
  enabled: z.boolean().default(true),
})

// Built from the fields without defaults: zod 4 applies a default even under `.partial()`, which
// would turn a one-field patch into a reset of every defaulted field.
/** A patch to an alert rule: any of its fields, at least one. */
export const alertRuleUpdateSchema = nonEmptyPatch(alertRuleFields)

/** A fired alert. */
export const alertSchema = z.strictObject({
  id: uuidSchema,
  ruleId: uuidSchema.optional(),
  severity: severitySchema,
  status: alertStatusSchema,
  metric: z.string().min(1).max(128),
  model: shortIdSchema.optional(),
  value: z.number(),
  message: z.string().min(1).max(2048),
  eventId: uuidV7Schema.optional(),
  anomaly: anomalySchema.optional(),
  createdAt: timestampSchema,
  acknowledgedAt: timestampSchema.optional(),
})

/** Severity as a TypeScript type. */
export type Severity = z.infer<typeof severitySchema>
/** Alert status as a TypeScript type. */
export type AlertStatus = z.infer<typeof alertStatusSchema>
/** Alert condition as a TypeScript type. */
export type AlertCondition = z.infer<typeof alertConditionSchema>
/** Alert rule as a TypeScript type. */
export type AlertRule = z.infer<typeof alertRuleSchema>
/** The create-rule body as a sender writes it (defaulted fields optional). */
export type AlertRuleCreate = z.input<typeof alertRuleCreateSchema>
/** An alert-rule patch as a TypeScript type. */
export type AlertRuleUpdate = z.infer<typeof alertRuleUpdateSchema>
/** Fired alert as a TypeScript type. */
export type Alert = z.infer<typeof alertSchema>
