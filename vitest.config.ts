import { defineConfig } from 'vitest/config'

// Workspace packages resolve to their TypeScript sources through the `@anansi/source` export
// condition, so tests never need a build step.
const conditions = ['@anansi/source', 'import', 'module', 'node', 'default']

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@anansi/source'] } },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'tooling/**/*.test.ts',
      'e2e/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
