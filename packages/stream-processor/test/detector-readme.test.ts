import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  TABLE_HEADER,
  experimentSentence,
  measureDetectorQuality,
  rowCells,
} from '../bench/detector-quality.js'

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

/** The cells of every row of the README's detector table (prettier pads them; spaces are trimmed). */
function readmeTable(): string[][] {
  const section = README.split('\n## Anomaly detection quality')[1]?.split('\n## ')[0] ?? ''
  return section
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|[\s-|]+\|$/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    )
}

describe('README anomaly detection quality', () => {
  it('states the experiment the table comes from', () => {
    // Prettier may wrap the sentence: compare with whitespace collapsed.
    expect(README.replace(/\s+/g, ' ')).toContain(experimentSentence())
  })

  it('shows what the experiment measures now (re-measure with `pnpm bench:detectors`)', () => {
    const [header, ...rows] = readmeTable()
    expect(header).toEqual([...TABLE_HEADER])
    expect(rows).toEqual(measureDetectorQuality().map(rowCells))
  })
})
