/**
 * Writes json-schema/<name>.json for every wire contract. Run `pnpm --filter @anansi/protocol generate`
 * after changing a schema; a test fails while the committed files are stale.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { WIRE_SCHEMAS, toJsonSchema, type WireSchemaName } from '../src/index.js'

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'json-schema')
mkdirSync(outDir, { recursive: true })
for (const name of Object.keys(WIRE_SCHEMAS) as WireSchemaName[]) {
  writeFileSync(join(outDir, `${name}.json`), `${JSON.stringify(toJsonSchema(name), null, 2)}\n`)
}
console.log(`wrote ${Object.keys(WIRE_SCHEMAS).length} schemas to ${outDir}`)
