import { componentRef, type WireSchemaName } from '@anansi/protocol'

/**
 * The little of JSON Schema the routes write by hand (structurally an OpenAPI 3.1 schema object):
 * wrappers around the protocol's components, referenced rather than copied by a zod conversion.
 */
export type OpenApiSchema =
  | { $ref: string }
  | {
      type?: 'object' | 'array' | 'string' | 'null'
      format?: string
      description?: string
      items?: OpenApiSchema
      properties?: Record<string, OpenApiSchema>
      required?: string[]
      additionalProperties?: boolean
      oneOf?: OpenApiSchema[]
    }

/** An array of one of the protocol's wire contracts, by reference. */
export function arrayOf(name: WireSchemaName): OpenApiSchema {
  return { type: 'array', items: componentRef(name) }
}

/** An object with exactly these keys, all required. */
export function objectOf(properties: Record<string, OpenApiSchema>): OpenApiSchema {
  return {
    type: 'object',
    required: Object.keys(properties),
    additionalProperties: false,
    properties,
  }
}

/** A JSON body with the given schema, as the `content` of a response or request body. */
export function jsonContent(schema: OpenApiSchema): {
  content: { 'application/json': { schema: OpenApiSchema } }
} {
  return { content: { 'application/json': { schema } } }
}
