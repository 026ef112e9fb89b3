import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { WIRE_SCHEMAS, toJsonSchema, type WireSchemaName } from '../src/index.js'

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'json-schema')
const names = Object.keys(WIRE_SCHEMAS) as WireSchemaName[]

describe('committed JSON Schema', () => {
  it.each(names)(
    '%s.json matches the zod schema (run `pnpm --filter @anansi/protocol generate`)',
    (name) => {
      const committed: unknown = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'))
      expect(committed).toEqual(toJsonSchema(name))
    },
  )

  it('has no file for a schema that no longer exists', () => {
    expect(readdirSync(dir).sort()).toEqual(names.map((n) => `${n}.json`).sort())
  })
})
