import type { JsonValue } from '@anansi/protocol'

/** Deepest nesting kept; deeper values become a placeholder string. */
const MAX_DEPTH = 24
/** Most nodes visited in one value, so a huge object cannot stall the exporter. */
const MAX_NODES = 20_000

interface Budget {
  nodes: number
  seen: WeakSet<object>
}

/** A key that is safe to assign: `__proto__` would set the prototype instead (and the API refuses it). */
export function safeKey(key: string): string {
  return key === '__proto__' ? '_proto_' : key
}

function fromObject(value: object, depth: number, budget: Budget): JsonValue {
  if (budget.seen.has(value)) return '[Circular]'
  budget.seen.add(value)
  try {
    // Array.from visits the holes of sparse arrays too, so none survives into the JSON value.
    if (Array.isArray(value))
      return Array.from(value, (item: unknown) => walk(item, depth + 1, budget) ?? null)
    if (value instanceof Date) return Number.isFinite(value.getTime()) ? value.toISOString() : null
    if (value instanceof Error) return { name: value.name, message: value.message }
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer)
      return `[binary ${value.byteLength} bytes]`
    if (value instanceof Map) {
      // Keys may be objects (even without a prototype): name them by their JSON, never by String().
      const entries = [...(value as Map<unknown, unknown>)].map(([k, v]) => [
        typeof k === 'string' ? k : toJsonText(k),
        v,
      ])
      return walk(Object.fromEntries(entries), depth, budget) ?? null
    }
    if (value instanceof Set) return walk([...value], depth, budget) ?? null
    const out: Record<string, JsonValue> = {}
    for (const [key, child] of Object.entries(value)) {
      const converted = walk(child, depth + 1, budget)
      if (converted !== undefined) out[safeKey(key)] = converted
    }
    return out
  } finally {
    budget.seen.delete(value) // only ancestors count as cycles; shared siblings are fine
  }
}

function walk(value: unknown, depth: number, budget: Budget): JsonValue | undefined {
  budget.nodes += 1
  if (budget.nodes > MAX_NODES) return '[Truncated]'
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value
    case 'number':
      return Number.isFinite(value) ? value : null
    case 'bigint':
      return value.toString()
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined
    case 'object':
      if (value === null) return null
      if (depth >= MAX_DEPTH) return '[Depth]'
      return fromObject(value, depth, budget)
  }
}

/**
 * Converts any value into JSON the API accepts: cycles, functions, bigints, non-finite numbers,
 * binary buffers and `__proto__` keys are all turned into something plain.
 */
export function toJsonValue(value: unknown): JsonValue {
  return walk(value, 0, { nodes: 0, seen: new WeakSet() }) ?? null
}

/** Serialises any value as JSON text, never throwing. */
export function toJsonText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(toJsonValue(value))
}
