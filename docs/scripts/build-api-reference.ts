/**
 * Writes `docs/api-reference.md` from the OpenAPI document of the ingestion API, built in this
 * process. With `--check` it writes nothing and exits 1 when the committed page is stale.
 *
 *   pnpm exec tsx --conditions=@anansi/source docs/scripts/build-api-reference.ts [--check]
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { format, resolveConfig } from 'prettier'
import { fetchOpenApiDocument } from './openapi-document.js'
import { renderApiReference } from './render-api-reference.js'

/** Where the reference is committed. */
export const API_REFERENCE_PATH = fileURLToPath(new URL('../api-reference.md', import.meta.url))

const COMMAND = 'docs/scripts/build-api-reference.ts'

/** The page as it should be committed: rendered, then formatted with the repository's Prettier settings. */
export async function buildApiReference(): Promise<string> {
  const markdown = renderApiReference(await fetchOpenApiDocument(), COMMAND)
  const config = (await resolveConfig(API_REFERENCE_PATH)) ?? {}
  return format(markdown, { ...config, parser: 'markdown' })
}

async function main(check: boolean): Promise<number> {
  const page = await buildApiReference()
  if (!check) {
    writeFileSync(API_REFERENCE_PATH, page)
    console.log(`wrote ${API_REFERENCE_PATH}`)
    return 0
  }
  const current = readFileSync(API_REFERENCE_PATH, 'utf8')
  if (current === page) return 0
  console.error(`${API_REFERENCE_PATH} is stale: run ${COMMAND}`)
  return 1
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1])
  main(process.argv.includes('--check')).then(
    (code) => {
      process.exitCode = code
    },
    (error: unknown) => {
      console.error(error)
      process.exitCode = 1
    },
  )
