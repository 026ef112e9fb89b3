import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openStore } from '../src/index.js'
import { makeEvent } from './fixtures.js'
import { defineSchemaContract } from './schema-contract.js'
import { defineStoreContract } from './store-contract.js'

defineStoreContract('PGlite (in memory)', () => openStore({ driver: 'pglite' }))
defineSchemaContract('PGlite (in memory)', () => openStore({ driver: 'pglite' }))

describe('PGlite on disk', () => {
  it('keeps data across close and reopen, and re-migrating an existing data dir is a no-op', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'anansi-pglite-'))
    try {
      const first = await openStore({ driver: 'pglite', dataDir })
      const project = await first.createProject({ name: 'Disk', slug: 'disk' })
      const event = makeEvent()
      await first.forProject(project.id).insertEvents([event])
      await first.close()
      await first.close() // closing twice is safe

      const second = await openStore({ driver: 'pglite', dataDir })
      expect((await second.forProject(project.id).getEvent(event.id))?.event.id).toBe(event.id)
      await second.close()
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
