import { readdir, readFile } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { toIssues } from '@anansi/protocol'
import { parse as parseYaml } from 'yaml'
import { TestRunnerError } from '../errors.js'
import { LIBRARY_DIR } from '../library-directory.js'
import { suiteFileSchema, type SuiteFile } from './scenario.js'

/** Validates a suite from its parsed JSON/YAML value; `where` names it in errors. */
export function parseSuite(value: unknown, where: string): SuiteFile {
  const parsed = suiteFileSchema.safeParse(value)
  if (!parsed.success) {
    const detail = toIssues(parsed.error)
      .slice(0, 5)
      .map((i) => `${i.path.join('.')}: ${i.message}`)
      .join('; ')
    throw new TestRunnerError('invalid_scenario', `${where}: ${detail}`)
  }
  const seen = new Set<string>()
  for (const scenario of parsed.data.scenarios) {
    if (seen.has(scenario.id))
      throw new TestRunnerError(
        'invalid_scenario',
        `${where}: duplicate scenario id ${scenario.id}`,
      )
    seen.add(scenario.id)
  }
  return parsed.data
}

/** Reads a suite file: `.json`, or `.yaml`/`.yml`. */
export async function loadSuiteFile(path: string): Promise<SuiteFile> {
  const text = await readFile(path, 'utf8')
  const extension = extname(path).toLowerCase()
  let value: unknown
  try {
    value = extension === '.yaml' || extension === '.yml' ? parseYaml(text) : JSON.parse(text)
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause)
    throw new TestRunnerError('invalid_scenario', `${path}: ${message}`, { cause })
  }
  return parseSuite(value, path)
}

/** The names of the built-in suites (the library's file names). */
export async function listBuiltinSuites(libraryDir: string = LIBRARY_DIR): Promise<string[]> {
  const files = await readdir(libraryDir)
  return files
    .filter((f) => f.endsWith('.json') && f !== 'templates.json')
    .map((f) => f.slice(0, -'.json'.length))
    .sort()
}

/** Loads one built-in suite by name. */
export async function loadBuiltinSuite(
  name: string,
  libraryDir: string = LIBRARY_DIR,
): Promise<SuiteFile> {
  const names = await listBuiltinSuites(libraryDir)
  if (!names.includes(name))
    throw new TestRunnerError(
      'unknown_name',
      `no built-in suite ${JSON.stringify(name)} (have: ${names.join(', ')})`,
    )
  return loadSuiteFile(join(libraryDir, `${name}.json`))
}

/** Loads a suite given as a built-in name or a path to a JSON/YAML file. */
export async function resolveSuite(nameOrPath: string): Promise<SuiteFile> {
  return /[/\\]|\.(json|ya?ml)$/i.test(nameOrPath)
    ? loadSuiteFile(nameOrPath)
    : loadBuiltinSuite(nameOrPath)
}
