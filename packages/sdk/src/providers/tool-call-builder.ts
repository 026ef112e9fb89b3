import type { ToolCall } from '@anansi/protocol'

/** Assembles tool calls that arrive in pieces (streamed deltas keyed by index). */
export class ToolCallBuilder {
  private readonly calls = new Map<number, { id: string; name: string; arguments: string }>()

  /** Adds one delta: any of id, name and an arguments fragment. */
  add(index: number, delta: { id?: unknown; name?: unknown; arguments?: unknown }): void {
    const call = this.calls.get(index) ?? { id: '', name: '', arguments: '' }
    if (typeof delta.id === 'string' && delta.id.length > 0) call.id = delta.id
    if (typeof delta.name === 'string') call.name += delta.name
    if (typeof delta.arguments === 'string') call.arguments += delta.arguments
    this.calls.set(index, call)
  }

  /** Replaces the arguments of a call (a provider that resends the whole JSON at the end). */
  set(index: number, call: { id?: string; name?: string; arguments: string }): void {
    const current = this.calls.get(index) ?? { id: '', name: '', arguments: '' }
    this.calls.set(index, {
      id: call.id ?? current.id,
      name: call.name ?? current.name,
      arguments: call.arguments,
    })
  }

  /** The calls so far, in index order; undefined when there are none. */
  build(): ToolCall[] | undefined {
    if (this.calls.size === 0) return undefined
    return [...this.calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, call]) => ({
        id: call.id || 'unknown',
        name: call.name || 'unknown',
        arguments: call.arguments,
      }))
  }
}
