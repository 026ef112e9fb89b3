import { defineConfig } from 'tsup'

export default defineConfig({
  // `pii` is its own entry: edge runtimes (the SDK's redactor) can import it without onnxruntime.
  entry: { index: 'src/index.ts', pii: 'src/pii/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // import.meta.url locates the committed migrations; shims give the CJS build the same value.
  shims: true,
})
