/**
 * Renders the ingestion API's OpenAPI 3.1 document as Markdown (`docs/api-reference.md`): an index
 * of the endpoints, each endpoint with its parameters, body and answers, and every schema of
 * `components` as a table of its fields.
 */
import { z } from 'zod'

/** A JSON Schema node; only the keywords the renderer reads are typed, the rest pass. */
type JsonSchema = Record<string, unknown>

const jsonSchema = z.record(z.string(), z.unknown())
const mediaSchema = z.record(z.string(), z.looseObject({ schema: jsonSchema.optional() }))
const operationSchema = z.looseObject({
  summary: z.string().optional(),
  description: z.string().optional(),
  security: z.array(z.record(z.string(), z.array(z.string()))).optional(),
  parameters: z
    .array(
      z.looseObject({
        name: z.string(),
        in: z.string(),
        required: z.boolean().optional(),
        description: z.string().optional(),
        schema: jsonSchema.optional(),
      }),
    )
    .optional(),
  requestBody: z
    .looseObject({ required: z.boolean().optional(), content: mediaSchema.optional() })
    .optional(),
  responses: z.record(
    z.string(),
    z.looseObject({ description: z.string().optional(), content: mediaSchema.optional() }),
  ),
})
/** The parts of an OpenAPI document the reference is rendered from. */
export const openApiDocumentSchema = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.record(z.string(), operationSchema)),
  components: z.looseObject({ schemas: z.record(z.string(), jsonSchema).optional() }).optional(),
})

type OpenApiDocument = z.infer<typeof openApiDocumentSchema>
type Operation = z.infer<typeof operationSchema>

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const
/** Nesting shown in a schema's field table; deeper objects are named, not expanded. */
const MAX_DEPTH = 4
/** zod-openapi names the recursive JSON-value helper of a schema `<schema>___schema<n>`. */
const JSON_VALUE_HELPER = /___schema\d+$/

function isRecord(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function records(value: unknown): JsonSchema[] {
  return Array.isArray(value) ? value.filter(isRecord) : []
}

/** Makes text safe inside a Markdown table cell. */
function cell(text: string): string {
  return text.replaceAll('\n', ' ').replaceAll('|', '\\|')
}

function anchor(name: string): string {
  return `schema-${name.toLowerCase()}`
}

function refName(schema: JsonSchema): string | undefined {
  const ref = schema.$ref
  return typeof ref === 'string' ? ref.split('/').at(-1) : undefined
}

/** The value of a variant's discriminator (`type: { const }`), when it has one. */
function discriminator(schema: JsonSchema): unknown {
  const type = isRecord(schema.properties) ? schema.properties.type : undefined
  return isRecord(type) ? type.const : undefined
}

/** The object variants of a union that each carry a `type` discriminator, or undefined. */
function taggedVariants(schema: JsonSchema): JsonSchema[] | undefined {
  const variants = records(schema.oneOf ?? schema.anyOf)
  if (variants.length === 0) return undefined
  return variants.every((v) => discriminator(v) !== undefined) ? variants : undefined
}

function grouped(type: string): string {
  return type.includes(' | ') ? `(${type})` : type
}

/** A schema's type in a few words: a link for a `$ref`, `a \| b` for unions, `T[]` for arrays. */
export function typeOf(schema: JsonSchema): string {
  const ref = refName(schema)
  if (ref !== undefined)
    return JSON_VALUE_HELPER.test(ref) ? 'JSON value' : `[\`${ref}\`](#${anchor(ref)})`
  if (Array.isArray(schema.enum))
    return schema.enum.map((value) => `\`${JSON.stringify(value)}\``).join(' | ')
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``
  const tagged = taggedVariants(schema)
  if (tagged !== undefined)
    return `object (type ${tagged.map((v) => `\`${JSON.stringify(discriminator(v))}\``).join(' | ')})`
  const union = records(schema.oneOf ?? schema.anyOf)
  if (union.length > 0) return [...new Set(union.map(typeOf))].join(' | ')
  const types = Array.isArray(schema.type) ? schema.type : [schema.type ?? 'any']
  return types
    .map((type) => {
      if (type === 'array')
        return `${grouped(isRecord(schema.items) ? typeOf(schema.items) : 'any')}[]`
      if (type === 'object' && isRecord(schema.additionalProperties))
        return `map of ${typeOf(schema.additionalProperties)}`
      if (type === 'string' && typeof schema.format === 'string') return `string (${schema.format})`
      return String(type)
    })
    .join(' | ')
}

/** Limits worth knowing (lengths, ranges, sizes, defaults), in the order a reader checks them. */
function constraints(schema: JsonSchema): string[] {
  const out: string[] = []
  const pair = (min: unknown, max: unknown, unit: string): void => {
    if (typeof min === 'number' && typeof max === 'number') out.push(`${min}–${max}${unit}`)
    else if (typeof min === 'number') out.push(`≥ ${min}${unit}`)
    else if (typeof max === 'number') out.push(`≤ ${max}${unit}`)
  }
  pair(schema.minLength, schema.maxLength, ' chars')
  // The largest safe integer is zod's way of saying "no maximum".
  const max = schema.maximum === Number.MAX_SAFE_INTEGER ? undefined : schema.maximum
  pair(schema.minimum, max, '')
  pair(schema.minItems, schema.maxItems, ' items')
  pair(schema.minProperties, schema.maxProperties, ' fields')
  if (schema.default !== undefined) out.push(`default \`${JSON.stringify(schema.default)}\``)
  if (typeof schema.pattern === 'string' && schema.format === undefined)
    out.push(`pattern \`${schema.pattern}\``)
  return out
}

function describe(schema: JsonSchema): string {
  const text = typeof schema.description === 'string' ? schema.description : ''
  return [text, ...constraints(schema)].filter((part) => part !== '').join('; ')
}

/** The object a schema is, or holds in its array items, when it has fields to list. */
function objectOf(schema: JsonSchema): JsonSchema | undefined {
  if (isRecord(schema.properties)) return schema
  if (schema.type === 'array' && isRecord(schema.items) && isRecord(schema.items.properties))
    return schema.items
  return undefined
}

/** The rows of the fields inside a field: its object's, each tagged variant's, or its items'. */
function innerRows(value: JsonSchema, path: string, depth: number): string[] {
  if (depth >= MAX_DEPTH) return []
  const tagged = taggedVariants(value) ?? taggedVariants(isRecord(value.items) ? value.items : {})
  if (tagged !== undefined) {
    const prefix = taggedVariants(value) === undefined ? `${path}[].` : `${path}.`
    return tagged.flatMap((variant) =>
      fieldRows(variant, prefix, depth + 1, `type \`${JSON.stringify(discriminator(variant))}\``),
    )
  }
  const inner = objectOf(value)
  if (inner === undefined) return []
  return fieldRows(inner, inner === value ? `${path}.` : `${path}[].`, depth + 1)
}

/**
 * One table row per field, nested inline objects as `parent.child` (array items as
 * `parent[].child`); fields of a tagged variant say which `type` they belong to (`when`).
 */
function fieldRows(schema: JsonSchema, prefix: string, depth: number, when?: string): string[] {
  const properties = isRecord(schema.properties) ? schema.properties : {}
  const required = new Set(Array.isArray(schema.required) ? schema.required : [])
  return Object.entries(properties).flatMap(([name, value]) => {
    if (!isRecord(value) || (when !== undefined && name === 'type')) return []
    const path = `${prefix}${name}`
    const notes = [when === undefined ? '' : `with ${when}`, describe(value)]
      .filter((n) => n !== '')
      .join('; ')
    const row = `| \`${path}\` | ${cell(typeOf(value))} | ${required.has(name) ? 'yes' : ''} | ${cell(notes)} |`
    return [row, ...innerRows(value, path, depth)]
  })
}

function fieldTable(schema: JsonSchema): string[] {
  const rows = fieldRows(schema, '', 1)
  if (rows.length === 0) return []
  return ['| Field | Type | Required | Notes |', '| --- | --- | --- | --- |', ...rows, '']
}

/** A schema section: its fields, or each variant's fields for a union. */
function schemaBody(schema: JsonSchema): string[] {
  const variants = records(schema.oneOf ?? schema.anyOf)
  if (variants.length === 0 || isRecord(schema.properties)) {
    const table = fieldTable(schema)
    return table.length > 0 ? table : [`${typeOf(schema)}`, '']
  }
  return variants.flatMap((variant, index) => {
    const tag = discriminator(variant)
    const label = tag === undefined ? '' : `: type \`${JSON.stringify(tag)}\``
    return [`One of (${index + 1}/${variants.length})${label}`, '', ...schemaBody(variant)]
  })
}

function bodyType(content: z.infer<typeof mediaSchema> | undefined): string {
  if (content === undefined) return ''
  return Object.entries(content)
    .map(([media, { schema }]) => `${schema === undefined ? '' : typeOf(schema)} (${media})`)
    .join(', ')
}

function operationSection(method: string, path: string, op: Operation): string[] {
  const scheme = op.security?.some((s) => 'bearer' in s) === true ? 'API key (Bearer)' : 'none'
  const out = [`### \`${method.toUpperCase()} ${path}\``, '']
  if (op.summary !== undefined) out.push(op.summary, '')
  if (op.description !== undefined) out.push(op.description, '')
  out.push(`Authentication: ${scheme}.`, '')
  const parameters = op.parameters ?? []
  if (parameters.length > 0) {
    out.push('| Parameter | In | Type | Required | Notes |', '| --- | --- | --- | --- | --- |')
    for (const p of parameters) {
      const schema = p.schema ?? {}
      const notes = [p.description ?? '', ...constraints(schema)].filter((t) => t !== '')
      const unique = [...new Set(notes)].join('; ')
      out.push(
        `| \`${p.name}\` | ${p.in} | ${cell(typeOf(schema))} | ${p.required === true ? 'yes' : ''} | ${cell(unique)} |`,
      )
    }
    out.push('')
  }
  if (op.requestBody !== undefined) out.push(`Body: ${bodyType(op.requestBody.content)}`, '')
  out.push('| Status | Meaning | Body |', '| --- | --- | --- |')
  for (const [status, response] of Object.entries(op.responses))
    out.push(
      `| ${status} | ${cell(response.description ?? '')} | ${cell(bodyType(response.content))} |`,
    )
  out.push('')
  return out
}

/** The resource an endpoint belongs to: the path segment after the version (`alerts`, `webhooks`). */
function groupOf(path: string): string {
  const segments = path.split('/').filter((s) => s !== '')
  const version = segments.findIndex((s) => /^v\d+$/.test(s))
  return segments[version + 1] ?? segments[0] ?? path
}

function heading(group: string): string {
  const words = group.replaceAll('-', ' ')
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}`
}

function operations(doc: OpenApiDocument): { method: string; path: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const op = item[method]
      return op === undefined ? [] : [{ method, path, op }]
    }),
  )
}

/** The whole reference page. `source` names the command that generated it. */
export function renderApiReference(input: unknown, source: string): string {
  const doc = openApiDocumentSchema.parse(input)
  const ops = operations(doc)
  const groups = [...new Set(ops.map(({ path }) => groupOf(path)))]
  const schemas = Object.entries(doc.components?.schemas ?? {}).filter(
    ([name]) => !JSON_VALUE_HELPER.test(name),
  )
  const out = [
    '# API reference',
    '',
    `${doc.info.title} ${doc.info.version} (OpenAPI ${doc.openapi}).`,
    '',
    `Generated by \`${source}\` from the document the API serves at`,
    '`/openapi.json`; do not edit by hand (a test fails when it is stale). A running API also',
    'serves it as a page at `/docs`.',
    '',
    'Every `/v1` route needs `Authorization: Bearer <API key>`; the key decides the project and',
    'the scopes (`ingest`, `read`, `admin`; see [security.md](security.md)). Errors always have the',
    'body [`errorBody`](#schema-errorbody).',
    '',
    '## Endpoints',
    '',
    '| Method | Path | Summary |',
    '| --- | --- | --- |',
    ...ops.map(
      ({ method, path, op }) =>
        `| ${method.toUpperCase()} | \`${path}\` | ${cell(op.summary ?? '')} |`,
    ),
    '',
  ]
  for (const group of groups) {
    out.push(`## ${heading(group)}`, '')
    for (const { method, path, op } of ops.filter((o) => groupOf(o.path) === group))
      out.push(...operationSection(method, path, op))
  }
  out.push('## Schemas', '')
  for (const [name, schema] of schemas) {
    out.push(`### <a id="${anchor(name)}"></a>\`${name}\``, '')
    if (typeof schema.description === 'string') out.push(schema.description, '')
    out.push(...schemaBody(schema))
  }
  return `${out.join('\n').trimEnd()}\n`
}
