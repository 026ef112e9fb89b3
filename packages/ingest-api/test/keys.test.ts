import { errorBodySchema, uuidv7 } from '@anansi/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { IngestApi } from '../src/index.js'
import { headers, openHarness, type Harness } from './harness.js'

let h: Harness
beforeAll(async () => {
  h = await openHarness()
})
afterAll(async () => {
  await h.close()
})

const created = z.object({ key: z.string(), id: z.string(), prefix: z.string() })
const listed = z.object({
  keys: z.array(z.object({ id: z.string(), prefix: z.string(), revokedAt: z.string().nullable() })),
})
const event = () => ({
  id: uuidv7(),
  timestamp: new Date().toISOString(),
  model: { provider: 'p', name: 'm' },
  category: 'c',
  input: { type: 'text', text: 'hi' },
  status: 'ok',
})

describe('/v1/keys (admin)', () => {
  it('creates a key shown once, lists it without its secret, and revokes it', async () => {
    const app = h.api().app
    const res = await app.request('/v1/keys', {
      method: 'POST',
      headers: headers(h.keys.a.admin),
      body: JSON.stringify({ name: 'ci', scopes: ['ingest'] }),
    })
    expect(res.status).toBe(201)
    const key = created.parse(await res.json())
    const send = () =>
      app.request('/v1/events', {
        method: 'POST',
        headers: headers(key.key),
        body: JSON.stringify({ events: [event()] }),
      })
    expect((await send()).status).toBe(202)
    const list = await (await app.request('/v1/keys', { headers: headers(h.keys.a.admin) })).text()
    expect(list).toContain(key.prefix)
    expect(list).not.toContain(key.key)
    expect(listed.parse(JSON.parse(list)).keys.some((k) => k.id === key.id)).toBe(true)
    expect(
      (
        await app.request(`/v1/keys/${key.id}`, {
          method: 'DELETE',
          headers: headers(h.keys.a.admin),
        })
      ).status,
    ).toBe(204)
    expect((await send()).status).toBe(401)
  })

  it('needs the admin scope and never reaches another project', async () => {
    const app = h.api().app
    expect((await app.request('/v1/keys', { headers: headers(h.keys.a.read) })).status).toBe(403)
    const victim = created.parse(
      await (
        await app.request('/v1/keys', {
          method: 'POST',
          headers: headers(h.keys.a.admin),
          body: JSON.stringify({ name: 'v', scopes: ['read'] }),
        })
      ).json(),
    )
    expect(
      (
        await app.request(`/v1/keys/${victim.id}`, {
          method: 'DELETE',
          headers: headers(h.keys.b.admin),
        })
      ).status,
    ).toBe(404)
    const bList = listed.parse(
      await (await app.request('/v1/keys', { headers: headers(h.keys.b.admin) })).json(),
    )
    expect(bList.keys.some((k) => k.id === victim.id)).toBe(false)
  })

  it('validates the body', async () => {
    const res = await h.api().app.request('/v1/keys', {
      method: 'POST',
      headers: headers(h.keys.a.admin),
      body: JSON.stringify({ name: 'x', scopes: ['root'] }),
    })
    expect(res.status).toBe(400)
  })

  describe("the project's last active admin key", () => {
    /** A project of its own whose admin keys the test controls; `expiresAt` per key, if any. */
    const project = async (admins: (Date | undefined)[]) => {
      const { id } = await h.store.createProject({ name: 'solo', slug: `solo-${uuidv7()}` })
      const scoped = h.store.forProject(id)
      const keys: { key: string; id: string }[] = []
      for (const expiresAt of admins) {
        const created = await scoped.createApiKey({
          name: 'admin',
          scopes: ['read', 'admin'],
          ...(expiresAt === undefined ? {} : { expiresAt }),
        })
        keys.push({ key: created.plaintext, id: created.key.id })
      }
      return keys
    }
    const revoke = async (api: IngestApi, key: string, id: string): Promise<Response> =>
      api.app.request(`/v1/keys/${id}`, { method: 'DELETE', headers: headers(key) })

    it('is refused with 409 conflict (in any case of the id) and keeps working; with a second admin key it can go', async () => {
      const api = h.api()
      const app = api.app
      const [only] = await project([undefined])
      if (only === undefined) throw new Error('one key expected')
      for (const id of [only.id, only.id.toUpperCase()]) {
        const refused = await revoke(api, only.key, id)
        expect(refused.status).toBe(409)
        expect(errorBodySchema.parse(await refused.json()).error.code).toBe('conflict')
      }
      expect((await app.request('/v1/keys', { headers: headers(only.key) })).status).toBe(200)
      const second = created.parse(
        await (
          await app.request('/v1/keys', {
            method: 'POST',
            headers: headers(only.key),
            body: JSON.stringify({ name: 'next', scopes: ['admin'] }),
          })
        ).json(),
      )
      expect((await revoke(api, only.key, only.id)).status).toBe(204)
      expect((await app.request('/v1/keys', { headers: headers(only.key) })).status).toBe(401)
      expect((await revoke(api, second.key, second.id)).status).toBe(409)
    })

    it('counts only admin keys that are neither revoked nor expired', async () => {
      const [lasting, expiring] = await project([undefined, new Date(Date.now() + 86_400_000)])
      if (lasting === undefined || expiring === undefined) throw new Error('two keys expected')
      // Two days on, the second admin key has expired: the first is the last one.
      const later = h.api({ now: () => new Date(Date.now() + 2 * 86_400_000) })
      expect((await revoke(later, lasting.key, lasting.id)).status).toBe(409)
      expect((await revoke(h.api(), lasting.key, lasting.id)).status).toBe(204)
    })

    it('survives two admin keys revoking each other at the same time: one goes, one stays', async () => {
      const api = h.api()
      const [one, two] = await project([undefined, undefined])
      if (one === undefined || two === undefined) throw new Error('two keys expected')
      const statuses = await Promise.all([
        revoke(api, one.key, two.id).then((r) => r.status),
        revoke(api, two.key, one.id).then((r) => r.status),
      ])
      expect(statuses.sort()).toEqual([204, 409])
      const alive = await Promise.all(
        [one, two].map(
          async (k) => (await api.app.request('/v1/keys', { headers: headers(k.key) })).status,
        ),
      )
      expect(alive.sort()).toEqual([200, 401])
    })
  })
})
