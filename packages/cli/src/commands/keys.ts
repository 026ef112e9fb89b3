import { parseArgs } from 'node:util'
import { z } from 'zod'
import {
  API_KEY_SCOPES,
  storeFor,
  type ApiKeyInfo,
  type ApiKeyScope,
  type Store,
} from '@anansi/store'
import { DEFAULT_PROJECT_SLUG } from '../default-project.js'
import { terminalIo, withProgress, type CommandIo } from './command-io.js'
import { formatTable, parsingArgs, printJson, runCommand } from './command-runner.js'
import { connectTarget, databaseTarget } from './database-target.js'
import type { Print } from './dev.js'
import { parseDuration } from './duration.js'
import { CommandError, EXIT, EXIT_CODES_HELP } from './exit-codes.js'

/** `anansi keys --help`. */
export const KEYS_HELP = `usage:
  anansi keys create --name NAME --scopes ingest,read,admin [--expires-in 30d] [--project SLUG] [--json]
  anansi keys list [--project SLUG] [--json]
  anansi keys revoke ID [--project SLUG] [--json]

Manages API keys directly on the database: DATABASE_URL, or the embedded database
(<ANANSI_DATA_DIR>/db) when it is unset. The embedded database is refused while
anansi dev runs on it (use the API's /v1/keys with an admin key then).

  create       prints the new key once; only its hash is stored
  list         every key of the project, newest first (never the secret)
  revoke ID    the key stops working at once

options:
  --name NAME        what the key is for (1–128 characters)
  --scopes LIST      comma-separated: ingest (send events), read (query, stream), admin (keys, rules)
  --expires-in DUR   lifetime such as 90m, 12h, 30d, 2w, 1y or 1w2d (at most 10 years)
  --project SLUG     the project (default: default; create makes it if missing)
  --json             one JSON document on stdout

${EXIT_CODES_HELP}`

const TEN_YEARS_MS = 10 * 365 * 86_400_000

const createInput = z.object({
  name: z.string({ error: '--name is required' }).min(1).max(128),
  scopes: z
    .string({ error: '--scopes is required (e.g. --scopes ingest,read)' })
    .transform((value) => [...new Set(value.split(',').map((scope) => scope.trim()))])
    .pipe(z.array(z.enum(API_KEY_SCOPES, { error: 'scopes are ingest, read and admin' })).min(1)),
  expiresIn: z
    .string()
    .transform((value, ctx) => {
      const ms = parseDuration(value)
      if (ms === undefined || ms <= 0 || ms > TEN_YEARS_MS) {
        ctx.addIssue({
          code: 'custom',
          message: `--expires-in: expected a duration like 30d, 12h or 1y, at most 10 years (got ${JSON.stringify(value)})`,
        })
        return z.NEVER
      }
      return ms
    })
    .optional(),
})

/** A key as `list` and `create --json` show it: dates as ISO strings, plus whether it still works. */
export interface KeyView {
  id: string
  name: string
  prefix: string
  scopes: ApiKeyScope[]
  status: 'active' | 'revoked' | 'expired'
  createdAt: string
  lastUsedAt: string | null
  expiresAt: string | null
  revokedAt: string | null
}

function view(key: ApiKeyInfo, now = new Date()): KeyView {
  const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString())
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    status:
      key.revokedAt !== null
        ? 'revoked'
        : key.expiresAt !== null && key.expiresAt <= now
          ? 'expired'
          : 'active',
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: iso(key.lastUsedAt),
    expiresAt: iso(key.expiresAt),
    revokedAt: iso(key.revokedAt),
  }
}

const OPTIONS = {
  name: { type: 'string' },
  scopes: { type: 'string' },
  'expires-in': { type: 'string' },
  project: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

function readArgs(args: readonly string[]) {
  return parsingArgs(() =>
    parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true, strict: true }),
  )
}

type Values = ReturnType<typeof readArgs>['values']

function usage(message: string): CommandError {
  return new CommandError('usage', `${message}\n${KEYS_HELP}`)
}

/** `anansi keys create|list|revoke`: API keys, straight on the database. */
export function runKeys(
  print: Print,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  io: CommandIo = terminalIo(),
): Promise<number> {
  return runCommand(print, io, args, async () => {
    const { values, positionals } = readArgs(args)
    if (values.help === true) {
      print(KEYS_HELP)
      return EXIT.ok
    }
    const [action, ...rest] = positionals
    const context: KeysContext = { print, values, env, io }
    if (action === 'create' && rest.length === 0) return createKey(context)
    if (action === 'list' && rest.length === 0) return listKeys(context)
    if (action === 'revoke' && rest.length === 1) return revokeKey(context, rest[0] ?? '')
    if (action === 'revoke') throw usage('anansi keys revoke takes exactly one key id')
    throw usage(
      action === undefined
        ? 'anansi keys: name an action (create, list or revoke)'
        : `anansi keys: unexpected ${JSON.stringify(positionals.join(' '))}`,
    )
  })
}

/** What every keys action works with. */
interface KeysContext {
  print: Print
  values: Values
  env: NodeJS.ProcessEnv
  io: CommandIo
}

/** Opens the store on the configured database (refusing an embedded one in use) and runs `work`. */
async function withStore<T>(
  env: NodeJS.ProcessEnv,
  io: CommandIo,
  work: (store: Store) => Promise<T>,
): Promise<T> {
  const target = databaseTarget(env)
  // Opening PGlite, and migrating a new database, take seconds.
  const connection = await withProgress(io, `opening ${target.label}`, async () => {
    const opened = await connectTarget(target)
    try {
      await opened.migrate()
      return opened
    } catch (error) {
      await opened.close()
      throw error
    }
  })
  try {
    return await work(storeFor(connection))
  } finally {
    await connection.close()
  }
}

async function projectId(store: Store, slug: string, createDefault: boolean): Promise<string> {
  const project = await store.findProjectBySlug(slug)
  if (project !== undefined) return project.id
  if (createDefault && slug === DEFAULT_PROJECT_SLUG) {
    // Distributed deployments have no `anansi dev` to create it; the first key does.
    return (await store.createProject({ name: 'Default project', slug })).id
  }
  throw new CommandError('not_found', `no project ${JSON.stringify(slug)}`)
}

async function createKey({ print, values, env, io }: KeysContext): Promise<number> {
  const parsed = createInput.safeParse({
    name: values.name,
    scopes: values.scopes,
    expiresIn: values['expires-in'],
  })
  if (!parsed.success) throw usage(parsed.error.issues.map((issue) => issue.message).join('; '))
  const { name, scopes, expiresIn } = parsed.data
  const slug = values.project ?? DEFAULT_PROJECT_SLUG
  const created = await withStore(env, io, async (store) =>
    store.forProject(await projectId(store, slug, true)).createApiKey({
      name,
      scopes,
      ...(expiresIn === undefined ? {} : { expiresAt: new Date(Date.now() + expiresIn) }),
    }),
  )
  const key = view(created.key)
  if (values.json === true) {
    printJson(print, { plaintext: created.plaintext, project: slug, key })
    return EXIT.ok
  }
  print(
    `created key ${key.id} "${key.name}" (${key.scopes.join(',')}) in project ${slug}` +
      (key.expiresAt === null ? ', never expires' : `, expires ${key.expiresAt}`),
  )
  print(created.plaintext)
  print('shown once: save it now (e.g. ANANSI_API_KEY); only its hash is stored')
  return EXIT.ok
}

async function listKeys({ print, values, env, io }: KeysContext): Promise<number> {
  const slug = values.project ?? DEFAULT_PROJECT_SLUG
  const keys = await withStore(env, io, async (store) =>
    store.forProject(await projectId(store, slug, false)).listApiKeys(),
  )
  const views = keys.map((key) => view(key))
  if (values.json === true) {
    printJson(print, { project: slug, keys: views })
    return EXIT.ok
  }
  if (views.length === 0) {
    print(`project ${slug} has no keys (anansi keys create --name … --scopes … makes one)`)
    return EXIT.ok
  }
  const day = (iso: string | null): string =>
    iso === null ? '-' : iso.slice(0, 16).replace('T', ' ')
  for (const line of formatTable(
    ['ID', 'NAME', 'PREFIX', 'SCOPES', 'STATUS', 'CREATED', 'LAST USED', 'EXPIRES'],
    views.map((k) => [
      k.id,
      k.name,
      k.prefix,
      k.scopes.join(','),
      k.status,
      day(k.createdAt),
      day(k.lastUsedAt),
      day(k.expiresAt),
    ]),
  ))
    print(line)
  return EXIT.ok
}

async function revokeKey({ print, values, env, io }: KeysContext, id: string): Promise<number> {
  if (!z.uuid().safeParse(id).success) throw usage(`not a key id: ${JSON.stringify(id)}`)
  const slug = values.project ?? DEFAULT_PROJECT_SLUG
  const revoked = await withStore(env, io, async (store) =>
    store.forProject(await projectId(store, slug, false)).revokeApiKey(id),
  )
  if (!revoked)
    throw new CommandError(
      'not_found',
      `project ${slug} has no live key ${id} (unknown or already revoked)`,
    )
  if (values.json === true) printJson(print, { revoked: id, project: slug })
  else print(`revoked key ${id}; it stops working at once`)
  return EXIT.ok
}
