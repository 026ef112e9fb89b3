import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connectPostgres } from '@anansi/store'
import { afterAll, describe, expect, it } from 'vitest'
import { serviceAddress } from '../../../../tooling/test-services.js'
import type { CommandIo } from './command-io.js'
import { EXIT } from './exit-codes.js'
import { runMigrate, type MigrateReport } from './migrate.js'

const dataDir = mkdtempSync(join(tmpdir(), 'anansi-migrate-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

/** Captures stdout lines and stderr lines of one run. */
function capture() {
  const out: string[] = []
  const err: string[] = []
  const io: CommandIo = {
    warn: (line) => err.push(line),
    progress: () => ({ done: () => undefined, fail: () => undefined }),
  }
  return { out, err, io, print: (line: string) => void out.push(line) }
}

describe('anansi migrate on the embedded database', () => {
  it('applies every migration to a new database, then finds nothing to do', async () => {
    const first = capture()
    const env = { ANANSI_DATA_DIR: dataDir }
    expect(await runMigrate(first.print, ['--json'], env, first.io)).toBe(EXIT.ok)
    const report = JSON.parse(first.out.join('\n')) as MigrateReport
    expect(report).toMatchObject({ driver: 'pglite', before: 0 })
    expect(report.database).toBe(`PGlite at ${join(dataDir, 'db')}`)
    expect(report.after).toBeGreaterThan(0)
    expect(report.applied).toBe(report.after)

    const second = capture()
    expect(await runMigrate(second.print, [], env, second.io)).toBe(EXIT.ok)
    expect(second.out).toEqual([
      `PGlite at ${join(dataDir, 'db')}: already up to date (${report.after} migration${report.after === 1 ? '' : 's'} applied)`,
    ])
  }, 60_000)

  it('answers bad usage with 2 and bad configuration with 78, as JSON when asked', async () => {
    const extra = capture()
    expect(await runMigrate(extra.print, ['now'], {}, extra.io)).toBe(EXIT.usage)
    expect(extra.err[0]).toContain('anansi migrate takes no arguments')
    const unknown = capture()
    expect(await runMigrate(unknown.print, ['--force', '--json'], {}, unknown.io)).toBe(EXIT.usage)
    expect(JSON.parse(unknown.out.join('\n'))).toMatchObject({ error: { code: 'usage' } })
    const badUrl = capture()
    expect(
      await runMigrate(badUrl.print, ['--json'], { DATABASE_URL: 'mysql://x' }, badUrl.io),
    ).toBe(EXIT.config)
    const failure = JSON.parse(badUrl.out.join('\n')) as {
      error: { code: string; message: string }
    }
    expect(failure.error.code).toBe('invalid_config')
    expect(failure.error.message).toContain('DATABASE_URL')
  })

  it('prints its help with exit codes', async () => {
    const help = capture()
    expect(await runMigrate(help.print, ['--help'], {}, help.io)).toBe(EXIT.ok)
    expect(help.out.join('\n')).toContain('78  bad configuration')
  })
})

const url = serviceAddress('DATABASE_URL')

describe.skipIf(url === undefined)('anansi migrate on PostgreSQL', () => {
  it('migrates a new database, then finds nothing to do', async () => {
    // A database of its own, so the count starts at zero whatever other tests did.
    const admin = await connectPostgres({ url: url ?? '', maxConnections: 1 })
    const name = `anansi_cli_migrate_${process.pid}_${Date.now()}`
    await admin.execute(`create database ${name}`)
    try {
      const target = new URL(url ?? '')
      target.pathname = `/${name}`
      const env = { DATABASE_URL: target.toString() }
      const first = capture()
      expect(await runMigrate(first.print, ['--json'], env, first.io)).toBe(EXIT.ok)
      const report = JSON.parse(first.out.join('\n')) as MigrateReport
      expect(report).toMatchObject({ driver: 'postgres', before: 0 })
      expect(report.applied).toBeGreaterThan(0)
      expect(report.database).toBe(`PostgreSQL at ${target.host}/${name}`)
      const second = capture()
      expect(await runMigrate(second.print, ['--json'], env, second.io)).toBe(EXIT.ok)
      expect(JSON.parse(second.out.join('\n'))).toMatchObject({ applied: 0, after: report.after })
    } finally {
      await admin.execute(`drop database if exists ${name} with (force)`)
      await admin.close()
    }
  }, 60_000)

  it('fails with 1 when the server cannot be reached', async () => {
    const down = capture()
    const env = { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }
    expect(await runMigrate(down.print, ['--json'], env, down.io)).toBe(EXIT.failed)
    expect(JSON.parse(down.out.join('\n'))).toMatchObject({ error: { code: 'unreachable' } })
  })
})
