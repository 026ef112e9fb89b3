import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Monitor } from '../src/index.js'
import { startIngestReceiver, type IngestReceiver } from './fixtures/ingest-receiver.js'
import { later } from './fixtures/later.js'

const SRC = join(import.meta.dirname, '..', 'src')

/** Every module the entry reaches through static imports, and what each imports from outside. */
function staticGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  const visit = (file: string): void => {
    if (graph.has(file)) return
    const source = readFileSync(file, 'utf8')
    const specifiers = [...source.matchAll(/^(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm)]
      .filter((m) => !/^(?:import|export)\s+type\s/.test(m[0]))
      .map((m) => m[1] ?? '')
    graph.set(
      file,
      specifiers.filter((s) => !s.startsWith('.')),
    )
    for (const s of specifiers.filter((s) => s.startsWith('.')))
      visit(resolve(dirname(file), s.replace(/\.js$/, '.ts')))
  }
  visit(join(SRC, entry))
  return graph
}

describe('the edge entry (src/index.ts)', () => {
  it('reaches no Node built-in and no Node-only dependency', () => {
    const graph = staticGraph('index.ts')
    expect(graph.size).toBeGreaterThan(20)
    const outside = [...new Set([...graph.values()].flat())]
    expect(outside.filter((s) => s.startsWith('node:') || s === 'undici')).toEqual([])
    expect(outside).toEqual(['@anansi/protocol'])
  })

  it('keeps the Node parts behind the node entry', () => {
    const outside = new Set([...staticGraph('node.ts').values()].flat())
    expect([...outside].sort()).toEqual(['@anansi/protocol', 'node:async_hooks', 'node:zlib'])
  })

  describe('running on web APIs only', () => {
    let receiver: IngestReceiver
    beforeEach(async () => {
      receiver = await startIngestReceiver()
    })
    afterEach(async () => {
      expect(receiver.invalid).toEqual([])
      await receiver.close()
    })

    it('ships gzipped batches (CompressionStream) and gates through the long-poll', async () => {
      const monitor = new Monitor({
        apiKey: receiver.apiKey,
        endpoint: receiver.url,
        batch: { intervalMs: 10 },
        opentelemetry: false,
      })
      const chat = monitor.track((p: string) => later(p.startsWith('bad') ? 'UNSAFE' : `ok ${p}`), {
        model: 'm',
        category: 'edge',
        gate: { mode: 'fallback', fallback: 'withheld', timeoutMs: 3_000 },
      })
      expect(await chat('x'.repeat(2_000))).toBe(`ok ${'x'.repeat(2_000)}`)
      expect(await chat('bad')).toBe('withheld')
      expect(receiver.sockets).toBe(0) // no WebSocket with headers on the web platform
      expect(receiver.longPolls).toBeGreaterThanOrEqual(2)
      await monitor.shutdown()
      expect(receiver.batches.some((b) => b.gzip)).toBe(true)
      expect(receiver.events).toHaveLength(2)
    })
  })
})
