import { fileURLToPath } from 'node:url'

/**
 * The models that ship with the package. `src/` and the bundled `dist/` both sit one level below
 * the package root, so one relative path serves both.
 */
export const BUILTIN_MODELS_DIR = fileURLToPath(new URL('../models', import.meta.url))
