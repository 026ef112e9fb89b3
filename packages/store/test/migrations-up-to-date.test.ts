import { execFileSync } from 'node:child_process'
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'

const packageDir = join(import.meta.dirname, '..')
const migrationsDir = join(packageDir, 'drizzle')

function sqlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.sql'))
    .sort()
}

describe('committed migrations', () => {
  it('match the drizzle schema: a change to src/schema without `pnpm db:generate` fails here', () => {
    // drizzle-kit generate against a copy: it writes a new migration only if the schema moved on.
    const copy = mkdtempSync(join(tmpdir(), 'anansi-migrations-'))
    try {
      cpSync(migrationsDir, copy, { recursive: true })
      const drizzleKit = join(packageDir, 'node_modules', '.bin', 'drizzle-kit')
      const output = execFileSync(
        drizzleKit,
        // drizzle-kit reads --out as relative to the working directory, even an absolute one.
        [
          'generate',
          '--dialect',
          'postgresql',
          '--schema',
          './src/schema/index.ts',
          '--out',
          relative(packageDir, copy),
        ],
        { cwd: packageDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      )
      // It exits 0 even when it fails, so its own verdict is read from what it printed.
      expect(output).toContain('No schema changes')
      expect(sqlFiles(copy), output).toEqual(sqlFiles(migrationsDir))
    } finally {
      rmSync(copy, { recursive: true, force: true })
    }
  })

  it('are listed in the journal in order, one SQL file each', () => {
    const journal = z
      .object({ entries: z.array(z.object({ idx: z.number(), tag: z.string() })) })
      .parse(JSON.parse(readFileSync(join(migrationsDir, 'meta', '_journal.json'), 'utf8')))
    const files = sqlFiles(migrationsDir)
    expect(journal.entries.map((entry) => `${entry.tag}.sql`)).toEqual(files)
    expect(journal.entries.map((entry) => entry.idx)).toEqual(files.map((_, index) => index))
  })
})
