import { createHash } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
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

/** A cache on disk (one JSON file per key), shared by CLI runs on one machine. */
export class FileCache implements ResponseCache {
  constructor(private readonly dir: string) {}

  private path(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`)
  }

  /** Reads an answer; a missing or unreadable entry is a miss. */
  async get(key: string): Promise<CompletionResponse | undefined> {
    let text: string
    try {
      text = await readFile(this.path(key), 'utf8')
    } catch {
      return undefined // absent: a miss
    }
    const value: unknown = JSON.parse(text)
    if (
      typeof value === 'object' &&
      value !== null &&
      'text' in value &&
      typeof value.text === 'string'
    )
      return value as CompletionResponse
    return undefined
  }

  /** Writes an answer atomically (temp file, then rename). */
  async set(key: string, response: CompletionResponse): Promise<void> {
    const path = this.path(key)
    await mkdir(join(this.dir, key.slice(0, 2)), { recursive: true })
    const temp = `${path}.${process.pid}.tmp`
    await writeFile(temp, JSON.stringify(response))
    await rename(temp, path)
  }
}
