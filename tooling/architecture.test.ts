import { readFileSync, readdirSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'

const root = join(import.meta.dirname, '..')
const architecture = z
  .object({
    packages: z.record(
      z.string(),
      z.object({ name: z.string(), mayImport: z.union([z.literal('*'), z.array(z.string())]) }),
    ),
  })
  .parse(JSON.parse(readFileSync(join(root, 'tooling', 'architecture.json'), 'utf8')))
const manifestSchema = z.object({
  name: z.string(),
  dependencies: z.record(z.string(), z.string()).optional(),
  peerDependencies: z.record(z.string(), z.string()).optional(),
  devDependencies: z.record(z.string(), z.string()).optional(),
})
const packageDirs = readdirSync(join(root, 'packages'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, 'packages', d.name, 'package.json')))
  .map((d) => d.name)

describe('architecture: who may import whom', () => {
  it('knows every TypeScript package in packages/', () => {
    const known = Object.keys(architecture.packages)
    for (const dir of packageDirs)
      expect(known, `add packages/${dir} to tooling/architecture.json`).toContain(dir)
  })

  it.each(packageDirs)(
    'packages/%s depends only on the workspace packages it may import',
    (dir) => {
      const rule = architecture.packages[dir]
      const manifest = manifestSchema.parse(
        JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')),
      )
      expect(manifest.name).toBe(rule?.name)
      const deps = Object.keys({
        ...manifest.dependencies,
        ...manifest.peerDependencies,
        ...manifest.devDependencies,
      })
      const ours = deps.filter((name) => name.startsWith('@anansi/'))
      if (rule?.mayImport !== '*')
        for (const dep of ours) expect(rule?.mayImport, `${rule?.name} → ${dep}`).toContain(dep)
    },
  )
})
