import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { serve } from '@hono/node-server'
import { batchResponseSchema, errorBodySchema } from '@anansi/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadVectors, type TestVector } from '../../protocol/test/vectors.js'
import { headers, openHarness, type Harness } from './harness.js'

// The protocol's vectors sent to a listening server over fetch: what an SDK sees on the wire,
// including Node's own HTTP parsing and body streaming, not Hono's in-process request().
let h: Harness
let server: Server
let base: string
beforeAll(async () => {
  h = await openHarness()
  const api = h.api({ rateLimit: { perSecond: 10_000, burst: 10_000 } })
  server = serve({ fetch: api.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server
  await new Promise<void>((resolve) => server.once('listening', () => resolve()))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
  await h.close()
})

/** An ingest key of a new, empty project: vectors reuse event ids, and each must be news. */
async function freshKey(): Promise<string> {
  const slug = `v-${Math.random().toString(36).slice(2, 10)}`
  const project = await h.store.createProject({ name: slug, slug })
  const created = await h.store
    .forProject(project.id)
    .createApiKey({ name: 'v', scopes: ['ingest'] })
  return created.plaintext
}

const post = async (body: string): Promise<{ status: number; json: unknown }> => {
  const res = await fetch(`${base}/v1/events`, {
    method: 'POST',
    headers: headers(await freshKey()),
    body,
  })
  return { status: res.status, json: await res.json() }
}

const pathSet = (paths: readonly (readonly (string | number)[])[]): string[] =>
  [...new Set(paths.map((p) => JSON.stringify(p.map(String))))].sort()

/** The failing paths of a 400 (envelope) or 207 (per event) answer, each body schema-checked. */
function failingPaths(answer: { status: number; json: unknown }): string[] {
  if (answer.status === 400)
    return pathSet(
      (errorBodySchema.parse(answer.json).error.details?.issues ?? []).map((i) => i.path),
    )
  expect(answer.status).toBe(207)
  const body = batchResponseSchema.parse(answer.json)
  return pathSet(body.results.flatMap((r) => r.errors ?? []).map((e) => e.path))
}

const vectors = loadVectors()
const named = (schema: string) =>
  vectors.filter((v) => v.schema === schema).map((v) => [v.file, v] as const)

describe('protocol batch vectors over HTTP', () => {
  it.each(named('batch'))('%s', async (_file, vector: TestVector) => {
    const answer = await post(vector.payloadText ?? JSON.stringify(vector.value))
    if (vector.valid) {
      expect(answer.status).toBe(202)
      const body = batchResponseSchema.parse(answer.json)
      expect(body.rejected).toBe(0)
      expect(body.accepted).toBe(body.results.length)
      return
    }
    expect([400, 207]).toContain(answer.status)
    expect(failingPaths(answer)).toEqual(pathSet(vector.paths ?? []))
  })
})

describe('protocol event vectors over HTTP, each as a one-event batch', () => {
  it.each(named('event'))('%s', async (_file, vector: TestVector) => {
    // Raw text stays raw (lone surrogates, 1e400): re-serialising would change what is tested.
    const answer = await post(`{"events":[${vector.payloadText ?? JSON.stringify(vector.value)}]}`)
    const body = batchResponseSchema.parse(answer.json)
    expect(body.results).toHaveLength(1)
    if (vector.valid) {
      expect(answer.status).toBe(202)
      expect(body).toMatchObject({ accepted: 1, duplicates: 0, rejected: 0 })
      expect(body.results[0]?.status).toBe('accepted')
      return
    }
    expect(answer.status).toBe(207)
    expect(body.results[0]?.status).toBe('rejected')
    expect(failingPaths(answer)).toEqual(
      pathSet((vector.paths ?? []).map((p) => ['events', 0, ...p])),
    )
  })

  it('covers every vector of both kinds', () => {
    expect(named('batch').length).toBeGreaterThanOrEqual(11)
    expect(named('event').length).toBeGreaterThanOrEqual(43)
  })
})
