import { mkdtempSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FileCache } from './response-cache.js'

const KEY = 'ab'.repeat(32)

function entryPath(dir: string, key: string): string {
  return join(dir, key.slice(0, 2), `${key}.json`)
}

describe('FileCache', () => {
  it('misses an absent key, then hits what was stored, across instances', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anansi-cache-'))
    const cache = new FileCache(dir)
    expect(await cache.get(KEY)).toBeUndefined()
    await cache.set(KEY, { text: 'answer', outputTokens: 7, finishReason: 'stop' })
    expect(await cache.get(KEY)).toEqual({ text: 'answer', outputTokens: 7, finishReason: 'stop' })
    expect([cache.hits, cache.misses, cache.corrupt]).toEqual([1, 1, 0])
    // Another run on the same machine reads the same entry.
    expect((await new FileCache(dir).get(KEY))?.text).toBe('answer')
  })

  it('treats a corrupt entry as a miss, and the next write repairs it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anansi-cache-'))
    const cache = new FileCache(dir)
    mkdirSync(join(dir, KEY.slice(0, 2)), { recursive: true })
    // A write cut short by a crash …
    writeFileSync(entryPath(dir, KEY), '{"text":"half an ans')
    expect(await cache.get(KEY)).toBeUndefined()
    // … and JSON that is not an answer.
    const other = 'cd'.repeat(32)
    mkdirSync(join(dir, other.slice(0, 2)), { recursive: true })
    writeFileSync(entryPath(dir, other), '{"text":42}')
    expect(await cache.get(other)).toBeUndefined()
    expect([cache.hits, cache.misses, cache.corrupt]).toEqual([0, 2, 2])
    await cache.set(KEY, { text: 'whole answer' })
    expect(await cache.get(KEY)).toEqual({ text: 'whole answer' })
  })

  it('survives concurrent writes of the same key, leaving one whole entry and no temp files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anansi-cache-'))
    const [first, second] = [new FileCache(dir), new FileCache(dir)]
    const texts = Array.from({ length: 24 }, (_, i) => `answer ${i} `.repeat(200))
    await Promise.all(texts.map((text, i) => (i % 2 === 0 ? first : second).set(KEY, { text })))
    const stored = await first.get(KEY)
    expect(texts).toContain(stored?.text)
    expect(readdirSync(join(dir, KEY.slice(0, 2)))).toEqual([`${KEY}.json`])
  })

  it('reports a read failure other than a missing file instead of hiding it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anansi-cache-'))
    // The entry's path is a directory: EISDIR is not a miss.
    mkdirSync(entryPath(dir, KEY), { recursive: true })
    await expect(new FileCache(dir).get(KEY)).rejects.toThrow()
  })
})
