// @ts-check
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import js from '@eslint/js'
import importX from 'eslint-plugin-import-x'
import tseslint from 'typescript-eslint'

/** @type {{ packages: Record<string, { name: string, mayImport: string[] | '*' }> }} */
const architecture = JSON.parse(
  readFileSync(join(import.meta.dirname, 'tooling', 'architecture.json'), 'utf8'),
)
const allNames = Object.values(architecture.packages).map((p) => p.name)

const internalsPatterns = [
  {
    group: ['@anansi/*/src', '@anansi/*/src/*', '@anansi/*/dist/*'],
    message: "Import a package's public entry point, not its internals.",
  },
  {
    group: ['../../*/src/*', '../../../*/src/*'],
    message: 'Import a sibling package by name, not by a relative path into its sources.',
  },
]
const nodeBuiltins = {
  group: ['node:*'],
  message: 'This module must run on edge runtimes: no Node built-ins.',
}

// Code that must also run on edge runtimes (browsers, workers), per package folder.
const edgeOnly = {
  protocol: ['src/**/*.ts'],
  'evaluator-gpu': ['src/pii/**/*.ts'],
  sdk: ['src/**/*.ts'],
}

/** `no-restricted-imports` for one package: siblings the design forbids, internals, and (edge) Node built-ins. */
function restrictedImports(pkg, edge) {
  const allowed = pkg.mayImport === '*' ? allNames : pkg.mayImport
  const forbidden = allNames.filter((name) => name !== pkg.name && !allowed.includes(name))
  return [
    'error',
    {
      paths: forbidden.map((name) => ({
        name,
        message: `${pkg.name} may not import ${name} (tooling/architecture.json, DESIGN.md "Who may import whom").`,
      })),
      patterns: edge ? [...internalsPatterns, nodeBuiltins] : internalsPatterns,
    },
  ]
}

// One block per package (and one more for its edge-only folders, since flat config replaces a
// rule's options rather than merging them).
const boundaryBlocks = Object.entries(architecture.packages).flatMap(([dir, pkg]) => [
  {
    files: [`packages/${dir}/**/*.ts`],
    rules: { 'no-restricted-imports': restrictedImports(pkg, false) },
  },
  ...(edgeOnly[dir]
    ? [
        {
          files: edgeOnly[dir].map((glob) => `packages/${dir}/${glob}`),
          // The SDK's Node entry and Node platform files are the only places it may use node:*.
          ignores: [
            '**/*.test.ts',
            'packages/sdk/src/node.ts',
            'packages/sdk/src/platform/node-*.ts',
          ],
          rules: { 'no-restricted-imports': restrictedImports(pkg, true) },
        },
      ]
    : []),
])

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/coverage/**',
      '**/.venv/**',
      '.anansi/**',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver': { node: true } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': [
        'error',
        { 'ts-expect-error': 'allow-with-description' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-empty': ['error', { allowEmptyCatch: false }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ExportAllDeclaration',
          message: 'List exports explicitly: `export *` hides what a package makes public.',
        },
      ],
    },
  },
  ...boundaryBlocks,
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
)
