import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { z } from 'zod'

/** A workspace package with a `bench` script. */
export interface PackageBench {
  name: string
  dir: string
}

const workspaceSchema = z.array(z.object({ name: z.string(), path: z.string() }))
const manifestSchema = z.object({ scripts: z.record(z.string(), z.string()).optional() })

/** Every workspace package but the root (whose `bench` is the runner itself) that has a `bench` script, in pnpm's order. */
export function findPackageBenches(root: string): PackageBench[] {
  const listed = workspaceSchema.parse(
    JSON.parse(
      execFileSync('pnpm', ['ls', '-r', '--depth', '-1', '--json'], {
        cwd: root,
        encoding: 'utf8',
      }),
    ),
  )
  return listed
    .filter((pkg) => resolve(pkg.path) !== resolve(root))
    .filter((pkg) => {
      const manifest = manifestSchema.parse(
        JSON.parse(readFileSync(join(pkg.path, 'package.json'), 'utf8')),
      )
      return manifest.scripts?.bench !== undefined
    })
    .map((pkg) => ({ name: pkg.name, dir: pkg.path }))
}
