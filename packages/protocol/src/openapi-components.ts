import { z } from 'zod'
import { WIRE_SCHEMAS, type WireSchemaName } from './schemas.js'

type Json = string | number | boolean | null | Json[] | { [key: string]: Json }

function rewriteRefs(node: Json, from: string, to: string): Json {
  if (Array.isArray(node)) return node.map((child) => rewriteRefs(child, from, to))
  if (node === null || typeof node !== 'object') return node
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' && value.startsWith(from)
        ? `${to}${value.slice(from.length)}`
        : rewriteRefs(value, from, to),
    ]),
  )
}

/**
 * Every wire contract as OpenAPI 3.1 `components.schemas` (JSON Schema 2020-12). A schema's own
 * `$defs` (recursive JSON values) are hoisted to `<name>_<def>` components so `$ref`s resolve from
 * the document root, where OpenAPI resolves them.
 */
export function openApiComponents(): Record<string, Json> {
  const components: Record<string, Json> = {}
  for (const name of Object.keys(WIRE_SCHEMAS) as WireSchemaName[]) {
    const schema = z.toJSONSchema(WIRE_SCHEMAS[name], {
      target: 'draft-2020-12',
      io: 'input',
      unrepresentable: 'throw',
    }) as { [key: string]: Json }
    const { $schema: _schema, $defs, ...body } = schema
    const prefix = `#/components/schemas/${name}_`
    components[name] = rewriteRefs(body, '#/$defs/', prefix)
    if (
      $defs !== undefined &&
      $defs !== null &&
      typeof $defs === 'object' &&
      !Array.isArray($defs)
    ) {
      for (const [def, value] of Object.entries($defs))
        components[`${name}_${def}`] = rewriteRefs(value, '#/$defs/', prefix)
    }
  }
  return components
}

/** A `$ref` to one wire contract in an OpenAPI document built with {@link openApiComponents}. */
export function componentRef(name: WireSchemaName): { $ref: string } {
  return { $ref: `#/components/schemas/${name}` }
}
