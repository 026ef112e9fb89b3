import { describe, expect, it } from 'vitest'
import { shannonEntropy } from './entropy.js'

describe('shannonEntropy', () => {
  it('is 0 for empty and constant strings and log2(n) for n distinct characters', () => {
    expect(shannonEntropy('')).toBe(0)
    expect(shannonEntropy('aaaa')).toBe(0)
    expect(shannonEntropy('abcd')).toBeCloseTo(2)
    expect(shannonEntropy('0123456789abcdef')).toBeCloseTo(4)
  })
})
