import { DEFAULT_POLICY } from '@anansi/evaluator'
import { openStore, type Store } from '@anansi/store'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ProcessorError } from '../src/index.js'
import { ProjectSettingsCache } from '../src/projects/project-settings.js'

describe('ProjectSettingsCache', () => {
  let store: Store
  beforeAll(async () => {
    store = await openStore({ driver: 'pglite' })
  })
  afterAll(async () => {
    await store.close()
  })

  it("uses a project's valid policy and the default for an invalid one, reporting each once", async () => {
    const { id } = await store.createProject({ name: 'p', slug: 'settings-p' })
    const reported: unknown[] = []
    const cache = new ProjectSettingsCache(store, 0, (error) => reported.push(error))

    expect((await cache.get(id))?.policy).toEqual(DEFAULT_POLICY)
    await store.updateProjectSettings(id, { policy: { name: 'tight', gatingTier: 'lexical' } })
    expect((await cache.get(id))?.policy).toMatchObject({ name: 'tight', gatingTier: 'lexical' })

    await store.updateProjectSettings(id, { policy: { gatingTier: 'gpu' } })
    expect((await cache.get(id))?.policy).toEqual(DEFAULT_POLICY)
    expect((await cache.get(id))?.policy).toEqual(DEFAULT_POLICY) // reloaded, not reported again
    expect(reported).toHaveLength(1)
    expect(reported[0]).toBeInstanceOf(ProcessorError)
    expect(reported[0]).toMatchObject({ code: 'invalid_policy' })
    expect(String(reported[0])).toContain('gatingTier')

    await store.updateProjectSettings(id, { policy: { evaluators: { pii: { threshold: -1 } } } })
    await cache.get(id)
    expect(reported).toHaveLength(2) // a different mistake is news

    await store.updateProjectSettings(id, { policy: { name: 'fixed' } })
    expect((await cache.get(id))?.policy.name).toBe('fixed')
    await store.updateProjectSettings(id, { policy: { evaluators: { pii: { threshold: -1 } } } })
    await cache.get(id)
    expect(reported).toHaveLength(3) // broken again after a fix: reported again
  })

  it('answers undefined for a project that does not exist', async () => {
    const cache = new ProjectSettingsCache(store, 0, () => undefined)
    expect(await cache.get('00000000-0000-4000-8000-000000000000')).toBeUndefined()
  })
})
