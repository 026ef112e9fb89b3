import { describe, expect, it } from 'vitest'
import { SerialByKey } from './serial-by-key.js'

const tick = () => new Promise((r) => setTimeout(r, 5))

describe('SerialByKey', () => {
  it('runs one task at a time per key, in order, past failures, without holding other keys or finished keys', async () => {
    const serial = new SerialByKey()
    const log: string[] = []
    const task =
      (name: string, fail = false) =>
      async () => {
        log.push(`${name} start`)
        await tick()
        log.push(`${name} end`)
        if (fail) throw new Error(name)
        return name
      }
    const results = await Promise.allSettled([
      serial.run('p', task('a1', true)),
      serial.run('p', task('a2')),
      serial.run('q', task('b1')),
    ])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled'])
    // a2 starts only after a1 ended; b1 (another key) overlaps a1.
    expect(log.indexOf('a2 start')).toBeGreaterThan(log.indexOf('a1 end'))
    expect(log.indexOf('b1 start')).toBeLessThan(log.indexOf('a1 end'))
    await tick()
    expect(serial.busy).toBe(0)
  })
})
