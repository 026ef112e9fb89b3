import { verdictPolicySchema } from '@anansi/evaluator'
import { errorBodySchema, projectInfoSchema } from '@anansi/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { headers, openHarness, type Harness } from './harness.js'

let h: Harness
beforeAll(async () => {
  h = await openHarness()
})
afterAll(async () => {
  await h.close()
})

async function call(method: string, path: string, key: string | undefined, body?: unknown) {
  const res = await h.api().app.request(path, {
    method,
    headers: headers(key),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: res.status, body: await res.json() }
}

const getProject = async (key: string) => {
  const res = await call('GET', '/v1/project', key)
  expect(res.status).toBe(200)
  return projectInfoSchema.parse(res.body)
}

const setPolicy = (key: string, policy: unknown) =>
  call('PATCH', '/v1/project/settings', key, { policy })

const issuePaths = (body: unknown) =>
  (errorBodySchema.parse(body).error.details?.issues ?? []).map((issue) => issue.path)

describe('GET /v1/project', () => {
  it("answers the key's own project, for read and admin keys", async () => {
    const a = await getProject(h.keys.a.read)
    expect(a).toMatchObject({ id: h.keys.a.projectId, slug: 'a', name: 'a', settings: {} })
    expect(await getProject(h.keys.a.admin)).toEqual(a)
    expect((await getProject(h.keys.b.read)).id).toBe(h.keys.b.projectId)
  })

  it('refuses ingest keys (403) and missing keys (401)', async () => {
    const ingest = await call('GET', '/v1/project', h.keys.a.ingest)
    expect(ingest.status).toBe(403)
    expect(errorBodySchema.parse(ingest.body).error.code).toBe('forbidden')
    expect((await call('GET', '/v1/project', undefined)).status).toBe(401)
  })
})

describe('PATCH /v1/project/settings', () => {
  it('stores the policy as the processor will read it (fields left out keep the defaults)', async () => {
    const res = await setPolicy(h.keys.a.admin, {
      name: 'strict',
      gatingTier: 'lexical',
      evaluators: { pii: { blocks: false } },
    })
    expect(res.status).toBe(200)
    const expected = {
      name: 'strict',
      gatingTier: 'lexical',
      evaluators: { pii: { blocks: false } },
    }
    expect(projectInfoSchema.parse(res.body).settings.policy).toEqual(expected)
    expect((await getProject(h.keys.a.read)).settings.policy).toEqual(expected)
    const stored = await h.store.getProject(h.keys.a.projectId)
    expect(verdictPolicySchema.parse(stored?.settings.policy)).toEqual(expected)
  })

  it('keeps the other settings sections and removes the policy on null', async () => {
    await h.store.updateProjectSettings(h.keys.a.projectId, { retention: { days: 3 } })
    const replaced = await setPolicy(h.keys.a.admin, { name: 'lax' })
    expect(projectInfoSchema.parse(replaced.body).settings).toEqual({
      retention: { days: 3 },
      policy: { name: 'lax', gatingTier: 'any', evaluators: {} },
    })
    const removed = await setPolicy(h.keys.a.admin, null)
    expect(removed.status).toBe(200)
    expect(projectInfoSchema.parse(removed.body).settings).toEqual({ retention: { days: 3 } })
  })

  it('answers an invalid policy with 400 and every failing path, and stores nothing', async () => {
    const before = await getProject(h.keys.a.read)
    const bad = await setPolicy(h.keys.a.admin, {
      gatingTier: 'psychic',
      evaluators: { pii: { threshold: 2 } },
    })
    expect(bad.status).toBe(400)
    expect(errorBodySchema.parse(bad.body).error.code).toBe('validation_failed')
    expect(issuePaths(bad.body)).toEqual(
      expect.arrayContaining([
        ['body', 'policy', 'gatingTier'],
        ['body', 'policy', 'evaluators', 'pii', 'threshold'],
      ]),
    )
    const missing = await call('PATCH', '/v1/project/settings', h.keys.a.admin, {})
    expect(issuePaths(missing.body)).toEqual([['body', 'policy']])
    const extra = await call('PATCH', '/v1/project/settings', h.keys.a.admin, {
      policy: null,
      retention: {},
    })
    expect(extra.status).toBe(400)
    expect(issuePaths(extra.body)).toEqual([['body']])
    expect(await getProject(h.keys.a.read)).toEqual(before)
  })

  it('refuses read and ingest keys, and non-JSON bodies', async () => {
    const before = await getProject(h.keys.a.read)
    expect((await setPolicy(h.keys.a.read, { name: 'x' })).status).toBe(403)
    expect((await setPolicy(h.keys.a.ingest, { name: 'x' })).status).toBe(403)
    const text = await h.api().app.request('/v1/project/settings', {
      method: 'PATCH',
      headers: headers(h.keys.a.admin, { 'content-type': 'text/plain' }),
      body: '{"policy":null}',
    })
    expect(text.status).toBe(415)
    expect(await getProject(h.keys.a.read)).toEqual(before)
  })

  it("changes only the key's own project", async () => {
    expect((await setPolicy(h.keys.b.admin, { name: 'b-policy' })).status).toBe(200)
    const b = await getProject(h.keys.b.read)
    await setPolicy(h.keys.a.admin, { name: 'a-policy' })
    await setPolicy(h.keys.a.admin, null)
    expect(await getProject(h.keys.b.read)).toEqual(b)
    expect(b.settings.policy).toMatchObject({ name: 'b-policy' })
  })

  it('is documented in the OpenAPI document', async () => {
    const res = await h.api().app.request('/openapi.json')
    const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> }
    expect(Object.keys(doc.paths['/v1/project'] ?? {})).toEqual(['get'])
    expect(Object.keys(doc.paths['/v1/project/settings'] ?? {})).toEqual(['patch'])
  })
})
