import { fileURLToPath } from 'node:url'

/**
 * The built-in scenario library shipped with the package. `src/` and the bundled `dist/` both sit
 * one level below the package root, so one relative path serves both.
 */
export const LIBRARY_DIR = fileURLToPath(new URL('../library', import.meta.url))
