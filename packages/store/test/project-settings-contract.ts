import { describe, expect, it } from 'vitest'
import { StoreError, type Store } from '../src/index.js'
import { uniqueSlug } from './fixtures.js'

const POLICY = { name: 'strict', gatingTier: 'lexical', evaluators: { pii: { blocks: false } } }

async function errorOf(promise: Promise<unknown>): Promise<StoreError> {
  const error: unknown = await promise.catch((e: unknown) => e)
  expect(error).toBeInstanceOf(StoreError)
  return error as StoreError
}

/** Project settings (`Store.updateProjectSettings`), run inside each driver's contract. */
export function defineProjectSettingsContract(getStore: () => Store): void {
  describe('project settings', () => {
    const newProject = () =>
      getStore().createProject({ name: 'Settings', slug: uniqueSlug('settings') })

    it('starts empty, replaces the named section and keeps the others', async () => {
      const store = getStore()
      const project = await newProject()
      expect(project.settings).toEqual({})
      const first = await store.updateProjectSettings(project.id, {
        policy: POLICY,
        retention: { days: 30 },
      })
      expect(first?.settings).toEqual({ policy: POLICY, retention: { days: 30 } })
      const second = await store.updateProjectSettings(project.id, { policy: { name: 'lax' } })
      expect(second?.settings).toEqual({ policy: { name: 'lax' }, retention: { days: 30 } })
      expect((await store.getProject(project.id))?.settings).toEqual(second?.settings)
      expect(second).toMatchObject({ id: project.id, slug: project.slug, name: project.name })
    })

    it('removes a section set to null, and removing an absent one is a no-op', async () => {
      const store = getStore()
      const project = await newProject()
      await store.updateProjectSettings(project.id, { policy: POLICY, retention: { days: 7 } })
      const removed = await store.updateProjectSettings(project.id, { policy: null, other: null })
      expect(removed?.settings).toEqual({ retention: { days: 7 } })
    })

    it('touches only the given project', async () => {
      const store = getStore()
      const a = await newProject()
      const b = await newProject()
      await store.updateProjectSettings(b.id, { policy: { name: 'b' } })
      await store.updateProjectSettings(a.id, { policy: POLICY })
      await store.updateProjectSettings(a.id, { policy: null })
      expect((await store.getProject(b.id))?.settings).toEqual({ policy: { name: 'b' } })
      expect((await store.getProject(a.id))?.settings).toEqual({})
    })

    it('answers undefined for an unknown or malformed project id', async () => {
      const store = getStore()
      expect(
        await store.updateProjectSettings('00000000-0000-4000-8000-000000000000', { x: 1 }),
      ).toBeUndefined()
      expect(await store.updateProjectSettings('not-a-uuid', { x: 1 })).toBeUndefined()
    })

    it('refuses a policy that is not an object, or a patch that is not one, with invalid_argument', async () => {
      const store = getStore()
      const project = await newProject()
      const notObject = await errorOf(store.updateProjectSettings(project.id, { policy: 'strict' }))
      expect(notObject.code).toBe('invalid_argument')
      const array = await errorOf(
        store.updateProjectSettings(project.id, [] as unknown as Record<string, unknown>),
      )
      expect(array.code).toBe('invalid_argument')
      expect((await store.getProject(project.id))?.settings).toEqual({})
    })

    it('stores NUL characters as U+FFFD instead of failing', async () => {
      const store = getStore()
      const project = await newProject()
      const updated = await store.updateProjectSettings(project.id, {
        policy: { name: 'a\u0000b' },
      })
      expect(updated?.settings).toEqual({ policy: { name: 'a\uFFFDb' } })
    })
  })
}
