import { readFileSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'

const root = join(import.meta.dirname, '..')
const sources = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.ts'))
  .map((file) => join(root, 'src', file))

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1] ?? '')
}

describe('@anansi/bus boundaries', () => {
  it('imports kafkajs only inside src/kafka, so a maintained client can replace it there', () => {
    const offenders = sources
      .filter((file) => importsOf(file).includes('kafkajs'))
      .map((file) => relative(root, file))
      .filter((file) => !file.startsWith(join('src', 'kafka')))
    expect(offenders).toEqual([])
  })

  it('never imports the store, drizzle or a database driver at run time', () => {
    const forbidden = /^(@anansi\/store|drizzle-orm|@electric-sql\/pglite|postgres)(\/|$)/
    const offenders = sources.flatMap((file) =>
      importsOf(file)
        .filter((spec) => forbidden.test(spec))
        .map((spec) => `${relative(root, file)} → ${spec}`),
    )
    expect(offenders).toEqual([])
    const manifest = z
      .object({ dependencies: z.record(z.string(), z.string()) })
      .parse(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')))
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['kafkajs'])
    expect(manifest.dependencies.kafkajs).toBe('2.2.4')
  })
})
