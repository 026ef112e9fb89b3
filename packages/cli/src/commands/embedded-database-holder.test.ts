import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { embeddedDatabaseHolder } from './embedded-database-holder.js'

const root = mkdtempSync(join(tmpdir(), 'anansi-holder-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** A data directory whose pg_control records the given cluster state. */
function cluster(name: string, state: number): string {
  const dir = join(root, name)
  mkdirSync(join(dir, 'global'), { recursive: true })
  const control = Buffer.alloc(64)
  control.writeUInt32LE(state, 16)
  writeFileSync(join(dir, 'global', 'pg_control'), control)
  return dir
}

const hasProc = process.platform === 'linux'

describe('embeddedDatabaseHolder', () => {
  it('finds nobody for a missing database or one that was shut down cleanly', () => {
    expect(embeddedDatabaseHolder(join(root, 'absent'))).toBeUndefined()
    expect(embeddedDatabaseHolder(cluster('shut-down', 1))).toBeUndefined()
  })

  it.runIf(hasProc)('names the process holding an open database, and nobody after a crash', () => {
    const dir = cluster('open', 6)
    expect(embeddedDatabaseHolder(dir)).toBeUndefined() // "in production" but no files open: crashed
    writeFileSync(join(dir, 'base-file'), '')
    const fd = openSync(join(dir, 'base-file'), 'r')
    try {
      expect(embeddedDatabaseHolder(dir)).toEqual({ pid: process.pid })
    } finally {
      closeSync(fd)
    }
  })
})
