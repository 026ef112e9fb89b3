import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { measureBundles } from '../scripts/bundle-size.js'

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

/** The README's size table, by the entry named in its first column. */
function reportedSizes(): Map<string, { minified: number; gzipped: number }> {
  const rows = new Map<string, { minified: number; gzipped: number }>()
  const row = /^\| `(@anansi\/sdk[^`]*)`([^|]*)\|\s*([\d.]+) KB\s*\|\s*([\d.]+) KB\s*\|$/gm
  for (const match of README.matchAll(row)) {
    const [, name = '', note = '', minified = '', gzipped = ''] = match
    const entry = name === '@anansi/sdk/otel' ? 'otel' : note.includes('Node') ? 'node' : 'index'
    rows.set(entry, { minified: Number(minified) * 1000, gzipped: Number(gzipped) * 1000 })
  }
  return rows
}

describe('bundle size', () => {
  it('matches the README within 5% (re-measure with `pnpm --filter @anansi/sdk size`)', async () => {
    const reported = reportedSizes()
    const measured = await measureBundles()
    expect([...reported.keys()].sort()).toEqual(measured.map((m) => m.entry).sort())
    for (const size of measured) {
      const row = reported.get(size.entry)
      expect(Math.abs(size.minifiedBytes / (row?.minified ?? 0) - 1), size.entry).toBeLessThan(0.05)
      expect(Math.abs(size.gzippedBytes / (row?.gzipped ?? 0) - 1), size.entry).toBeLessThan(0.05)
    }
  })

  it('bundles no npm package at all: zod and the optional peers stay out', async () => {
    for (const size of await measureBundles()) expect(size.packages, size.entry).toEqual([])
  })
})
