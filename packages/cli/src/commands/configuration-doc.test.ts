import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { distributedConfigSchema, embeddedConfigSchema } from '../config.js'
import { detectorConfigSchema } from '../detector-config.js'
import { EXIT } from './exit-codes.js'

const doc = readFileSync(new URL('../../../../docs/configuration.md', import.meta.url), 'utf8')

/** The rows of the markdown table under a `## ` or `### ` heading that starts with `heading`. */
function tableRows(heading: string): string[] {
  const start = doc.indexOf(`\n## ${heading}`)
  expect(start, heading).toBeGreaterThan(-1)
  const section = doc.slice(start + 1).split(/\n## /)[0] ?? ''
  return section.split('\n').filter((line) => line.startsWith('| `'))
}

describe('docs/configuration.md', () => {
  it('documents every variable of anansi dev and anansi start, with its default', () => {
    const cases = [
      ['`anansi dev`', embeddedConfigSchema],
      ['`anansi start', distributedConfigSchema],
      ['Anomaly detectors', detectorConfigSchema],
    ] as const
    for (const [heading, schema] of cases) {
      const rows = tableRows(heading)
      const documented = rows.map((row) => /^\| `([A-Z_]+)`/.exec(row)?.[1])
      expect(documented.sort(), heading).toEqual(Object.keys(schema.shape).sort())
      const defaults = schema.parse({ DATABASE_URL: 'postgres://x', KAFKA_BROKERS: 'k:9092' })
      for (const [name, value] of Object.entries(defaults)) {
        if (name === 'DATABASE_URL' || name === 'KAFKA_BROKERS') continue
        const shown = Array.isArray(value) ? value.join(',') : String(value)
        const row = rows.find((r) => r.startsWith(`| \`${name}\``)) ?? ''
        expect(row.split('|')[2], name).toContain(`\`${shown}\``)
      }
    }
  })

  it('lists every exit code', () => {
    const rows = doc.split('\n## Exit codes')[1] ?? ''
    for (const code of Object.values(EXIT)) expect(rows).toMatch(new RegExp(`\\n\\| ${code} +\\|`))
  })
})
