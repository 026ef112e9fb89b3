import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openStore } from '@anansi/store'
import { afterAll, describe, expect, it } from 'vitest'
import { serviceAddress } from '../../../../tooling/test-services.js'
import type { CommandIo } from './command-io.js'
import { runDev } from './dev.js'
import { EXIT } from './exit-codes.js'
import { runKeys, type KeyView } from './keys.js'

const dataDir = mkdtempSync(join(tmpdir(), 'anansi-keys-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))
const embedded = { ANANSI_DATA_DIR: dataDir }

/** Runs `anansi keys …` and captures what it printed. */
async function keys(args: string[], env: NodeJS.ProcessEnv = embedded) {
  const out: string[] = []
  const err: string[] = []
  const io: CommandIo = {
    warn: (line) => err.push(line),
    progress: () => ({ done: () => undefined, fail: () => undefined }),
  }
  const code = await runKeys((line) => out.push(line), args, env, io)
  return { code, out, err, json: () => JSON.parse(out.join('\n')) as unknown }
}

interface Created {
  plaintext: string
  project: string
  key: KeyView
}

describe('anansi keys on the embedded database', () => {
  it('creates a key shown once, lists it, revokes it; the database honours each step', async () => {
    const created = await keys([
      'create',
      '--name',
      'ci',
      '--scopes',
      'ingest,read,ingest',
      '--json',
    ])
    expect(created.code).toBe(EXIT.ok)
    const { plaintext, project, key } = created.json() as Created
    expect(plaintext).toMatch(/^ansk_/)
    expect(project).toBe('default')
    expect(key).toMatchObject({ name: 'ci', scopes: ['ingest', 'read'], status: 'active' })
    expect(key.expiresAt).toBeNull()

    const store = await openStore({ driver: 'pglite', dataDir: join(dataDir, 'db') })
    try {
      expect(await store.verifyApiKey(plaintext)).toMatchObject({ keyId: key.id })
    } finally {
      await store.close()
    }

    const listed = await keys(['list', '--json'])
    expect(listed.code).toBe(EXIT.ok)
    const list = listed.json() as { keys: KeyView[] }
    expect(list.keys.map((k) => k.id)).toContain(key.id)
    expect(JSON.stringify(list)).not.toContain(plaintext)

    const revoked = await keys(['revoke', key.id])
    expect(revoked.code).toBe(EXIT.ok)
    expect(revoked.out).toEqual([`revoked key ${key.id}; it stops working at once`])
    const table = await keys(['list'])
    expect(table.out[0]).toMatch(/^ID\s+NAME\s+PREFIX\s+SCOPES\s+STATUS/)
    expect(table.out.find((line) => line.startsWith(key.id))).toMatch(/\bingest,read\s+revoked\b/)

    const again = await keys(['revoke', key.id, '--json'])
    expect(again.code).toBe(EXIT.notFound)
    expect(again.json()).toMatchObject({ error: { code: 'not_found' } })
  }, 60_000)

  it('prints the plaintext once in text mode, and sets an expiry from --expires-in', async () => {
    const before = Date.now()
    const created = await keys([
      'create',
      '--name',
      'short',
      '--scopes',
      'read',
      '--expires-in',
      '30d',
    ])
    expect(created.code).toBe(EXIT.ok)
    expect(created.out[0]).toMatch(/^created key \S+ "short" \(read\) in project default, expires /)
    expect(created.out[1]).toMatch(/^ansk_/)
    const listed = (await keys(['list', '--json'])).json() as { keys: KeyView[] }
    const key = listed.keys.find((k) => k.name === 'short')
    const expires = Date.parse(key?.expiresAt ?? '')
    expect(expires - before).toBeGreaterThanOrEqual(30 * 86_400_000)
    expect(expires - Date.now()).toBeLessThanOrEqual(30 * 86_400_000)
  }, 60_000)

  it('refuses bad arguments with 2 and an unknown project with 4', async () => {
    const cases: [string[], string][] = [
      [['create', '--scopes', 'read'], '--name is required'],
      [['create', '--name', 'x'], '--scopes is required'],
      [['create', '--name', 'x', '--scopes', 'read,write'], 'scopes are ingest, read and admin'],
      [['create', '--name', 'x', '--scopes', 'read', '--expires-in', '11y'], 'at most 10 years'],
      [['create', '--name', 'x', '--scopes', 'read', '--expires-in', 'soon'], '--expires-in'],
      [['revoke', 'not-a-uuid'], 'not a key id'],
      [['revoke'], 'exactly one key id'],
      [['rotate'], 'unexpected "rotate"'],
      [[], 'name an action'],
      [['list', '--all'], "Unknown option '--all'"],
    ]
    for (const [args, message] of cases) {
      const result = await keys(args)
      expect(result.code, args.join(' ')).toBe(EXIT.usage)
      expect(result.err.join('\n'), args.join(' ')).toContain(message)
    }
    const missing = await keys(['list', '--project', 'nope', '--json'])
    expect(missing.code).toBe(EXIT.notFound)
    expect(missing.json()).toMatchObject({
      error: { code: 'not_found', message: 'no project "nope"' },
    })
  }, 60_000)

  it('refuses the embedded database while anansi dev runs on it, and works again once it stopped', async () => {
    const stop = new AbortController()
    let ready: () => void = () => undefined
    const started = new Promise<void>((resolve) => (ready = resolve))
    const dev = runDev(
      (line) => {
        if (line.startsWith('ingest API')) ready()
      },
      { ...embedded, ANANSI_PORT: '0' },
      stop.signal,
    )
    await Promise.race([started, dev])
    try {
      const refused = await keys(['list', '--json'])
      expect(refused.code).toBe(EXIT.busy)
      expect(refused.json()).toMatchObject({ error: { code: 'database_in_use' } })
      expect(refused.err.join('\n')).toContain(`process ${process.pid}`)
      expect(refused.err.join('\n')).toContain('Stop anansi dev first or use the API')
    } finally {
      stop.abort()
      expect(await dev).toBe(0)
    }
    const listed = await keys(['list', '--json'])
    expect(listed.code).toBe(EXIT.ok)
  }, 120_000)
})

const url = serviceAddress('DATABASE_URL')

describe.skipIf(url === undefined)('anansi keys on PostgreSQL', () => {
  it('creates, lists and revokes keys of a named project', async () => {
    const env = { DATABASE_URL: url ?? '' }
    const slug = `cli-keys-${process.pid}-${Date.now()}`
    const store = await openStore({ driver: 'postgres', url: url ?? '', maxConnections: 1 })
    try {
      await store.createProject({ name: 'CLI keys test', slug })
      const created = await keys(
        ['create', '--project', slug, '--name', 'svc', '--scopes', 'admin', '--json'],
        env,
      )
      expect(created.code).toBe(EXIT.ok)
      const { plaintext, key } = created.json() as Created
      expect(await store.verifyApiKey(plaintext)).toMatchObject({
        keyId: key.id,
        scopes: ['admin'],
      })
      const listed = (await keys(['list', '--project', slug, '--json'], env)).json() as {
        keys: KeyView[]
      }
      expect(listed.keys.map((k) => k.id)).toEqual([key.id])
      expect((await keys(['revoke', key.id, '--project', slug], env)).code).toBe(EXIT.ok)
      expect(await store.verifyApiKey(plaintext)).toBeUndefined()
      const other = await keys(
        ['create', '--project', `${slug}-missing`, '--name', 'x', '--scopes', 'read'],
        env,
      )
      expect(other.code).toBe(EXIT.notFound)
    } finally {
      await store.close()
    }
  }, 60_000)
})
