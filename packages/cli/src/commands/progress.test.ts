import { afterEach, describe, expect, it, vi } from 'vitest'
import { startProgress } from './progress.js'

afterEach(() => {
  vi.useRealTimers()
})

describe('startProgress', () => {
  it('writes nothing when the stream is not a terminal (pipes, CI logs)', () => {
    const writes: string[] = []
    const progress = startProgress({ write: (text) => writes.push(text) }, 'loading evaluators')
    progress.done('7 loaded')
    progress.fail()
    expect(writes).toEqual([])
  })

  it('animates on a terminal, then leaves one finished line and stops animating', () => {
    vi.useFakeTimers()
    const writes: string[] = []
    const stream = { isTTY: true, write: (text: string) => writes.push(text) }
    const progress = startProgress(stream, 'migrating', 80)
    vi.advanceTimersByTime(250)
    expect(writes.length).toBe(4)
    expect(writes.every((w) => w.startsWith('\r\x1b[K') && w.endsWith('migrating…'))).toBe(true)
    progress.done('1 applied')
    const last = writes.at(-1) ?? ''
    expect(last.startsWith('\r\x1b[K✔ migrating: 1 applied (')).toBe(true)
    expect(last).toMatch(/\(\d+ ms\)\n$/)
    vi.advanceTimersByTime(1_000)
    progress.fail()
    expect(writes.at(-1)).toBe(last)
  })

  it('marks a failed step', () => {
    const writes: string[] = []
    startProgress({ isTTY: true, write: (text) => writes.push(text) }, 'loading').fail()
    expect(writes.at(-1)).toBe('\r\x1b[K✖ loading\n')
  })
})
