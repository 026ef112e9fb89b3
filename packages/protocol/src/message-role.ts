import type { Message } from './content.js'

// A Map, not an object literal: a role named `__proto__` or `constructor` must not find anything.
const ROLES: ReadonlyMap<string, Message['role']> = new Map([
  ['system', 'system'],
  ['developer', 'developer'],
  ['user', 'user'],
  ['human', 'user'],
  ['assistant', 'assistant'],
  ['model', 'assistant'],
  ['ai', 'assistant'],
  ['tool', 'tool'],
  ['function', 'tool'],
])

/** The protocol's role for a role name of any provider or convention, or undefined when unknown. */
export function messageRoleOf(name: string): Message['role'] | undefined {
  return ROLES.get(name.toLowerCase())
}
