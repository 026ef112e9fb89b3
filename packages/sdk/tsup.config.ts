import { defineConfig } from 'tsup'

export default defineConfig({
  // Two entries: `index` runs anywhere (edge workers, browsers); `node` adds AsyncLocalStorage,
  // zlib, undici's WebSocket and the in-process evaluator. The exports map picks one per runtime.
  // `otel` is the `@anansi/sdk/otel` subpath (the OpenTelemetry span exporter), runtime-neutral.
  entry: { index: 'src/index.ts', node: 'src/node.ts', otel: 'src/otel.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // Bundle the few runtime pieces of @anansi/protocol we use (uuidv7, limits) from its sources so
  // zod, which only its schemas need, never loads in an application.
  noExternal: ['@anansi/protocol'],
  esbuildOptions(options) {
    options.conditions = ['@anansi/source']
  },
})
