/**
 * `pnpm --filter @anansi/sdk size`: what the SDK adds to an application's bundle, as the README
 * reports it. Each entry is bundled from source and minified with esbuild, the optional peers
 * external (they are the application's own dependencies), then gzipped.
 */
import { gzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { build, type Metafile } from 'esbuild'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** The peers an application brings itself; the SDK never bundles them. */
const PEERS = ['openai', '@anthropic-ai/sdk', '@opentelemetry/api', '@anansi/evaluator', 'undici']

/** One entry's size in bytes, minified and minified + gzipped. */
export interface BundleSize {
  entry: string
  minifiedBytes: number
  gzippedBytes: number
  /** The npm packages whose code ended up in the bundle (workspace sources are not listed). */
  packages: string[]
}

const ENTRIES = [
  { entry: 'index', file: 'src/index.ts', platform: 'neutral' },
  { entry: 'node', file: 'src/node.ts', platform: 'node' },
  { entry: 'otel', file: 'src/otel.ts', platform: 'neutral' },
] as const

/** The npm package an esbuild input path belongs to, if it is one. */
function packageOf(input: string): string[] {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(input)
  return match?.[1] === undefined ? [] : [match[1]]
}

/** The npm packages with code in the output; parsed-but-tree-shaken inputs do not count. */
function packagesIn(metafile: Metafile): string[] {
  const kept = Object.values(metafile.outputs).flatMap((output) =>
    Object.entries(output.inputs).flatMap(([input, { bytesInOutput }]) =>
      bytesInOutput > 0 ? packageOf(input) : [],
    ),
  )
  return [...new Set(kept)].sort()
}

/** Bundles each public entry (default/edge, Node, `./otel`) and measures it. */
export async function measureBundles(): Promise<BundleSize[]> {
  const sizes: BundleSize[] = []
  for (const { entry, file, platform } of ENTRIES) {
    const result = await build({
      absWorkingDir: ROOT,
      entryPoints: [file],
      bundle: true,
      minify: true,
      format: 'esm',
      platform,
      mainFields: ['module', 'main'],
      conditions: ['@anansi/source'],
      external: PEERS,
      write: false,
      metafile: true,
      logLevel: 'silent',
    })
    const code = result.outputFiles[0]?.contents
    if (code === undefined) throw new Error(`esbuild wrote nothing for ${file}`)
    sizes.push({
      entry,
      minifiedBytes: code.byteLength,
      gzippedBytes: gzipSync(code, { level: 9 }).byteLength,
      packages: packagesIn(result.metafile),
    })
  }
  return sizes
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${JSON.stringify(await measureBundles(), null, 2)}\n`)
}
