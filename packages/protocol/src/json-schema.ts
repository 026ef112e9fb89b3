import { z } from 'zod'
import { WIRE_SCHEMAS, type WireSchemaName } from './schemas.js'

/** Renders one wire contract as JSON Schema (draft 2020-12), describing what a sender may put on the wire. */
export function toJsonSchema(name: WireSchemaName): Record<string, unknown> {
  const schema = z.toJSONSchema(WIRE_SCHEMAS[name], {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'throw',
  })
  return { $id: `https://anansi.dev/schemas/${name}.json`, title: name, ...schema }
}
