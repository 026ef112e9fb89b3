import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openStore } from '@anansi/store'
import { afterAll, describe, expect, it } from 'vitest'
import { runDev } from './dev.js'

const dataDir = mkdtempSync(join(tmpdir(), 'anansi-dev-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

describe('anansi dev', () => {
  it('creates the default project and prints a working key once, then reuses the project', async () => {
    const first: string[] = []
    expect(await runDev((l) => first.push(l), { ANANSI_DATA_DIR: dataDir })).toBe(0)
    const key = first.find((l) => l.startsWith('api key'))?.split(/\s+/)[2] ?? ''
    expect(key).toMatch(/^ansk_/)

    const second: string[] = []
    expect(await runDev((l) => second.push(l), { ANANSI_DATA_DIR: dataDir })).toBe(0)
    expect(second.join('\n')).not.toContain(key)
    expect(second.find((l) => l.startsWith('project'))).toBe(
      first.find((l) => l.startsWith('project')),
    )

    const store = await openStore({ driver: 'pglite', dataDir: join(dataDir, 'db') })
    try {
      const verified = await store.verifyApiKey(key)
      expect(verified?.scopes).toEqual(['ingest', 'read', 'admin'])
    } finally {
      await store.close()
    }
  })

  it('never claims that unbuilt parts are running', async () => {
    const lines: string[] = []
    await runDev((l) => lines.push(l), { ANANSI_DATA_DIR: dataDir })
    expect(lines.some((l) => l.startsWith('ingest API') && l.includes('not built yet'))).toBe(true)
  })
})
