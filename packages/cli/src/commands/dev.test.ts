import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { uuidv7 } from '@anansi/protocol'
import { openStore } from '@anansi/store'
import { afterAll, describe, expect, it } from 'vitest'
import { runDev } from './dev.js'

const dataDir = mkdtempSync(join(tmpdir(), 'anansi-dev-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

/** Starts `anansi dev` on a free port; resolves once it printed its URL. */
async function startDev() {
  const lines: string[] = []
  const stop = new AbortController()
  let ready: (url: string) => void = () => undefined
  const url = new Promise<string>((resolve) => {
    ready = resolve
  })
  const exited = runDev(
    (line) => {
      lines.push(line)
      const match = /^ingest API\s+(\S+)/.exec(line)
      if (match?.[1] !== undefined) ready(match[1])
    },
    { ANANSI_DATA_DIR: dataDir, ANANSI_PORT: '0' },
    stop.signal,
  )
  return { lines, url: await Promise.race([url, exited.then(() => '')]), stop, exited }
}

describe('anansi dev', () => {
  it('runs the whole platform: an event sent over HTTP gets a verdict; a restart reuses the project and keeps the data', async () => {
    const first = await startDev()
    const key = first.lines.find((l) => l.startsWith('api key'))?.split(/\s+/)[2] ?? ''
    expect(key).toMatch(/^ansk_/)
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const id = uuidv7()
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' }
    const sent = await fetch(`${first.url}/v1/events`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        events: [
          {
            id,
            timestamp: new Date().toISOString(),
            model: { provider: 'openai', name: 'gpt-4o' },
            category: 'chatbot',
            input: { type: 'text', text: 'Insult me.' },
            output: {
              type: 'text',
              text: 'You are a worthless idiot and I hope you die, you disgusting piece of trash.',
            },
            status: 'ok',
          },
        ],
      }),
    })
    expect(sent.status).toBe(202)
    const verdict = await fetch(`${first.url}/v1/events/${id}/verdict?wait=20000`, { headers })
    expect(verdict.status).toBe(200)
    const body = (await verdict.json()) as { safe: boolean; decidedBy: string }
    expect(body).toMatchObject({ safe: false, decidedBy: 'remote' })
    // A second dev on the same data directory is refused while the first runs (PGlite has no lock).
    const refused: unknown = await runDev(() => undefined, {
      ANANSI_DATA_DIR: dataDir,
      ANANSI_PORT: '0',
    }).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(Error)
    expect((refused as Error).message).toMatch(/already running/)
    first.stop.abort()
    expect(await first.exited).toBe(0)

    const second = await startDev()
    expect(second.lines.join('\n')).not.toContain(key)
    expect(second.lines.find((l) => l.startsWith('project'))).toBe(
      first.lines.find((l) => l.startsWith('project')),
    )
    const again = await fetch(`${second.url}/v1/events/${id}/verdict`, { headers })
    expect(again.status).toBe(200)
    second.stop.abort()
    expect(await second.exited).toBe(0)

    const store = await openStore({ driver: 'pglite', dataDir: join(dataDir, 'db') })
    try {
      const verified = await store.verifyApiKey(key)
      expect(verified?.scopes).toEqual(['ingest', 'read', 'admin'])
    } finally {
      await store.close()
    }
  }, 120_000)
})
