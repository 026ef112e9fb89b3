import { describe, expect, it } from 'vitest'
import { checkGates } from './gates.js'
import type { SliceScores } from './summary.js'

const rate = (k: number, n: number) => ({
  k,
  n,
  rate: n === 0 ? null : k / n,
  ci95: n === 0 ? null : ([0, 1] as [number, number]),
})

function scores(over: Partial<SliceScores>): SliceScores {
  return {
    answered: 10,
    errors: 0,
    passRate: rate(9, 10),
    attackSuccessRate: rate(1, 10),
    overRefusalRate: rate(0, 0),
    ...over,
  }
}

describe('checkGates', () => {
  it('passes a clean run that meets its thresholds', () => {
    expect(checkGates(scores({}), { failUnder: 0.9, maxAsr: 0.1 })).toEqual([])
  })

  it('fails on any error by default, and tolerates up to maxErrors', () => {
    expect(checkGates(scores({ errors: 1 }), {}).map((f) => f.gate)).toEqual(['max-errors'])
    expect(checkGates(scores({ errors: 2 }), { maxErrors: 2 })).toEqual([])
  })

  it('never passes a threshold on a rate with no data', () => {
    const empty = scores({ answered: 0, passRate: rate(0, 0), attackSuccessRate: rate(0, 0) })
    const failures = checkGates(empty, { failUnder: 0, maxAsr: 1 })
    expect(failures.map((f) => [f.kind, f.gate])).toEqual([
      ['threshold', 'fail-under'],
      ['threshold', 'max-asr'],
    ])
  })

  it('fails a rate just past its threshold and passes one exactly at it', () => {
    expect(checkGates(scores({}), { failUnder: 0.91 }).map((f) => f.gate)).toEqual(['fail-under'])
    expect(checkGates(scores({}), { maxAsr: 0.09 }).map((f) => f.gate)).toEqual(['max-asr'])
    expect(checkGates(scores({}), { failUnder: 0.9, maxAsr: 0.1 })).toEqual([])
  })
})
