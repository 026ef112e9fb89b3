import { describe, expect, it } from 'vitest'
import type { BusError } from './errors.js'
import type { TopicPartition } from './messages.js'
import { PartitionCallbacks } from './partition-callbacks.js'

const tp = (partition: number): TopicPartition => ({ topic: 't', partition })

describe('PartitionCallbacks', () => {
  it('runs callbacks one at a time, in the order the changes happened', async () => {
    const log: string[] = []
    const slow = (what: string) => async (partitions: TopicPartition[]) => {
      log.push(`${what}:start:${partitions.map((p) => p.partition).join(',')}`)
      await new Promise((resolve) => setTimeout(resolve, 5))
      log.push(`${what}:end`)
    }
    const callbacks = new PartitionCallbacks(slow('assigned'), slow('revoked'), () => undefined)
    void callbacks.assigned([tp(0), tp(1)])
    void callbacks.sync([tp(1), tp(2)])
    await callbacks.revokeAll()
    expect(log).toEqual([
      'assigned:start:0,1',
      'assigned:end',
      'revoked:start:0',
      'revoked:end',
      'assigned:start:2',
      'assigned:end',
      'revoked:start:1,2',
      'revoked:end',
    ])
    expect(callbacks.list()).toEqual([])
  })

  it('reports a failed assignment and retries it before that partition is processed', async () => {
    const errors: BusError[] = []
    let calls = 0
    const callbacks = new PartitionCallbacks(
      () => {
        calls += 1
        if (calls < 3) throw new Error(`load failed ${calls}`)
      },
      undefined,
      (e) => errors.push(e),
    )
    await callbacks.assigned([tp(0)])
    expect(errors.map((e) => e.code)).toEqual(['callback_failed'])
    await expect(callbacks.ready(tp(0))).rejects.toMatchObject({ code: 'callback_failed' })
    await expect(callbacks.ready(tp(0))).resolves.toBeUndefined()
    await expect(callbacks.ready(tp(0))).resolves.toBeUndefined()
    expect(calls).toBe(3)
  })

  it('ignores assignments once closed', async () => {
    const assigned: number[] = []
    const callbacks = new PartitionCallbacks(
      (ps) => void assigned.push(...ps.map((p) => p.partition)),
      undefined,
      () => undefined,
    )
    await callbacks.assigned([tp(0)])
    await callbacks.close()
    await callbacks.assigned([tp(1)])
    expect(assigned).toEqual([0])
    expect(callbacks.owns(tp(1))).toBe(false)
    await expect(callbacks.ready(tp(1))).rejects.toMatchObject({ code: 'closed' })
  })
})
