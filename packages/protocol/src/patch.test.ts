import { describe, expect, it } from 'vitest'
import { alertRuleCreateSchema, alertRuleUpdateSchema } from './alert.js'
import { webhookUpdateSchema } from './webhook-endpoint.js'

const rule = {
  name: 'Toxicity spike',
  metric: 'evaluator.toxicity.score',
  condition: { type: 'zscore' },
  severity: 'high',
}

describe('alert rule bodies', () => {
  it('fills the documented defaults when a rule is created', () => {
    expect(alertRuleCreateSchema.parse(rule)).toEqual({
      ...rule,
      condition: { type: 'zscore', threshold: 3 },
      cooldownSeconds: 300,
      channels: [],
      enabled: true,
    })
  })

  it('refuses an id in the create body', () => {
    const id = '01936d3c-7a1e-7b2c-9d4e-5f6a7b8c9d0e'
    expect(alertRuleCreateSchema.safeParse({ ...rule, id }).success).toBe(false)
  })

  it('keeps a patch to the fields it names: no default sneaks in', () => {
    expect(alertRuleUpdateSchema.parse({ name: 'renamed' })).toEqual({ name: 'renamed' })
    expect(alertRuleUpdateSchema.parse({ enabled: false })).toEqual({ enabled: false })
  })

  it('refuses an empty patch, an undefined-only patch and unknown keys', () => {
    expect(alertRuleUpdateSchema.safeParse({}).success).toBe(false)
    expect(alertRuleUpdateSchema.safeParse({ name: undefined }).success).toBe(false)
    expect(alertRuleUpdateSchema.safeParse({ nam: 'typo' }).success).toBe(false)
  })
})

describe('webhook bodies', () => {
  it('accepts only http and https URLs', () => {
    expect(webhookUpdateSchema.safeParse({ url: 'https://hooks.example.com/a' }).success).toBe(true)
    expect(webhookUpdateSchema.safeParse({ url: 'http://hooks.example.com/a' }).success).toBe(true)
    for (const url of ['ftp://example.com/a', 'javascript:alert(1)', 'not a url']) {
      expect(webhookUpdateSchema.safeParse({ url }).success).toBe(false)
    }
    const long = `https://example.com/${'a'.repeat(2048)}`
    expect(webhookUpdateSchema.safeParse({ url: long }).success).toBe(false)
  })

  it('refuses an empty list of event types and an empty patch', () => {
    expect(webhookUpdateSchema.safeParse({ eventTypes: [] }).success).toBe(false)
    expect(webhookUpdateSchema.safeParse({}).success).toBe(false)
  })
})
