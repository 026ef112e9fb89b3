import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { WIRE_SCHEMAS, validateBatch, type Issue, type WireSchemaName } from '../src/index.js'
import { loadVectors } from './vectors.js'

function issuesFor(schema: string, value: unknown): Issue[] {
  if (schema === 'batch') {
    const result = validateBatch(value)
    return result.ok ? result.items.flatMap((item) => (item.ok ? [] : item.issues)) : result.issues
  }
  if (!(schema in WIRE_SCHEMAS)) throw new Error(`vector names unknown schema ${schema}`)
  const parsed = WIRE_SCHEMAS[schema as WireSchemaName].safeParse(value)
  return parsed.success
    ? []
    : parsed.error.issues.map((i) => ({
        path: i.path.map(String),
        code: i.code,
        message: i.message,
      }))
}

const canonical = (path: readonly (string | number)[]): string => JSON.stringify(path.map(String))
const vectors = loadVectors()

const packageDir = join(import.meta.dirname, '..')

/** Every file under `dir` with its text, keyed by path relative to `dir`. */
function filesUnder(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const path = join(entry.parentPath, entry.name)
        return [relative(dir, path), readFileSync(path, 'utf8')]
      }),
  )
}

describe('protocol test vectors', () => {
  it('are exactly what scripts/generate-test-vectors.ts writes (edit the script, not the files)', () => {
    const out = mkdtempSync(join(tmpdir(), 'anansi-vectors-'))
    try {
      const tsx = join(packageDir, '..', '..', 'node_modules', '.bin', 'tsx')
      execFileSync(
        tsx,
        ['--conditions=@anansi/source', 'scripts/generate-test-vectors.ts', '--out', out],
        { cwd: packageDir, stdio: 'ignore' },
      )
      expect(filesUnder(join(packageDir, 'test-vectors'))).toEqual(filesUnder(out))
    } finally {
      rmSync(out, { recursive: true, force: true })
    }
  })

  it('has at least 40 vectors covering valid and invalid payloads', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(40)
    expect(vectors.some((v) => v.valid)).toBe(true)
    expect(vectors.some((v) => !v.valid)).toBe(true)
  })

  it.each(vectors.map((v) => [v.file, v] as const))('%s', (_file, vector) => {
    const issues = issuesFor(vector.schema, vector.value)
    expect(issues.length === 0, JSON.stringify(issues.slice(0, 5))).toBe(vector.valid)
    if (!vector.valid) {
      const actual = [...new Set(issues.map((i) => canonical(i.path)))].sort()
      const expected = [...new Set((vector.paths ?? []).map(canonical))].sort()
      expect(actual).toEqual(expected)
    }
  })
})
