import type { TokenUsage } from '@anansi/protocol'
import { isRecord } from '../event/content-parts.js'

const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined

/**
 * Reads token usage in either vocabulary: Chat Completions (`prompt_tokens`/`completion_tokens`)
 * or Responses and Anthropic (`input_tokens`/`output_tokens`).
 */
export function readUsage(value: unknown): TokenUsage | undefined {
  if (!isRecord(value)) return undefined
  const input = num(value.input_tokens) ?? num(value.prompt_tokens)
  const output = num(value.output_tokens) ?? num(value.completion_tokens)
  const total =
    num(value.total_tokens) ??
    (input !== undefined && output !== undefined ? input + output : undefined)
  const usage: TokenUsage = {}
  if (input !== undefined) usage.inputTokens = input
  if (output !== undefined) usage.outputTokens = output
  if (total !== undefined) usage.totalTokens = total
  return Object.keys(usage).length === 0 ? undefined : usage
}
