import { uuidv7 } from '@anansi/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
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
})
