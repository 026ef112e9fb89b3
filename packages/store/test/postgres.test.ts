import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serviceAddress } from '../../../tooling/test-services.js'
import { openStore } from '../src/index.js'
import { defineSchemaContract } from './schema-contract.js'
import { defineStoreContract, EXPECTED_TABLES } from './store-contract.js'

const serverUrl = serviceAddress('DATABASE_URL')
const created: string[] = []

/** A new, empty database on the server, dropped when the file ends: every run migrates from nothing. */
async function freshDatabaseUrl(admin: postgres.Sql, base: string): Promise<string> {
  const name = `anansi_t_${randomBytes(6).toString('hex')}`
  await admin.unsafe(`create database ${name}`)
  created.push(name)
  const url = new URL(base)
  url.pathname = `/${name}`
  return url.toString()
}

describe.skipIf(serverUrl === undefined)('PostgreSQL server', () => {
  const base = serverUrl ?? ''
  let admin: postgres.Sql
  const urls: string[] = []

  beforeAll(async () => {
    admin = postgres(base, { max: 1, onnotice: () => undefined })
    urls.push(await freshDatabaseUrl(admin, base), await freshDatabaseUrl(admin, base))
  })

  afterAll(async () => {
    for (const name of created) await admin.unsafe(`drop database if exists ${name} with (force)`)
    await admin.end()
  })

  defineStoreContract('postgres.js', () => openStore({ driver: 'postgres', url: urls[0] ?? '' }))
  defineSchemaContract('postgres.js', () => openStore({ driver: 'postgres', url: urls[0] ?? '' }))

  it('lets several replicas migrate one empty database at the same time', async () => {
    const stores = await Promise.all(
      Array.from({ length: 4 }, () =>
        openStore({ driver: 'postgres', url: urls[1] ?? '', maxConnections: 2 }),
      ),
    )
    try {
      const project = await stores[0]?.createProject({ name: 'x', slug: 'x' })
      expect(project?.id).toBeDefined()
      for (const store of stores) expect(await store.getProject(project?.id ?? '')).toBeDefined()
      expect(EXPECTED_TABLES.length).toBeGreaterThan(20)
    } finally {
      await Promise.all(stores.map((s) => s.close()))
    }
  })

  it('reports an unreachable server as a retriable connection error', async () => {
    const error: unknown = await openStore({
      driver: 'postgres',
      url: 'postgres://postgres@127.0.0.1:1/nope',
    }).catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'StoreError', code: 'connection_failed', retriable: true })
  })
})
