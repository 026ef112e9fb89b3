import { createHash, randomUUID } from 'node:crypto'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import type { CompletionRequest, CompletionResponse, Provider } from '../providers/provider.js'

/** Stores answers by request, so re-running a suite does not pay for the same calls twice. */
export interface ResponseCache {
  get(key: string): Promise<CompletionResponse | undefined>
  set(key: string, response: CompletionResponse): Promise<void>
}

/** The cache key: provider, endpoint, model, generation parameters and the exact messages. */
export function cacheKey(provider: Provider, request: CompletionRequest): string {
  const material = JSON.stringify([
    provider.name,
    provider.endpoint,
    provider.model,
    request.temperature ?? null,
    request.maxTokens ?? null,
    request.seed ?? null,
    request.messages.map((m) => [m.role, m.content]),
  ])
  return createHash('sha256').update(material).digest('hex')
}

/** An in-process cache (one run, or a long-lived API process). */
export class MemoryCache implements ResponseCache {
  private readonly entries = new Map<string, CompletionResponse>()
  hits = 0
  misses = 0

  /** Looks a key up, counting hits and misses. */
  get(key: string): Promise<CompletionResponse | undefined> {
    const value = this.entries.get(key)
    if (value === undefined) this.misses += 1
    else this.hits += 1
    return Promise.resolve(value)
  }

  /** Stores an answer. */
  set(key: string, response: CompletionResponse): Promise<void> {
    this.entries.set(key, response)
    return Promise.resolve()
  }
}

/** What a cache file must hold to count as an answer (anything else on disk is a miss). */
const storedResponseSchema = z.object({
  text: z.string(),
  inputTokens: z.number().optional(),
  outputTokens: z.number().optional(),
  finishReason: z.string().optional(),
})

/** A cache on disk (one JSON file per key), shared by CLI runs on one machine. */
export class FileCache implements ResponseCache {
  hits = 0
  misses = 0
  /** Entries that existed but did not parse (a write cut short by a crash, an edited file). */
  corrupt = 0

  constructor(private readonly dir: string) {}

  private path(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`)
  }

  /**
   * Reads an answer. A missing entry is a miss, and so is a corrupt one: the cache only saves
   * calls, so a bad file must cost one call again, never the run (it is counted in `corrupt`
   * and overwritten by the next `set`).
   */
  async get(key: string): Promise<CompletionResponse | undefined> {
    let text: string
    try {
      text = await readFile(this.path(key), 'utf8')
    } catch (error) {
      if (!isNotFound(error)) throw error
      this.misses += 1
      return undefined
    }
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch {
      value = undefined // not JSON: the schema below rejects it as corrupt
    }
    const parsed = storedResponseSchema.safeParse(value)
    if (!parsed.success) {
      this.corrupt += 1
      this.misses += 1
      return undefined
    }
    this.hits += 1
    return parsed.data
  }

  /**
   * Writes an answer atomically: a temp file, then a rename over the entry. The temp name is
   * unique per write, so two runs (or two cases of one run) storing the same key at once each
   * rename their own complete file and the last one wins.
   */
  async set(key: string, response: CompletionResponse): Promise<void> {
    const path = this.path(key)
    await mkdir(join(this.dir, key.slice(0, 2)), { recursive: true })
    const temp = `${path}.${process.pid}.${randomUUID()}.tmp`
    try {
      await writeFile(temp, JSON.stringify(response))
      await rename(temp, path)
    } catch (error) {
      await rm(temp, { force: true })
      throw error
    }
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT'
}
