import { fileURLToPath } from 'node:url'

/**
 * The committed drizzle-kit migrations. Both `src/` (tests, tsx) and the bundled `dist/` sit one
 * level below the package root, so the same relative path works from either.
 */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../drizzle', import.meta.url))
