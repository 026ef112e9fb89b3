import { and, desc, eq, isNull } from 'drizzle-orm'
import { apiKeyMatches, apiKeyPrefix, generateApiKey } from '../api-key-secret.js'
import type { Database } from '../drivers/database.js'
import { wrapQueryError } from '../errors.js'
import { toStorableText } from '../sanitize.js'
import { apiKeys, type API_KEY_SCOPES } from '../schema/index.js'

/** A key scope. */
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number]

/** A key as listed: never the secret, never the hash. */
export interface ApiKeyInfo {
  id: string
  projectId: string
  name: string
  prefix: string
  scopes: ApiKeyScope[]
  createdAt: Date
  lastUsedAt: Date | null
  expiresAt: Date | null
  revokedAt: Date | null
}

/** What a verified key grants. */
export interface VerifiedApiKey {
  keyId: string
  projectId: string
  scopes: ApiKeyScope[]
}

const infoColumns = {
  id: apiKeys.id,
  projectId: apiKeys.projectId,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  scopes: apiKeys.scopes,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
  expiresAt: apiKeys.expiresAt,
  revokedAt: apiKeys.revokedAt,
}

/** Creates a key for a project and returns its plaintext, which is never stored and cannot be shown again. */
export async function createApiKey(
  db: Database,
  projectId: string,
  input: { name: string; scopes: ApiKeyScope[]; expiresAt?: Date },
): Promise<{ plaintext: string; key: ApiKeyInfo }> {
  const generated = generateApiKey()
  try {
    const [key] = await db
      .insert(apiKeys)
      .values({
        projectId,
        name: toStorableText(input.name),
        scopes: input.scopes,
        prefix: generated.prefix,
        hash: generated.hash,
        expiresAt: input.expiresAt,
      })
      .returning(infoColumns)
    if (!key) throw new Error('insert returned no row')
    return { plaintext: generated.plaintext, key }
  } catch (cause) {
    throw wrapQueryError('create api key', cause)
  }
}

/**
 * Resolves a presented key to its project and scopes, or undefined when it is malformed, unknown,
 * revoked, expired or does not match (all indistinguishable to the caller).
 */
export async function verifyApiKey(
  db: Database,
  plaintext: string,
  now: Date = new Date(),
): Promise<VerifiedApiKey | undefined> {
  const prefix = apiKeyPrefix(plaintext)
  if (prefix === undefined) return undefined
  let row:
    | {
        id: string
        projectId: string
        scopes: ApiKeyScope[]
        hash: string
        expiresAt: Date | null
        revokedAt: Date | null
      }
    | undefined
  try {
    ;[row] = await db
      .select({
        id: apiKeys.id,
        projectId: apiKeys.projectId,
        scopes: apiKeys.scopes,
        hash: apiKeys.hash,
        expiresAt: apiKeys.expiresAt,
        revokedAt: apiKeys.revokedAt,
      })
      .from(apiKeys)
      .where(eq(apiKeys.prefix, prefix))
  } catch (cause) {
    throw wrapQueryError('verify api key', cause)
  }
  if (!row || !apiKeyMatches(plaintext, row.hash)) return undefined
  if (row.revokedAt !== null || (row.expiresAt !== null && row.expiresAt <= now)) return undefined
  return { keyId: row.id, projectId: row.projectId, scopes: row.scopes }
}

/** Lists a project's keys, newest first. */
export async function listApiKeys(db: Database, projectId: string): Promise<ApiKeyInfo[]> {
  try {
    return await db
      .select(infoColumns)
      .from(apiKeys)
      .where(eq(apiKeys.projectId, projectId))
      .orderBy(desc(apiKeys.createdAt))
  } catch (cause) {
    throw wrapQueryError('list api keys', cause)
  }
}

/** Revokes one of a project's keys; false when the project has no such live key. */
export async function revokeApiKey(
  db: Database,
  projectId: string,
  keyId: string,
): Promise<boolean> {
  try {
    const rows = await db
      .update(apiKeys)
      .set({ revokedAt: new Date() })
      .where(
        and(eq(apiKeys.projectId, projectId), eq(apiKeys.id, keyId), isNull(apiKeys.revokedAt)),
      )
      .returning({ id: apiKeys.id })
    return rows.length > 0
  } catch (cause) {
    throw wrapQueryError('revoke api key', cause)
  }
}
