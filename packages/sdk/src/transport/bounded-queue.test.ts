import { describe, expect, it } from 'vitest'
import { BoundedQueue } from './bounded-queue.js'

interface Item {
  id: number
  bytes: number
}

const item = (id: number, bytes = 10): Item => ({ id, bytes })

describe('BoundedQueue', () => {
  it('evicts the oldest entries past the count bound and reports them', () => {
    const evicted: number[] = []
    const queue = new BoundedQueue<Item>(3, 1_000, (items) =>
      evicted.push(...items.map((i) => i.id)),
    )
    for (let i = 0; i < 5; i += 1) queue.push(item(i))
    expect(evicted).toEqual([0, 1])
    expect(queue.drain().map((i) => i.id)).toEqual([2, 3, 4])
  })

  it('evicts past the byte bound and keeps the byte count exact', () => {
    const evicted: number[] = []
    const queue = new BoundedQueue<Item>(100, 25, (items) =>
      evicted.push(...items.map((i) => i.id)),
    )
    queue.push(item(1, 10))
    queue.push(item(2, 10))
    queue.push(item(3, 10))
    expect(evicted).toEqual([1])
    expect(queue.bytes).toBe(20)
    expect(queue.shift()?.id).toBe(2)
    expect(queue.bytes).toBe(10)
  })

  it('puts a failed batch back at the front, where it is the first to go under pressure', () => {
    const evicted: number[] = []
    const queue = new BoundedQueue<Item>(3, 1_000, (items) =>
      evicted.push(...items.map((i) => i.id)),
    )
    queue.push(item(1))
    queue.push(item(2))
    const batch = [queue.shift(), queue.shift()].filter((i) => i !== undefined)
    queue.push(item(3))
    queue.push(item(4))
    queue.requeue(batch)
    expect(evicted).toEqual([1])
    expect(queue.drain().map((i) => i.id)).toEqual([2, 3, 4])
  })

  it('stays FIFO across many pushes and shifts (compaction)', () => {
    const queue = new BoundedQueue<Item>(10_000, 1e9, () => undefined)
    const out: number[] = []
    for (let i = 0; i < 5_000; i += 1) {
      queue.push(item(i, 1))
      if (i % 2 === 1) out.push(queue.shift()?.id ?? -1, queue.shift()?.id ?? -1)
    }
    expect(out).toEqual(Array.from({ length: 5_000 }, (_, i) => i))
    expect(queue.length).toBe(0)
    expect(queue.bytes).toBe(0)
  })
})
