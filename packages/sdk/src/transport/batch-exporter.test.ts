import { describe, expect, it } from 'vitest'
import { BatchExporter, type ExporterHooks, type ExporterSettings } from './batch-exporter.js'
import type { SendOutcome } from './http-sender.js'

const settings: ExporterSettings = {
  batch: { maxEvents: 100, maxBytes: 1_000_000, intervalMs: 60_000 },
  queue: { maxEvents: 1_000, maxBytes: 10_000_000 },
  retry: { initialDelayMs: 10, maxDelayMs: 100, deadlineMs: 10_000 },
}

/** An exporter whose every send waits until the test releases it. */
function heldExporter() {
  const sends: { body: string; at: number; release: () => void }[] = []
  const hooks: ExporterHooks<string> = {
    ready: () => Promise.resolve(),
    serialize: (item) => ({ json: JSON.stringify(item), bytes: item.length + 2 }),
    send: (body) =>
      new Promise<SendOutcome>((resolve) => {
        sends.push({
          body,
          at: Date.now(),
          release: () => resolve({ kind: 'accepted', rejected: [] }),
        })
      }),
    onEncodingRefused: () => undefined,
    onDrop: () => undefined,
    onError: () => undefined,
    onRejected: () => undefined,
    debug: () => undefined,
  }
  return { exporter: new BatchExporter(settings, hooks), sends }
}

async function until(check: () => boolean, timeoutMs = 1_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
}

describe('BatchExporter', () => {
  it('sends an urgent item queued behind a request in flight as soon as that request settles', async () => {
    const { exporter, sends } = heldExporter()
    exporter.add('first', 7, true)
    await until(() => sends.length === 1)
    exporter.add('second', 8, true) // a gated call arriving while the first batch is in flight
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(sends).toHaveLength(1) // one request in flight at a time
    const releasedAt = Date.now()
    sends[0]?.release()
    await until(() => sends.length === 2) // not after the 60 s interval
    expect((sends[1]?.at ?? Infinity) - releasedAt).toBeLessThan(500)
    expect(sends[1]?.body).toContain('"second"')
    sends[1]?.release()
    await exporter.shutdown(1_000)
  })

  it('lets ordinary items behind a request in flight wait for the interval', async () => {
    const { exporter, sends } = heldExporter()
    exporter.add('urgent', 8, true)
    await until(() => sends.length === 1)
    exporter.add('ordinary', 10)
    sends[0]?.release()
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(sends).toHaveLength(1)
    expect(exporter.stats().queued).toBe(1)
    const flushing = exporter.flush(1_000)
    await until(() => sends.length === 2)
    sends[1]?.release()
    expect(await flushing).toBe(true)
    await exporter.shutdown(1_000)
  })
})
