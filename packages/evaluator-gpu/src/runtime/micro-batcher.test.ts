import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { EvaluatorError } from '../errors.js'
import { MicroBatcher } from './micro-batcher.js'

const double = async (items: number[]): Promise<number[]> => {
  await new Promise((r) => setTimeout(r, 1))
  return items.map((n) => n * 2)
}

describe('MicroBatcher', () => {
  it('returns every caller its own result in a burst of 1,000 concurrent calls, in few batches', async () => {
    const sizes: number[] = []
    const batcher = new MicroBatcher<number, number>(
      async (items) => {
        sizes.push(items.length)
        return double(items)
      },
      { maxBatchSize: 64, maxWaitMs: 2, maxQueue: 10_000, concurrency: 1 },
    )
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => batcher.submit(i)))
    expect(results).toEqual(Array.from({ length: 1000 }, (_, i) => i * 2))
    expect(Math.max(...sizes)).toBeLessThanOrEqual(64)
    expect(sizes.length).toBeLessThan(40)
    await batcher.close()
  })

  it('keeps results matched to callers for any arrival pattern and batch limits', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer(), { maxLength: 200 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 3 }),
        async (items, maxBatchSize, concurrency) => {
          const batcher = new MicroBatcher(double, {
            maxBatchSize,
            maxWaitMs: 0,
            maxQueue: 1000,
            concurrency,
          })
          expect(await Promise.all(items.map((n) => batcher.submit(n)))).toEqual(
            items.map((n) => n * 2),
          )
          await batcher.close()
        },
      ),
      { numRuns: 50 },
    )
  })

  it('fails only the callers of a failed batch, with the runner error', async () => {
    const batcher = new MicroBatcher<number, number>(
      (items) =>
        items.includes(13) ? Promise.reject(new Error('unlucky')) : Promise.resolve(items),
      { maxBatchSize: 1, maxWaitMs: 0, maxQueue: 100, concurrency: 1 },
    )
    const settled = await Promise.allSettled([12, 13, 14].map((n) => batcher.submit(n)))
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
  })

  it('sheds load beyond the queue bound with a retriable typed error', async () => {
    const batcher = new MicroBatcher<number, number>(double, {
      maxBatchSize: 1,
      maxWaitMs: 0,
      maxQueue: 5,
      concurrency: 1,
    })
    const settled = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => batcher.submit(i)),
    )
    const rejected = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected')
    expect(rejected.length).toBeGreaterThan(0)
    expect(rejected[0]?.reason).toMatchObject({ code: 'overloaded', retriable: true })
  })

  it('rejects waiting items on close and refuses new ones', async () => {
    const batcher = new MicroBatcher<number, number>(double, {
      maxBatchSize: 10,
      maxWaitMs: 50,
      maxQueue: 100,
      concurrency: 1,
    })
    const waiting = batcher.submit(1).catch((e: unknown) => e)
    await batcher.close()
    expect(await waiting).toBeInstanceOf(EvaluatorError)
    await expect(batcher.submit(2)).rejects.toMatchObject({ code: 'closed' })
    await batcher.close()
  })
})

describe('MicroBatcher in a bare process', () => {
  it('keeps the process alive until a waiting batch runs (no unref timer swallowing the result)', async () => {
    const { execFileSync } = await import('node:child_process')
    const script = `
      import { MicroBatcher } from './micro-batcher.ts'
      const b = new MicroBatcher(async (xs) => xs.map((x) => x + 1), { maxBatchSize: 8, maxWaitMs: 20, maxQueue: 10, concurrency: 1 })
      console.log(await b.submit(41))`
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: import.meta.dirname, encoding: 'utf8' },
    )
    expect(out.trim()).toBe('42')
  })
})
